import { useEffect, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { TesseraError } from '../../../../contract/errors'
import type { OpOutput } from '../../../../contract/ops'
import { api } from '../../api'
import { Button } from '../../components/button'
import { Dialog } from '../../components/dialog'
import { ErrorBanner } from '../../components/error-banner'
import { asTesseraError } from '../../components/form-errors'
import { formatBytes } from './format'

type Inspection = OpOutput<'backup.inspect'>
type Restored = OpOutput<'backup.restore'>

/**
 * Restoring replaces everything in the app, so the person first sees what the backup holds (checked
 * fully by the core, as the restore will), then confirms explicitly. The current database is kept
 * as a .bak beside it.
 */
export function RestoreDialog({
  name,
  onClose,
  onRestored,
}: {
  /** The backup (in the backups folder) to restore; null when closed. */
  name: string | null
  onClose: () => void
  onRestored: (r: Restored) => Promise<void>
}): ReactNode {
  const { t, i18n } = useTranslation()
  const [inspection, setInspection] = useState<Inspection | null>(null)
  const [error, setError] = useState<TesseraError | null>(null)
  const [understood, setUnderstood] = useState(false)
  const [restoring, setRestoring] = useState(false)
  const number = new Intl.NumberFormat(i18n.language)
  const dateTime = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })

  useEffect(() => {
    setInspection(null)
    setError(null)
    setUnderstood(false)
    if (!name) return
    let live = true
    api.call('backup.inspect', { name }).then(
      (v) => live && setInspection(v),
      (e: unknown) => live && setError(asTesseraError(e)),
    )
    return () => {
      live = false
    }
  }, [name])

  async function restore(): Promise<void> {
    if (!name || !understood) return
    setRestoring(true)
    setError(null)
    try {
      const r = await api.call('backup.restore', { name })
      await onRestored(r)
    } catch (e) {
      setError(asTesseraError(e))
    } finally {
      setRestoring(false)
    }
  }

  return (
    <Dialog
      open={name !== null}
      title={t('settingsBackup.restoreTitle')}
      onClose={onClose}
      actions={
        inspection && (
          <Button variant="danger" busy={restoring} disabled={!understood} onClick={() => void restore()}>
            {t('settingsBackup.restoreConfirm')}
          </Button>
        )
      }
    >
      <ErrorBanner error={error} />
      {!inspection && !error && <p className="muted">{t('settingsBackup.checking')}</p>}
      {inspection && (
        <>
          <p>{t('settingsBackup.restoreHolds')}</p>
          <dl className="facts" aria-label={t('settingsBackup.contents')}>
            <dt>{t('settingsBackup.file')}</dt>
            <dd>
              <bdi dir="ltr" className="mono">
                {inspection.name}
              </bdi>{' '}
              ({formatBytes(inspection.bytes, i18n.language)})
            </dd>
            <dt>{t('settingsBackup.organization')}</dt>
            <dd>
              <bdi dir="auto">{inspection.organization ?? t('settingsBackup.noOrganization')}</bdi>
            </dd>
            <dt>{t('settingsBackup.learners')}</dt>
            <dd>{number.format(inspection.counts.learners)}</dd>
            <dt>{t('settingsBackup.rubrics')}</dt>
            <dd>{number.format(inspection.counts.rubrics)}</dd>
            <dt>{t('settingsBackup.assessments')}</dt>
            <dd>{number.format(inspection.counts.assessments)}</dd>
            <dt>{t('settingsBackup.credentials')}</dt>
            <dd>{number.format(inspection.counts.credentials)}</dd>
            <dt>{t('settingsBackup.schemaVersion')}</dt>
            <dd>{inspection.schemaVersion}</dd>
            <dt>{t('settingsBackup.lastChange')}</dt>
            <dd>
              {inspection.lastChangeAt
                ? dateTime.format(new Date(inspection.lastChangeAt))
                : t('settingsBackup.never')}
            </dd>
            <dt>{t('settingsBackup.fileDate')}</dt>
            <dd>{dateTime.format(new Date(inspection.modifiedAt))}</dd>
          </dl>
          <p className="field-error">{t('settingsBackup.restoreWarning')}</p>
          <div className="checkbox-field">
            <input
              id="restore-understood"
              type="checkbox"
              checked={understood}
              onChange={(e) => setUnderstood(e.target.checked)}
            />
            <label htmlFor="restore-understood">{t('settingsBackup.restoreUnderstood')}</label>
          </div>
        </>
      )}
    </Dialog>
  )
}
