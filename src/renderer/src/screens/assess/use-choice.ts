import { useEffect, useRef, useState } from 'react'
import type { SelectOption } from '../../components/select'

export interface Choice {
  options: SelectOption[]
  value: string
  setValue: (value: string) => void
}

export interface ChoiceOptions {
  /** Wait this long after the last change of `key` (a search as the person types). */
  delayMs?: number
  /** An option offered after the loaded ones, even before they arrive (e.g. "Someone new…"). */
  last?: SelectOption
}

/**
 * Options the services list (learners, rubrics, assessors) and the one chosen among them. Loads when
 * `key` changes (a search, the language of the labels); after each load the choice stays if it is
 * still offered, else it moves to the first option ('' when none). An answer that arrives after a
 * newer request (or after the form is gone) is dropped.
 */
export function useChoice(
  load: () => Promise<SelectOption[]>,
  key: unknown,
  onError: (e: unknown) => void,
  { delayMs = 0, last }: ChoiceOptions = {},
): Choice {
  const [loaded, setLoaded] = useState<SelectOption[]>([])
  const [value, setValue] = useState('')
  const latest = useRef({ load, onError, last })
  latest.current = { load, onError, last }

  useEffect(() => {
    let live = true
    const timer = window.setTimeout(() => {
      latest.current.load().then(
        (opts) => {
          if (!live) return
          const offered = [...opts, ...(latest.current.last ? [latest.current.last] : [])]
          setLoaded(opts)
          setValue((cur) => (offered.some((o) => o.value === cur) ? cur : (offered[0]?.value ?? '')))
        },
        (e: unknown) => live && latest.current.onError(e),
      )
    }, delayMs)
    return () => {
      live = false
      window.clearTimeout(timer)
    }
  }, [key, delayMs])

  return { options: last ? [...loaded, last] : loaded, value, setValue }
}
