import fs from 'node:fs'
import os from 'node:os'
import { TesseraError } from '../../contract/errors'

interface LockInfo {
  pid: number
  hostname: string
  startedAt: string
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * An advisory lock file beside the database: one writing Tessera process per file.
 *
 * SQLite's own locking already prevents corruption; this lock exists so that a second app window,
 * server or CLI gets a clear "in use by pid N" message up front instead of SQLITE_BUSY half-way
 * through a user's work. A lock left by a crashed process on this host is detected and taken over.
 */
export function acquireWriteLock(dbFile: string): () => void {
  const lockFile = `${dbFile}.lock`
  const mine: LockInfo = { pid: process.pid, hostname: os.hostname(), startedAt: new Date().toISOString() }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockFile, 'wx')
      fs.writeSync(fd, JSON.stringify(mine))
      fs.closeSync(fd)
      let released = false
      const release = (): void => {
        if (released) return
        released = true
        process.removeListener('exit', release)
        try {
          fs.unlinkSync(lockFile)
        } catch {
          /* already gone */
        }
      }
      process.on('exit', release)
      return release
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      let holder: LockInfo | undefined
      try {
        holder = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as LockInfo
      } catch {
        holder = undefined // half-written by a process that died at once: stale
      }
      const stale = !holder || (holder.hostname === mine.hostname && !isAlive(holder.pid))
      if (stale) {
        fs.rmSync(lockFile, { force: true })
        continue
      }
      throw new TesseraError(
        'locked',
        `${dbFile} is open in another Tessera process (pid ${holder!.pid} on ${holder!.hostname}, since ${holder!.startedAt}). ` +
          `Close that window or command and try again. If no Tessera is running there, delete ${lockFile}.`,
        { details: { file: dbFile, ...holder } },
      )
    }
  }
  throw new TesseraError('locked', `could not take the lock ${lockFile}`)
}
