import type { OpOutput } from '../../../../contract/ops'
import { BACKUP_UPLOAD_CHUNK_BYTES } from '../../../../contract/ops/backup'
import { api } from '../../api'
import { fileToBase64 } from '../credentials/files'

/**
 * Sends a backup file into the backups folder in 4 MiB pieces, so a database of hundreds of MB
 * never travels (or sits in memory) as one message, over IPC or HTTP alike. The core checks the
 * whole file after the last piece and drops it if it is not a Tessera database.
 */
export async function uploadBackup(
  file: File,
  onProgress: (sent: number, total: number) => void,
): Promise<NonNullable<OpOutput<'backup.upload'>['backup']>> {
  const uploadId = crypto.randomUUID()
  let offset = 0
  onProgress(0, file.size)
  for (;;) {
    const end = Math.min(offset + BACKUP_UPLOAD_CHUNK_BYTES, file.size)
    const base64 = await fileToBase64(file.slice(offset, end))
    const done = end >= file.size
    const r = await api.call('backup.upload', { uploadId, fileName: file.name, offset, base64, done })
    offset = r.received
    onProgress(offset, file.size)
    if (done) {
      if (!r.backup) throw new Error('The upload finished without a backup file')
      return r.backup
    }
  }
}
