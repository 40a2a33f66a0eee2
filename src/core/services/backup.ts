import fs from 'node:fs'
import path from 'node:path'
import { TesseraError } from '../../contract/errors'
import type { backupOps, BackupFileInfo } from '../../contract/ops/backup'
import { backupsFolderOf, checkCandidate, inspectBackup, newBackupFile } from '../sync/backup'
import type { ServiceContext } from './context'
import type { FeatureHandlers } from './handlers'

/** Upload pieces are appended to a hidden file in the backups folder until the last one arrives. */
const partialName = (uploadId: string): string => `.upload-${uploadId}.partial`

function infoOf(file: string): BackupFileInfo {
  const stat = fs.statSync(file)
  return { name: path.basename(file), file, bytes: stat.size, modifiedAt: stat.mtime.toISOString() }
}

/** A safe stem from the name the file had on the person's computer. */
const stemOf = (fileName: string): string =>
  path
    .basename(fileName)
    .replace(/\.[^.]*$/, '')
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}_-]+/gu, '-')
    .replace(/^[-_]+|-+$/g, '')
    .slice(0, 60) || 'backup'

export function backupHandlers(ctx: ServiceContext): FeatureHandlers<typeof backupOps> {
  const folder = (): string => backupsFolderOf(ctx.database.file)
  const nativeBinding = (): string | undefined => ctx.host?.nativeBinding

  /** A backup in the folder by name; the name schema already forbids separators and dot-files. */
  function existing(name: string): string {
    const file = path.join(folder(), name)
    if (path.dirname(file) !== folder() || !fs.existsSync(file) || !fs.statSync(file).isFile())
      throw new TesseraError('not_found', `There is no backup named ${name} in ${folder()}`, {
        details: { what: 'backup', id: name },
      })
    return file
  }

  return {
    'backup.list': async () => {
      const dir = folder()
      const names = fs.existsSync(dir) ? fs.readdirSync(dir) : []
      // Pieces of an upload abandoned more than a day ago (the tab was closed) are cleared away.
      const stale = ctx.now().getTime() - 24 * 3600 * 1000
      for (const n of names.filter((n) => /^\.upload-[A-Za-z0-9-]+\.partial$/.test(n))) {
        const f = path.join(dir, n)
        if (fs.statSync(f).mtimeMs < stale) fs.rmSync(f, { force: true })
      }
      const backups = names
        .filter((n) => !n.startsWith('.') && n.endsWith('.db'))
        .map((n) => path.join(dir, n))
        .filter((f) => fs.statSync(f).isFile())
        .map(infoOf)
        .sort((a, b) => b.modifiedAt.localeCompare(a.modifiedAt) || b.name.localeCompare(a.name))
      return { folder: dir, backups }
    },

    'backup.inspect': async ({ name }) => {
      const file = existing(name)
      return { ...infoOf(file), ...inspectBackup(file, nativeBinding()) }
    },

    'backup.upload': async ({ uploadId, fileName, offset, base64, done }) => {
      const dir = folder()
      fs.mkdirSync(dir, { recursive: true })
      const partial = path.join(dir, partialName(uploadId))
      const have = fs.existsSync(partial) ? fs.statSync(partial).size : 0
      if (offset > have)
        throw new TesseraError(
          'validation',
          `This piece starts at byte ${offset} but only ${have} bytes have arrived; send from ${have}`,
          { issues: [{ path: ['offset'], message: `must be at most ${have}` }] },
        )
      const bytes = Buffer.from(base64, 'base64')
      // A retried piece overwrites what it covered: truncate to its start, then append.
      const fd = fs.openSync(partial, have === 0 ? 'w' : 'r+')
      try {
        fs.ftruncateSync(fd, offset)
        fs.writeSync(fd, bytes, 0, bytes.length, offset)
        if (done) fs.fsyncSync(fd)
      } finally {
        fs.closeSync(fd)
      }
      const received = offset + bytes.length
      if (!done) return { received, backup: null }
      try {
        checkCandidate(partial, nativeBinding())
      } catch (e) {
        fs.rmSync(partial, { force: true })
        if (e instanceof TesseraError)
          throw new TesseraError(e.code, e.message.replace(partial, `The file ${path.basename(fileName)}`))
        throw e
      }
      const target = newBackupFile(ctx.database.file, ctx.now(), `uploaded-${stemOf(fileName)}`)
      fs.renameSync(partial, target)
      return { received, backup: infoOf(target) }
    },

    'backup.restore': async ({ name }) => {
      if (!ctx.host)
        throw new TesseraError(
          'conflict',
          'This Tessera cannot replace its own database; use `tessera restore`',
        )
      return ctx.host.replaceDatabase(existing(name))
    },
  }
}
