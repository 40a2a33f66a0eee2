import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { TesseraError } from '../../../../contract/errors'
import type { OpOutput } from '../../../../contract/ops'
import { api } from '../../api'
import { Button } from '../../components/button'
import { DataTable, type Column } from '../../components/data-table'
import { ErrorBanner } from '../../components/error-banner'
import { asTesseraError } from '../../components/form-errors'
import { ProgressBar } from '../../components/progress-bar'
import { FileButton, FileTooLarge, readPicked, saveFile, useTooLargeMessage } from './file-button'
import { kindLabel } from './kinds'
import { SyncSection } from './sync-section'

type ImportReport = OpOutput<'sync.importBytes'>

interface UnknownDevice {
  name: string
  deviceId: string
  fingerprint: string
}

/** The refusal of a bundle from a device this hub has never trusted: it names the device and its key. */
function unknownDeviceOf(e: TesseraError): UnknownDevice | null {
  const d = e.details
  if (e.code !== 'forbidden' || !d || typeof d.fingerprint !== 'string') return null
  return { name: String(d.name ?? ''), deviceId: String(d.deviceId ?? ''), fingerprint: d.fingerprint }
}

/**
 * Import a bundle: the core checks everything before writing anything, then applies it all in one
 * transaction. The report says what was accepted, already held, or in conflict; a refusal says why and
 * that nothing changed. At a hub the signed receipt can be saved for the field device.
 */
export function ImportPanel({
  role,
  onImported,
}: {
  role: 'field' | 'hub'
  onImported: () => void
}): ReactNode {
  const { t } = useTranslation()
  const tooLarge = useTooLargeMessage()
  const [busy, setBusy] = useState(false)
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null)
  const [error, setError] = useState<TesseraError | null>(null)
  const [tooLargeText, setTooLargeText] = useState<string | null>(null)
  const [report, setReport] = useState<ImportReport | null>(null)
  const [pending, setPending] = useState<{ data: string; device: UnknownDevice } | null>(null)

  const run = async (data: string, trustDevice: boolean): Promise<void> => {
    setBusy(true)
    setError(null)
    setReport(null)
    setPending(null)
    setProgress({ done: 0, total: 0 })
    try {
      const out = await api.call(
        'sync.importBytes',
        { dataBase64: data, trustDevice },
        { onProgress: (p) => setProgress({ done: p.done, total: p.total }) },
      )
      setReport(out)
      onImported()
    } catch (e) {
      const err = asTesseraError(e)
      const device = unknownDeviceOf(err)
      if (device) setPending({ data, device })
      else setError(err)
    } finally {
      setBusy(false)
      setProgress(null)
    }
  }

  const pick = async (file: File): Promise<void> => {
    setTooLargeText(null)
    try {
      await run(await readPicked(file), false)
    } catch (e) {
      if (e instanceof FileTooLarge) setTooLargeText(tooLarge(e, 'bundle'))
      else setError(asTesseraError(e))
    }
  }

  const kinds = report ? Object.entries(report.byKind) : []
  const kindColumns: Column<(typeof kinds)[number]>[] = [
    { key: 'kind', header: t('sync.import.kind'), rowHeader: true, cell: ([k]) => kindLabel(t, k) },
    { key: 'accepted', header: t('sync.import.accepted'), cell: ([, c]) => c.accepted },
    { key: 'duplicate', header: t('sync.import.duplicate'), cell: ([, c]) => c.duplicate },
    { key: 'conflict', header: t('sync.import.conflict'), cell: ([, c]) => c.conflict },
  ]
  const receipt = report?.receipt ?? null
  return (
    <SyncSection
      id={`sync-import-${role}`}
      title={role === 'hub' ? t('sync.import.titleHub') : t('sync.import.titleField')}
      intro={role === 'hub' ? t('sync.import.introHub') : t('sync.import.introField')}
    >
      <FileButton
        id={`sync-import-file-${role}`}
        label={role === 'hub' ? t('sync.import.chooseHub') : t('sync.import.chooseField')}
        busy={busy}
        onFile={(f) => void pick(f)}
      />
      {progress && (
        <ProgressBar label={t('sync.import.progress')} done={progress.done} total={progress.total} />
      )}
      {tooLargeText && (
        <p className="field-error" role="alert">
          {tooLargeText}
        </p>
      )}
      {error && (
        <div className="sync-stack">
          <ErrorBanner error={error} />
          <p className="sync-unchanged" data-testid="sync-import-refused">
            {t('sync.import.refusedNothingChanged')}
          </p>
        </div>
      )}
      {pending && (
        <div className="sync-trust" role="alert" data-testid="sync-unknown-device">
          <h3 className="sync-subtitle">{t('sync.import.unknownTitle')}</h3>
          <p>
            {t('sync.import.unknownBody', { name: pending.device.name })}{' '}
            <span className="mono" dir="ltr">
              {pending.device.fingerprint}
            </span>
          </p>
          <p>{t('sync.import.unknownCompare')}</p>
          <div className="sync-actions">
            <Button variant="primary" busy={busy} onClick={() => void run(pending.data, true)}>
              {t('sync.import.trustAndImport')}
            </Button>
            <Button onClick={() => setPending(null)}>{t('sync.import.dontTrust')}</Button>
          </div>
        </div>
      )}
      <div role="status" aria-live="polite" className="sync-result" data-testid="sync-import-report">
        {report && (
          <div className="sync-stack">
            <h3 className="sync-subtitle">
              {report.alreadyImported
                ? t('sync.import.alreadyImported', { name: report.from.name })
                : t('sync.import.imported', { name: report.from.name })}
            </h3>
            {report.alreadyImported ? (
              <p data-testid="sync-duplicates">
                {t('sync.import.allDuplicates', {
                  count: report.counts.accepted + report.counts.duplicate + report.counts.conflict,
                })}
              </p>
            ) : (
              <>
                {report.trustedNewDevice && <p>{t('sync.import.trustedNew', { name: report.from.name })}</p>}
                <ul className="sync-counts" data-testid="sync-counts">
                  <li>
                    {t('sync.import.accepted')}: <strong>{report.counts.accepted}</strong>
                  </li>
                  <li>
                    {t('sync.import.duplicate')}: <strong>{report.counts.duplicate}</strong>
                  </li>
                  <li className={report.counts.conflict > 0 ? 'sync-conflict-count' : undefined}>
                    {t('sync.import.conflict')}: <strong>{report.counts.conflict}</strong>
                  </li>
                </ul>
                {kinds.length > 0 && (
                  <DataTable
                    caption={t('sync.import.byKindCaption')}
                    captionHidden
                    columns={kindColumns}
                    rows={kinds}
                    rowKey={([k]) => k}
                  />
                )}
                {report.counts.conflict > 0 && <p>{t('sync.import.conflictsHint')}</p>}
              </>
            )}
            {receipt && (
              <div className="sync-stack">
                <p>{t('sync.import.receiptHint')}</p>
                <div>
                  <Button variant="primary" onClick={() => saveFile(receipt)}>
                    {t('sync.import.saveReceipt')}
                  </Button>
                </div>
              </div>
            )}
          </div>
        )}
      </div>
    </SyncSection>
  )
}
