import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { TesseraError } from '../../../../contract/errors'
import type { Learner } from '../../../../contract/ops/learners'
import { api } from '../../api'
import { asTesseraError } from '../../components/form-errors'

const PAGE = 100
const ROW_HEIGHT = 56

export const fullName = (l: { givenName: string; familyName: string }): string =>
  [l.givenName, l.familyName].filter(Boolean).join(' ')

/**
 * The learners, virtualized: only the rows in view are in the page, and they are fetched from the
 * service a page at a time as they scroll into view, so 100,000 learners cost what 30 do.
 * Up/Down/Home/End move between rows; Enter opens one.
 */
export function LearnerList({
  query,
  selectedId,
  onSelect,
  reloadKey,
  onTotal,
}: {
  query: string
  selectedId: string | null
  onSelect: (id: string) => void
  reloadKey: number
  onTotal: (total: number | null) => void
}): ReactNode {
  const { t } = useTranslation()
  const [total, setTotal] = useState<number | null>(null)
  const [rows, setRows] = useState<Map<number, Learner>>(new Map())
  const [error, setError] = useState<TesseraError | null>(null)
  const pending = useRef(new Set<number>())
  const generation = useRef(0)
  const scrollRef = useRef<HTMLDivElement>(null)

  const loadPage = useCallback(
    (page: number) => {
      if (pending.current.has(page)) return
      pending.current.add(page)
      const mine = generation.current
      api.call('learners.list', { q: query || null, limit: PAGE, offset: page * PAGE }).then(
        (r) => {
          if (mine !== generation.current) return
          setTotal(r.total)
          setRows((prev) => {
            const next = new Map(prev)
            r.items.forEach((l, i) => next.set(page * PAGE + i, l))
            return next
          })
        },
        (e: unknown) => {
          if (mine !== generation.current) return
          pending.current.delete(page)
          setError(asTesseraError(e))
        },
      )
    },
    [query],
  )

  useEffect(() => {
    generation.current++
    pending.current = new Set()
    setRows(new Map())
    setTotal(null)
    setError(null)
    loadPage(0)
  }, [loadPage, reloadKey])

  useEffect(() => onTotal(total), [total, onTotal])

  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index
  const last = items.at(-1)?.index
  useEffect(() => {
    if (first === undefined || last === undefined) return
    for (let p = Math.floor(first / PAGE); p <= Math.floor(last / PAGE); p++) loadPage(p)
  }, [first, last, loadPage])

  const focusRow = (index: number) => {
    if (total === null || total === 0) return
    const i = Math.max(0, Math.min(total - 1, index))
    virtualizer.scrollToIndex(i, { align: 'auto' })
    // The row may only exist after the virtualizer re-renders.
    requestAnimationFrame(() =>
      requestAnimationFrame(() =>
        scrollRef.current?.querySelector<HTMLElement>(`[data-index="${i}"] button`)?.focus(),
      ),
    )
  }
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const current = Number(
      (document.activeElement?.closest('[data-index]') as HTMLElement | null)?.dataset.index,
    )
    if (Number.isNaN(current)) return
    const step: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 }
    if (e.key in step) focusRow(current + (step[e.key] ?? 0))
    else if (e.key === 'Home') focusRow(0)
    else if (e.key === 'End') focusRow((total ?? 1) - 1)
    else return
    e.preventDefault()
  }

  if (error)
    return (
      <div className="error-banner" role="alert">
        <p className="error-banner-message">{t('learners.listFailed', { message: error.message })}</p>
      </div>
    )
  if (total === 0)
    return <p className="table-empty">{query ? t('learners.noMatch', { query }) : t('learners.none')}</p>

  return (
    <div
      ref={scrollRef}
      className="learner-list"
      role="region"
      aria-label={t('learners.listLabel')}
      onKeyDown={onKey}
    >
      <ul role="list" className="learner-list-inner" style={{ blockSize: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const l = rows.get(item.index)
          return (
            <li
              key={item.key}
              data-index={item.index}
              aria-setsize={total ?? undefined}
              aria-posinset={item.index + 1}
              className="learner-row"
              style={{ blockSize: item.size, transform: `translateY(${item.start}px)` }}
            >
              {l ? (
                <button
                  type="button"
                  className={l.id === selectedId ? 'learner-row-button selected' : 'learner-row-button'}
                  aria-current={l.id === selectedId || undefined}
                  onClick={() => onSelect(l.id)}
                >
                  <span className="learner-row-name" dir="auto">
                    {fullName(l)}
                  </span>
                  <span className="learner-row-meta muted">
                    {[l.externalId, l.email].filter(Boolean).map((s, i) => (
                      <bdi key={i} dir="ltr">
                        {s}
                      </bdi>
                    ))}
                  </span>
                </button>
              ) : (
                <span className="learner-row-loading muted">{t('learners.loadingRow')}</span>
              )}
            </li>
          )
        })}
      </ul>
    </div>
  )
}
