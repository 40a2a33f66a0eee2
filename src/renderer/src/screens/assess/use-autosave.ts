import { useCallback, useEffect, useRef, useState } from 'react'
import type { OpInput, OpOutput } from '../../../../contract/ops'
import { api } from '../../api'

export type SaveState =
  { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: Date } | { kind: 'error'; message: string }

type Patch = Omit<OpInput<'assessments.saveDraft'>, 'id'>

const DEBOUNCE_MS = 700
const RETRY_MS = 3000

/**
 * Debounced `assessments.saveDraft`: changes are merged into one pending patch and sent after a
 * pause; a failed save keeps the patch and retries, so nothing typed is lost while the status says so.
 */
export function useAutosave(
  id: string,
  onSaved: (out: OpOutput<'assessments.saveDraft'>) => void,
): { state: SaveState; queue: (p: Patch) => void; flush: () => Promise<boolean> } {
  const [state, setState] = useState<SaveState>({ kind: 'idle' })
  const pending = useRef<Patch | null>(null)
  const timer = useRef<number | undefined>(undefined)
  const inflight = useRef<Promise<boolean> | null>(null)
  const savedCb = useRef(onSaved)
  savedCb.current = onSaved

  const send = useCallback(async (): Promise<boolean> => {
    window.clearTimeout(timer.current)
    if (inflight.current) await inflight.current
    const patch = pending.current
    if (!patch) return true
    pending.current = null
    setState({ kind: 'saving' })
    const run = api.call('assessments.saveDraft', { id, ...patch }).then(
      (out) => {
        savedCb.current(out)
        if (!pending.current) setState({ kind: 'saved', at: new Date() })
        return true
      },
      (e: unknown) => {
        pending.current = merge(patch, pending.current)
        setState({ kind: 'error', message: e instanceof Error ? e.message : String(e) })
        timer.current = window.setTimeout(() => void send(), RETRY_MS)
        return false
      },
    )
    inflight.current = run
    const ok = await run
    inflight.current = null
    return ok && (pending.current ? send() : true)
  }, [id])

  const queue = useCallback(
    (p: Patch) => {
      pending.current = merge(pending.current, p)
      window.clearTimeout(timer.current)
      timer.current = window.setTimeout(() => void send(), DEBOUNCE_MS)
    },
    [send],
  )

  useEffect(
    () => () => {
      window.clearTimeout(timer.current)
      if (pending.current) void send() // leaving the screen: save what is left
    },
    [send],
  )

  return { state, queue, flush: send }
}

/** Later changes win; scores merge per criterion. */
function merge(a: Patch | null, b: Patch | null): Patch {
  if (!a) return b ?? {}
  if (!b) return a
  const scores = new Map((a.scores ?? []).map((s) => [s.criterionId, s]))
  for (const s of b.scores ?? []) scores.set(s.criterionId, { ...scores.get(s.criterionId), ...s })
  return { ...a, ...b, scores: scores.size ? [...scores.values()] : undefined }
}
