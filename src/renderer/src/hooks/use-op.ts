import { useCallback, useEffect, useRef, useState } from 'react'
import type { TesseraError } from '../../../contract/errors'
import type { OpInput, OpName, OpOutput } from '../../../contract/ops'
import { api } from '../api'
import { asTesseraError } from '../components/form-errors'

/** `api.call` with a plain (op, input) signature: its optional-input overloading cannot take a generic K. */
const callOp = api.call as <K extends OpName>(op: K, input: OpInput<K>) => Promise<OpOutput<K>>

export type OpState<T> =
  { status: 'loading' } | { status: 'ok'; value: T } | { status: 'error'; error: TesseraError }

/**
 * Loads a read-only op for a screen and reloads when its input changes. Answers that arrive after a
 * newer request (or after the screen is gone) are dropped.
 */
export function useOp<K extends OpName>(op: K, input: OpInput<K>): [OpState<OpOutput<K>>, () => void] {
  const [state, setState] = useState<OpState<OpOutput<K>>>({ status: 'loading' })
  const key = JSON.stringify(input ?? null)
  const seq = useRef(0)
  const load = useCallback(() => {
    const mine = ++seq.current
    setState({ status: 'loading' })
    const parsed = JSON.parse(key) as OpInput<K> // the input as of this render, by value
    callOp(op, parsed).then(
      (value) => mine === seq.current && setState({ status: 'ok', value }),
      (e: unknown) => mine === seq.current && setState({ status: 'error', error: asTesseraError(e) }),
    )
  }, [op, key])
  useEffect(() => {
    load()
    return () => {
      seq.current++
    }
  }, [load])
  return [state, load]
}
