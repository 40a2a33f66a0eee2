import { useEffect, useRef } from 'react'
import type { TFunction } from 'i18next'

/** A record kind's name for people (`sync.kinds.*`), or the kind itself for one this UI does not know. */
export const kindLabel = (t: TFunction, kind: string): string =>
  t(`sync.kinds.${kind}`, { defaultValue: kind.replace(/_/g, ' ') })

export const formatDateTime = (iso: string, language: string): string => {
  const d = new Date(iso)
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(language, { dateStyle: 'medium', timeStyle: 'short' })
}

/** A panel showing what others change: loads again on a new `revision`, calls `onChanged` after a change. */
export interface RevisionProps {
  revision: number
  onChanged: () => void
}

/** Loads again when `revision` changes after the first render (another panel changed what this shows). */
export function useReloadOn(revision: number, reload: () => void): void {
  const first = useRef(revision)
  useEffect(() => {
    if (first.current === revision) return
    first.current = revision
    reload()
  }, [revision, reload])
}
