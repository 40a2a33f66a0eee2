import { useState, type DragEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { TesseraError } from '../../../../contract/errors'
import type { ImportField, ImportReport, ImportResult } from '../../../../contract/ops/learners'
import { api } from '../../api'
import { Button } from '../../components/button'
import { ErrorBanner } from '../../components/error-banner'
import { asTesseraError } from '../../components/form-errors'
import { ProgressBar } from '../../components/progress-bar'
import { Select } from '../../components/select'
import { TextField } from '../../components/text-field'
import { ImportReportTables } from './import-report-tables'

/** The contract's IMPORT_FIELDS, repeated here so this chunk does not pull in zod with the contract. */
const IMPORT_FIELDS: readonly ImportField[] = [
  'given_name',
  'family_name',
  'email',
  'phone',
  'external_id',
  'cohort',
  'notes',
]

type Mapping = Record<string, ImportField | 'ignore'>

/** Bytes → base64 in slices (String.fromCharCode with a whole 30 MB file would overflow the stack). */
function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

/**
 * CSV import in three steps: choose a file (input or drop), check the preview (column mapping,
 * every bad row with its row number and column, duplicates, counts), then import with a progress bar.
 * Nothing is written before the last step, and the last step writes all accepted rows or none.
 */
export function LearnerImport({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }): ReactNode {
  const { t, i18n } = useTranslation()
  const number = new Intl.NumberFormat(i18n.language)
  const [file, setFile] = useState<{ name: string; base64: string } | null>(null)
  const [mapping, setMapping] = useState<Mapping>({})
  const [onDuplicate, setOnDuplicate] = useState<'skip' | 'update'>('skip')
  const [skipInvalid, setSkipInvalid] = useState(false)
  const [cohort, setCohort] = useState('')
  const [report, setReport] = useState<ImportReport | null>(null)
  const [result, setResult] = useState<ImportResult | null>(null)
  const [error, setError] = useState<TesseraError | null>(null)
  const [busy, setBusy] = useState<'reading' | 'preview' | 'commit' | null>(null)
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null)
  const [dragging, setDragging] = useState(false)

  const input = (f: { name: string; base64: string }, m: Mapping, dup = onDuplicate, skip = skipInvalid) => ({
    csvBase64: f.base64,
    fileName: f.name,
    mapping: m,
    onDuplicate: dup,
    skipInvalid: skip,
    cohort: cohort.trim() || null,
    previewRows: 20,
  })

  const preview = async (f = file, m = mapping, dup = onDuplicate, skip = skipInvalid) => {
    if (!f) return
    setBusy('preview')
    setError(null)
    try {
      setReport(await api.call('learners.importPreview', input(f, m, dup, skip)))
    } catch (e) {
      setError(asTesseraError(e))
    } finally {
      setBusy(null)
    }
  }

  const choose = async (picked: File | undefined) => {
    if (!picked) return
    setBusy('reading')
    setResult(null)
    setReport(null)
    setError(null)
    try {
      const f = { name: picked.name, base64: toBase64(new Uint8Array(await picked.arrayBuffer())) }
      setFile(f)
      setMapping({})
      await preview(f, {})
    } catch (e) {
      setError(asTesseraError(e))
      setBusy(null)
    }
  }

  const commit = async () => {
    if (!file) return
    setBusy('commit')
    setError(null)
    setProgress({ done: 0, total: report?.counts.rows ?? 0 })
    try {
      const r = await api.call('learners.importCommit', input(file, mapping), {
        onProgress: (e) => setProgress({ done: e.done, total: e.total }),
      })
      setResult(r)
      setReport(null)
      onDone()
    } catch (e) {
      setError(asTesseraError(e))
    } finally {
      setBusy(null)
      setProgress(null)
    }
  }

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault()
    setDragging(false)
    void choose(e.dataTransfer.files[0])
  }

  const fieldOptions = [
    { value: 'ignore', label: t('learners.import.ignore') },
    ...IMPORT_FIELDS.map((f) => ({ value: f, label: t(`learners.import.field.${f}`) })),
  ]

  return (
    <section className="learner-import" aria-labelledby="import-title">
      <h2 id="import-title" className="section-title">
        {t('learners.import.title')}
      </h2>
      <p className="muted">{t('learners.import.intro')}</p>

      <div
        className={dragging ? 'drop-zone dragging' : 'drop-zone'}
        onDragOver={(e) => {
          e.preventDefault()
          setDragging(true)
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <label htmlFor="import-file" className="field-label">
          {t('learners.import.chooseFile')}
        </label>
        <input
          id="import-file"
          type="file"
          accept=".csv,.txt,text/csv"
          className="file-input"
          aria-describedby="import-file-hint"
          onChange={(e) => void choose(e.target.files?.[0])}
        />
        <p id="import-file-hint" className="field-hint">
          {t('learners.import.fileHint')}
        </p>
      </div>

      {busy === 'reading' && <p role="status">{t('learners.import.reading')}</p>}
      {busy === 'preview' && <p role="status">{t('learners.import.checking')}</p>}
      <ErrorBanner error={error} />

      {result && (
        <div className="card import-result" role="status">
          <p>
            {t('learners.import.done', {
              created: number.format(result.created),
              updated: number.format(result.updated),
              skipped: number.format(result.skipped + result.invalidSkipped),
            })}
          </p>
          <Button onClick={onCancel}>{t('learners.import.backToList')}</Button>
        </div>
      )}

      {report && file && (
        <>
          <div className="card">
            <h3 className="subsection-title">{t('learners.import.columns')}</h3>
            {report.fileErrors.length > 0 && (
              <div className="error-banner" role="alert">
                <h4 className="error-banner-title">{t('learners.import.fileErrors')}</h4>
                <ul>
                  {report.fileErrors.map((f, i) => (
                    <li key={i}>
                      {f.row !== null && `${t('learners.import.rowN', { n: f.row })}: `}
                      {f.message}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            <div className="mapping-grid">
              {report.columns.map((c) => (
                <Select
                  key={c.number}
                  id={`map-${c.number}`}
                  label={c.header || t('learners.import.columnN', { n: c.number })}
                  value={mapping[c.header || `#${c.number}`] ?? c.field ?? 'ignore'}
                  options={fieldOptions}
                  hint={c.how === 'unrecognised' ? t('learners.import.unrecognised') : undefined}
                  onChange={(value) => {
                    const m = { ...mapping, [c.header || `#${c.number}`]: value as Mapping[string] }
                    setMapping(m)
                    void preview(file, m)
                  }}
                />
              ))}
            </div>
            <div className="form-row">
              <Select
                id="import-duplicates"
                label={t('learners.import.onDuplicate')}
                value={onDuplicate}
                options={[
                  { value: 'skip', label: t('learners.import.dupSkip') },
                  { value: 'update', label: t('learners.import.dupUpdate') },
                ]}
                onChange={(value) => {
                  const d = value as 'skip' | 'update'
                  setOnDuplicate(d)
                  void preview(file, mapping, d)
                }}
              />
              <TextField
                id="import-cohort"
                label={t('learners.import.cohort')}
                hint={t('learners.import.cohortHint')}
                value={cohort}
                onChange={setCohort}
                onBlur={() => void preview()}
              />
            </div>
            <div className="checkbox-field">
              <input
                id="import-skip-invalid"
                type="checkbox"
                checked={skipInvalid}
                onChange={(e) => {
                  setSkipInvalid(e.target.checked)
                  void preview(file, mapping, onDuplicate, e.target.checked)
                }}
              />
              <label htmlFor="import-skip-invalid">{t('learners.import.skipInvalid')}</label>
            </div>
          </div>

          <div className="card">
            <h3 className="subsection-title">{t('learners.import.summary')}</h3>
            <ul className="import-counts" data-testid="import-counts">
              {(
                [
                  'rows',
                  'toCreate',
                  'toUpdate',
                  'toSkip',
                  'invalid',
                  'duplicatesInFile',
                  'duplicatesExisting',
                ] as const
              ).map((k) => (
                <li key={k}>
                  <span className="stat-value">{number.format(report.counts[k])}</span>{' '}
                  {t(`learners.import.count.${k}`)}
                </li>
              ))}
            </ul>
          </div>

          <ImportReportTables report={report} fields={IMPORT_FIELDS} />

          {progress && (
            <ProgressBar label={t('learners.import.importing')} done={progress.done} total={progress.total} />
          )}
          {!report.canImport && report.blockedBy && (
            <p className="field-error" role="status">
              {t('learners.import.blocked', { reason: report.blockedBy })}
            </p>
          )}
          <div className="form-actions">
            <Button
              variant="primary"
              busy={busy === 'commit'}
              aria-disabled={!report.canImport || undefined}
              onClick={() => report.canImport && void commit()}
            >
              {t('learners.import.commit', {
                count: report.counts.toCreate + report.counts.toUpdate,
              })}
            </Button>
            <Button onClick={onCancel}>{t('common.cancel')}</Button>
          </div>
        </>
      )}
      {!report && !result && (
        <div className="form-actions">
          <Button onClick={onCancel}>{t('common.cancel')}</Button>
        </div>
      )}
    </section>
  )
}
