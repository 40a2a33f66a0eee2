import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { TesseraError } from '../../../../contract/errors'
import type { OpOutput } from '../../../../contract/ops'
import { api } from '../../api'
import { Button } from '../../components/button'
import { ErrorBanner } from '../../components/error-banner'
import { asTesseraError } from '../../components/form-errors'
import { ProgressBar } from '../../components/progress-bar'
import { TextField } from '../../components/text-field'
import { saveFile } from './file-button'
import { kindLabel } from './kinds'
import { PickFileSection } from './pick-file-section'
import { SyncSection } from './sync-section'
import type { SyncStatus } from './sync-status'
import { usePickedFile } from './use-picked-file'

type Joined = OpOutput<'sync.hubJoinBytes'>

/**
 * What joining did, shown by the screen (the join panel itself goes away once the device is paired):
 * the hub's key fingerprint, which the person compares with the one the hub shows.
 */
export function JoinedNotice({ joined }: { joined: Joined }): ReactNode {
  const { t } = useTranslation()
  return (
    <div className="sync-stack" data-testid="sync-joined">
      <p className="sync-verdict sync-verdict-ok">
        {joined.alreadyPaired
          ? t('sync.join.alreadyPaired', { name: joined.hubName })
          : t('sync.join.paired', { name: joined.hubName })}
      </p>
      <p>
        {t('sync.join.checkFingerprint')}{' '}
        <span className="mono" dir="ltr">
          {joined.fingerprint}
        </span>
      </p>
      <p>{t('sync.join.received', { count: joined.counts.accepted })}</p>
    </div>
  )
}

/** Pair this device with the hub, from the enrollment file the hub made. */
export function JoinHubPanel({ onJoined }: { onJoined: (joined: Joined) => void }): ReactNode {
  const { t } = useTranslation()
  const picked = usePickedFile('bundle')
  const [name, setName] = useState('')

  const join = (file: File): Promise<void> =>
    picked.take(file, async (dataBase64) =>
      onJoined(await api.call('sync.hubJoinBytes', { dataBase64, name })),
    )

  return (
    <PickFileSection name="join" picked={picked} onFile={(f) => void join(f)}>
      <TextField
        id="sync-join-name"
        label={t('sync.join.deviceName')}
        hint={t('sync.join.deviceNameHint')}
        value={name}
        onChange={setName}
        maxLength={200}
      />
    </PickFileSection>
  )
}

/** Export everything the hub has not acknowledged into one signed, encrypted bundle to save. */
export function ExportPanel({
  status,
  onExported,
}: {
  status: SyncStatus
  onExported: () => void
}): ReactNode {
  const { t } = useTranslation()
  const [withoutEvidence, setWithoutEvidence] = useState(false)
  const [busy, setBusy] = useState(false)
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null)
  const [error, setError] = useState<TesseraError | null>(null)
  const [result, setResult] = useState<OpOutput<'sync.exportBytes'> | null>(null)

  const exportNow = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    setResult(null)
    setProgress({ done: 0, total: 0 })
    try {
      const out = await api.call(
        'sync.exportBytes',
        { withoutEvidence },
        { onProgress: (p) => setProgress({ done: p.done, total: p.total }) },
      )
      setResult(out)
      saveFile(out.file)
      onExported()
    } catch (e) {
      setError(asTesseraError(e))
    } finally {
      setBusy(false)
      setProgress(null)
    }
  }

  const counts = result ? Object.entries(result.counts).filter(([, n]) => n > 0) : []
  return (
    <SyncSection
      id="sync-export-title"
      title={t('sync.export.title')}
      intro={status.allAccountedFor ? t('sync.export.introNothing') : t('sync.export.intro')}
    >
      <ErrorBanner error={error} />
      <div className="sync-check">
        <input
          id="sync-without-evidence"
          type="checkbox"
          checked={withoutEvidence}
          onChange={(e) => setWithoutEvidence(e.target.checked)}
          aria-describedby="sync-without-evidence-hint"
        />
        <label htmlFor="sync-without-evidence">{t('sync.export.withoutEvidence')}</label>
        <p id="sync-without-evidence-hint" className="field-hint">
          {t('sync.export.withoutEvidenceHint')}
        </p>
      </div>
      <div>
        <Button variant="primary" busy={busy} onClick={() => void exportNow()}>
          {busy ? t('sync.export.exporting') : t('sync.export.run')}
        </Button>
      </div>
      {progress && (
        <ProgressBar label={t('sync.export.progress')} done={progress.done} total={progress.total} />
      )}
      <div role="status" aria-live="polite" className="sync-result" data-testid="sync-export-result">
        {result && (
          <div className="sync-stack">
            <p>
              {t('sync.export.done', {
                records: result.records,
                files: result.evidenceFiles,
                size: (result.bytes / 1024).toFixed(0),
              })}
            </p>
            {result.evidenceOmitted > 0 && (
              <p>{t('sync.export.omitted', { count: result.evidenceOmitted })}</p>
            )}
            {counts.length > 0 && (
              <ul className="sync-kind-list">
                {counts.map(([k, n]) => (
                  <li key={k}>
                    {kindLabel(t, k)}: {n}
                  </li>
                ))}
              </ul>
            )}
            <p>{result.encrypted ? t('sync.export.encrypted') : t('sync.export.notEncrypted')}</p>
            <p>{t('sync.export.nextStep')}</p>
            <div>
              <Button onClick={() => saveFile(result.file)}>{t('sync.export.saveAgain')}</Button>
            </div>
          </div>
        )}
      </div>
    </SyncSection>
  )
}

/** Take back the receipt the hub signed: the records it lists count as safely at the hub. */
export function ReceiptPanel({ onImported }: { onImported: () => void }): ReactNode {
  const { t } = useTranslation()
  const picked = usePickedFile('receipt')
  const [result, setResult] = useState<OpOutput<'sync.importReceiptBytes'> | null>(null)

  const take = (file: File): Promise<void> => {
    setResult(null)
    return picked.take(file, async (dataBase64) => {
      setResult(await api.call('sync.importReceiptBytes', { dataBase64 }))
      onImported()
    })
  }

  return (
    <PickFileSection
      name="receipt"
      picked={picked}
      onFile={(f) => void take(f)}
      result={
        <div role="status" aria-live="polite" className="sync-result" data-testid="sync-receipt-result">
          {result && (
            <p>
              {result.alreadyImported
                ? t('sync.receipt.already')
                : t('sync.receipt.done', {
                    accepted: result.counts.accepted,
                    duplicate: result.counts.duplicate,
                    conflict: result.counts.conflict,
                  })}{' '}
              {result.stillUnacknowledged === 0
                ? t('sync.status.allAccountedFor')
                : t('sync.receipt.still', { count: result.stillUnacknowledged })}
            </p>
          )}
        </div>
      }
    />
  )
}
