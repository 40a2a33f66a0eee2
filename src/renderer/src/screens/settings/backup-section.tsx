import { useRef, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { TesseraError } from '../../../../contract/errors'
import type { OpOutput } from '../../../../contract/ops'
import type { BackupFileInfo } from '../../../../contract/ops/backup'
import { api, transportKind } from '../../api'
import { Button } from '../../components/button'
import type { Column } from '../../components/data-table'
import { ErrorBanner } from '../../components/error-banner'
import { asTesseraError } from '../../components/form-errors'
import { OpTable } from '../../components/op-table'
import { ProgressBar } from '../../components/progress-bar'
import { useToast } from '../../components/toast'
import { useOp } from '../../hooks/use-op'
import { formatBytes } from './format'
import { RestoreDialog } from './restore-dialog'
import { uploadBackup } from './upload-backup'

type Made = OpOutput<'backup.create'>

/**
 * Backups go to the backups folder beside the database, on this computer (browser mode only ever
 * listens on 127.0.0.1, so the server's disk is the person's own): the screen shows the file name,
 * size and folder. A backup from elsewhere is uploaded in pieces into the same folder, then restored
 * from the list like any other.
 */
export function BackupSection({ onRestored }: { onRestored: () => Promise<void> }): ReactNode {
  const { t, i18n } = useTranslation()
  const toast = useToast()
  const [list, reload] = useOp('backup.list', {})
  const [making, setMaking] = useState(false)
  const [made, setMade] = useState<Made | null>(null)
  const [error, setError] = useState<TesseraError | null>(null)
  const [upload, setUpload] = useState<{ sent: number; total: number } | null>(null)
  const [restoring, setRestoring] = useState<string | null>(null)
  const fileInput = useRef<HTMLInputElement>(null)
  const dateTime = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })
  const mb = (n: number): number => Math.round((n / 1024 / 1024) * 10) / 10

  async function makeBackup(): Promise<void> {
    setMaking(true)
    setError(null)
    try {
      const r = await api.call('backup.create', {})
      setMade(r)
      reload()
      toast.notify('success', t('settingsBackup.made'))
    } catch (e) {
      setError(asTesseraError(e))
    } finally {
      setMaking(false)
    }
  }

  async function uploadChosen(file: File): Promise<void> {
    setError(null)
    setUpload({ sent: 0, total: file.size })
    try {
      const b = await uploadBackup(file, (sent, total) => setUpload({ sent, total }))
      reload()
      setRestoring(b.name)
    } catch (e) {
      setError(asTesseraError(e))
    } finally {
      setUpload(null)
      if (fileInput.current) fileInput.current.value = ''
    }
  }

  const columns: Column<BackupFileInfo>[] = [
    {
      key: 'name',
      header: t('settingsBackup.file'),
      cell: (b) => (
        <bdi dir="ltr" className="mono">
          {b.name}
        </bdi>
      ),
    },
    {
      key: 'date',
      header: t('settingsBackup.fileDate'),
      cell: (b) => dateTime.format(new Date(b.modifiedAt)),
    },
    {
      key: 'size',
      header: t('settingsBackup.size'),
      numeric: true,
      cell: (b) => formatBytes(b.bytes, i18n.language),
    },
    {
      key: 'actions',
      header: <span className="visually-hidden">{t('settingsBackup.actions')}</span>,
      cell: (b) => (
        <Button
          variant="quiet"
          aria-label={t('settingsBackup.restoreNamed', { name: b.name })}
          onClick={() => setRestoring(b.name)}
        >
          {t('settingsBackup.restore')}
        </Button>
      ),
    },
  ]

  return (
    <section className="card" aria-labelledby="settings-backup">
      <h2 id="settings-backup" className="section-title">
        {t('settings.backupSection')}
      </h2>
      <p className="muted">{t('settingsBackup.intro')}</p>
      <ErrorBanner error={error} />
      <div className="form-actions">
        <Button variant="primary" busy={making} onClick={() => void makeBackup()}>
          {t('settingsBackup.make')}
        </Button>
      </div>
      {made && (
        <p role="status" className="backup-made">
          {t('settingsBackup.madeDetail', { size: formatBytes(made.bytes, i18n.language) })}{' '}
          <bdi dir="ltr" className="mono">
            {made.file}
          </bdi>
        </p>
      )}
      {list.status === 'ok' && (
        <p className="muted">
          {t('settingsBackup.folder')}{' '}
          <bdi dir="ltr" className="mono">
            {list.value.folder}
          </bdi>
        </p>
      )}
      {transportKind === 'ipc' && <p className="muted">{t('settingsBackup.elsewhereDesktop')}</p>}

      <h3 className="subsection-title">{t('settingsBackup.listTitle')}</h3>
      <OpTable
        state={list}
        rows={(v) => v.backups}
        loading={t('settingsBackup.loading')}
        failed={(e) => t('settingsBackup.loadFailed', { message: e.message })}
        caption={t('settingsBackup.listTitle')}
        captionHidden
        columns={columns}
        rowKey={(b) => b.name}
        empty={t('settingsBackup.none')}
      />

      <h3 className="subsection-title">{t('settingsBackup.fromFileTitle')}</h3>
      <p className="muted" id="restore-file-hint">
        {t('settingsBackup.fromFileHint')}
      </p>
      <div className="field">
        <label htmlFor="restore-file">{t('settingsBackup.chooseFile')}</label>
        <input
          ref={fileInput}
          id="restore-file"
          type="file"
          accept=".db,.sqlite,application/vnd.sqlite3,application/x-sqlite3"
          aria-describedby="restore-file-hint"
          disabled={upload !== null}
          onChange={(e) => {
            const f = e.target.files?.[0]
            if (f) void uploadChosen(f)
          }}
        />
      </div>
      {upload && (
        <ProgressBar label={t('settingsBackup.uploading')} done={mb(upload.sent)} total={mb(upload.total)} />
      )}

      <RestoreDialog
        name={restoring}
        onClose={() => setRestoring(null)}
        onRestored={async (r) => {
          setRestoring(null)
          setMade(null)
          await onRestored()
          reload()
          toast.notify(
            'success',
            r.previousKeptAs
              ? t('settingsBackup.restoredKept', { file: r.previousKeptAs })
              : t('settingsBackup.restored'),
          )
        }}
      />
    </section>
  )
}
