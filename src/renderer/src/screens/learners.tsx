import { useCallback, useEffect, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Button } from '../components/button'
import { Dialog } from '../components/dialog'
import { Screen } from '../components/screen'
import { useToast } from '../components/toast'
import { emptyLearner, LearnerForm } from './learners/learner-form'
import { LearnerDetail } from './learners/learner-detail'
import { LearnerImport } from './learners/learner-import'
import { LearnerList } from './learners/learner-list'
import './learners/learners.css'

/** Typing pauses this long before the search is sent, so a fast typist costs one query, not ten. */
const SEARCH_DELAY_MS = 250

/**
 * Learners: a searchable, virtualized list (server-side paging), a detail panel with history,
 * add/edit forms, and CSV import with column mapping and a preview.
 */
export default function LearnersScreen(): ReactNode {
  const { t, i18n } = useTranslation()
  const toast = useToast()
  const [mode, setMode] = useState<'list' | 'import'>('list')
  const [typed, setTyped] = useState('')
  const [query, setQuery] = useState('')
  const [selected, setSelected] = useState<string | null>(null)
  const [adding, setAdding] = useState(false)
  const [reloadKey, setReloadKey] = useState(0)
  const [total, setTotal] = useState<number | null>(null)
  const onTotal = useCallback((n: number | null) => setTotal(n), [])
  const number = new Intl.NumberFormat(i18n.language)

  useEffect(() => {
    const timer = setTimeout(() => setQuery(typed.trim()), SEARCH_DELAY_MS)
    return () => clearTimeout(timer)
  }, [typed])

  const reload = () => setReloadKey((k) => k + 1)

  return (
    <Screen
      title={t('learners.title')}
      intro={t('learners.intro')}
      actions={
        mode === 'list' && (
          <>
            <Button variant="primary" onClick={() => setAdding(true)}>
              {t('learners.add')}
            </Button>
            <Button onClick={() => setMode('import')}>{t('learners.importCsv')}</Button>
          </>
        )
      }
    >
      {mode === 'import' ? (
        <LearnerImport
          onDone={() => {
            reload()
            toast.notify('success', t('learners.import.finished'))
          }}
          onCancel={() => setMode('list')}
        />
      ) : (
        <div className="learners-layout">
          <div className="learners-list-pane">
            <div className="field">
              <label htmlFor="learner-search" className="field-label">
                {t('learners.search')}
              </label>
              <input
                id="learner-search"
                type="search"
                className="input"
                dir="auto"
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                aria-describedby="learner-search-hint learner-count"
                autoComplete="off"
              />
              <p id="learner-search-hint" className="field-hint">
                {t('learners.searchHint')}
              </p>
            </div>
            <p id="learner-count" className="learner-count" role="status" data-testid="learner-count">
              {total === null
                ? t('learners.counting')
                : query
                  ? t('learners.matches', { count: total, formatted: number.format(total) })
                  : t('learners.total', { count: total, formatted: number.format(total) })}
            </p>
            <LearnerList
              query={query}
              selectedId={selected}
              onSelect={setSelected}
              reloadKey={reloadKey}
              onTotal={onTotal}
            />
          </div>
          <div className="learners-detail-pane">
            {selected ? (
              <LearnerDetail key={selected} id={selected} onChanged={reload} />
            ) : (
              <p className="muted learners-detail-empty">{t('learners.selectHint')}</p>
            )}
          </div>
        </div>
      )}
      <Dialog open={adding} title={t('learners.addTitle')} onClose={() => setAdding(false)}>
        {adding && (
          <LearnerForm
            initial={emptyLearner}
            onSaved={(id) => {
              setAdding(false)
              setSelected(id)
              reload()
              toast.notify('success', t('learners.added'))
            }}
            onCancel={() => setAdding(false)}
          />
        )}
      </Dialog>
    </Screen>
  )
}
