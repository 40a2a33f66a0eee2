import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { SYNC_UI_MAX_BYTES } from '../../../../contract/sync-limits'
import { blobOf, download, fileToBase64 } from '../credentials/files'

const megabytes = (n: number): string => (n / 1024 / 1024).toFixed(1)

/** Why a picked file was not read; the screen shows it (too large for the app: the CLI takes it). */
export class FileTooLarge extends Error {
  constructor(readonly bytes: number) {
    super('too large')
  }
}

/** Reads a picked file as base64, refusing one the app cannot carry before reading it. */
export async function readPicked(file: File): Promise<string> {
  if (file.size > SYNC_UI_MAX_BYTES) throw new FileTooLarge(file.size)
  return fileToBase64(file)
}

export function useTooLargeMessage(): (e: FileTooLarge, kind: 'bundle' | 'receipt') => string {
  const { t } = useTranslation()
  return (e, kind) =>
    t(kind === 'bundle' ? 'sync.tooLargeImport' : 'sync.tooLargeReceipt', {
      size: megabytes(e.bytes),
      limit: megabytes(SYNC_UI_MAX_BYTES),
    })
}

/**
 * A file chooser that looks and acts like a button (a visually hidden input with its label styled as
 * one): 44px tall, keyboard focus shown on the label.
 */
export function FileButton({
  id,
  label,
  hint,
  busy = false,
  accept,
  onFile,
}: {
  id: string
  label: string
  hint?: string
  busy?: boolean
  accept?: string
  onFile: (file: File) => void
}): ReactNode {
  return (
    <div className="sync-file">
      <input
        id={id}
        type="file"
        className="file-input"
        accept={accept}
        disabled={busy}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => {
          const f = e.target.files?.[0]
          e.target.value = '' // the same file can be chosen again
          if (f) onFile(f)
        }}
      />
      <label htmlFor={id} className="btn btn-secondary file-button" aria-busy={busy || undefined}>
        {busy && <span className="spinner" aria-hidden="true" />}
        {label}
      </label>
      {hint && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
    </div>
  )
}

/** Saves bytes the core made (bundle, receipt, enrollment file) where the person chooses. */
export function saveFile(file: { fileName: string; dataBase64: string }): void {
  download(file.fileName, blobOf({ base64: file.dataBase64 }, 'application/octet-stream'))
}
