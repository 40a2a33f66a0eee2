import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { TesseraError } from '../../../contract/errors'
import { api } from '../api'
import { Button } from '../components/button'
import { EmptyState } from '../components/empty-state'
import { ErrorBanner } from '../components/error-banner'
import { asTesseraError } from '../components/form-errors'
import { Screen } from '../components/screen'
import { useToast } from '../components/toast'
import { useOp } from '../hooks/use-op'
import { RubricEditor } from './rubrics/rubric-editor'
import { RubricVersions } from './rubrics/rubric-versions'
import './rubrics/rubrics.css'

type View = { kind: 'list' } | { kind: 'new' } | { kind: 'show'; id: string } | { kind: 'edit'; id: string }

/** Saves text as a file: a Blob URL on a temporary `<a download>` (the CSP allows blob: downloads). */
export function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }))
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** Rubrics: the list, the criteria × levels editor with a live preview, versions, import and export. */
export default function RubricsScreen(): ReactNode {
  const { t, i18n } = useTranslation()
  const toast = useToast()
  const [view, setView] = useState<View>({ kind: 'list' })
  const [list, reloadList] = useOp('rubrics.list', {})
  const [error, setError] = useState<TesseraError | null>(null)
  const [importing, setImporting] = useState(false)
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' })

  const exportRubric = async (rubricId: string, version?: number) => {
    setError(null)
    try {
      const r = await api.call('rubrics.export', { rubricId, version })
      downloadText(r.fileName, r.text)
      toast.notify('success', t('rubrics.exported', { file: r.fileName }))
    } catch (e) {
      setError(asTesseraError(e))
    }
  }

  const importFile = async (file: File | undefined) => {
    if (!file) return
    setImporting(true)
    setError(null)
    try {
      const r = await api.call('rubrics.import', { text: await file.text() })
      toast.notify(
        'success',
        t(`rubrics.imported.${r.status}`, { name: r.rubric.name, version: r.rubric.latestVersion }),
      )
      reloadList()
      setView({ kind: 'show', id: r.rubric.id })
    } catch (e) {
      setError(asTesseraError(e))
    } finally {
      setImporting(false)
    }
  }

  const importControl = (
    <div className="import-control">
      <label htmlFor="rubric-import" className="btn btn-secondary file-button">
        {importing ? t('rubrics.importing') : t('rubrics.import')}
      </label>
      <input
        id="rubric-import"
        type="file"
        accept=".json,application/json"
        className="visually-hidden-input"
        onChange={(e) => {
          void importFile(e.target.files?.[0])
          e.target.value = ''
        }}
      />
    </div>
  )

  if (view.kind === 'new' || view.kind === 'edit')
    return (
      <Screen
        title={view.kind === 'new' ? t('rubrics.newTitle') : t('rubrics.editTitle')}
        intro={t('rubrics.editorIntro')}
      >
        {view.kind === 'new' ? (
          <RubricEditor
            detail={null}
            onSaved={(id, message) => {
              toast.notify('success', message)
              reloadList()
              setView({ kind: 'show', id })
            }}
            onCancel={() => setView({ kind: 'list' })}
          />
        ) : (
          <EditLoader
            id={view.id}
            onSaved={(id, message) => {
              toast.notify('success', message)
              reloadList()
              setView({ kind: 'show', id })
            }}
            onCancel={() => setView({ kind: 'show', id: view.id })}
          />
        )}
      </Screen>
    )

  return (
    <Screen
      title={t('rubrics.title')}
      intro={t('rubrics.intro')}
      actions={
        <>
          <Button variant="primary" onClick={() => setView({ kind: 'new' })}>
            {t('rubrics.new')}
          </Button>
          {importControl}
        </>
      }
    >
      <ErrorBanner error={error} />
      {view.kind === 'show' && (
        <RubricVersions
          id={view.id}
          onEdit={() => setView({ kind: 'edit', id: view.id })}
          onExport={(version) => void exportRubric(view.id, version)}
          onBack={() => setView({ kind: 'list' })}
        />
      )}
      {view.kind === 'list' && list.status === 'loading' && <p className="muted">{t('rubrics.loading')}</p>}
      {view.kind === 'list' && list.status === 'error' && (
        <div className="error-banner" role="alert">
          <p className="error-banner-message">{t('rubrics.listFailed', { message: list.error.message })}</p>
          <Button onClick={reloadList}>{t('common.retry')}</Button>
        </div>
      )}
      {view.kind === 'list' && list.status === 'ok' && list.value.length === 0 && (
        <EmptyState title={t('rubrics.emptyTitle')}>{t('rubrics.emptyBody')}</EmptyState>
      )}
      {view.kind === 'list' && list.status === 'ok' && list.value.length > 0 && (
        <div className="table-scroll" role="region" aria-label={t('rubrics.listLabel')} tabIndex={0}>
          <table className="table" data-testid="rubric-list">
            <caption className="visually-hidden">{t('rubrics.listLabel')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('rubrics.rubricName')}</th>
                <th scope="col">{t('rubrics.achievementName')}</th>
                <th scope="col" className="numeric">
                  {t('rubrics.versionCol')}
                </th>
                <th scope="col" className="numeric">
                  {t('rubrics.criteriaCol')}
                </th>
                <th scope="col">{t('rubrics.updated')}</th>
                <th scope="col">{t('rubrics.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {list.value.map((r) => (
                <tr key={r.id}>
                  <td dir="auto">{r.name}</td>
                  <td dir="auto">{r.achievement.name}</td>
                  <td className="numeric">
                    {r.latestVersion}
                    {r.frozen && <span className="muted"> · {t('rubrics.inUse')}</span>}
                  </td>
                  <td className="numeric">{r.criteriaCount}</td>
                  <td>{date.format(new Date(r.updatedAt))}</td>
                  <td>
                    <div className="row-buttons">
                      <Button
                        onClick={() => setView({ kind: 'show', id: r.id })}
                        aria-label={t('rubrics.openNamed', { name: r.name })}
                      >
                        {t('rubrics.open')}
                      </Button>
                      <Button
                        onClick={() => void exportRubric(r.id)}
                        aria-label={t('rubrics.exportNamed', { name: r.name })}
                      >
                        {t('rubrics.export')}
                      </Button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Screen>
  )
}

function EditLoader({
  id,
  onSaved,
  onCancel,
}: {
  id: string
  onSaved: (id: string, message: string) => void
  onCancel: () => void
}): ReactNode {
  const { t } = useTranslation()
  const [detail, reload] = useOp('rubrics.get', { rubricId: id })
  if (detail.status === 'loading') return <p className="muted">{t('rubrics.loading')}</p>
  if (detail.status === 'error')
    return (
      <div className="error-banner" role="alert">
        <p className="error-banner-message">{detail.error.message}</p>
        <Button onClick={reload}>{t('common.retry')}</Button>
      </div>
    )
  return <RubricEditor detail={detail.value} onSaved={onSaved} onCancel={onCancel} />
}
