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

// Lock files this process keeps while it closes and reopens their database (restore), and those of
// them released in the meantime: still on disk with this pid, waiting for the reopen to take them.
const handingOver = new Set<string>()
const handedOver = new Set<string>()

/**
 * Runs `run` (which closes and reopens the database of `dbFile`) without ever letting go of the write
 * lock: a release inside it leaves the lock file in place for the next acquire by this process, so
 * another Tessera cannot take the database between the close and the reopen. Synchronous on purpose:
 * nothing else of this process can interleave. A lock still handed over at the end is released.
 */
export function holdingWriteLock<T>(dbFile: string, run: () => T): T {
  const lockFile = `${dbFile}.lock`
  if (handingOver.has(lockFile)) return run()
  handingOver.add(lockFile)
  try {
    return run()
  } finally {
    handingOver.delete(lockFile)
    if (handedOver.delete(lockFile)) fs.rmSync(lockFile, { force: true })
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
  const releaser = (): (() => void) => {
    let released = false
    const release = (): void => {
      if (released) return
      released = true
      process.removeListener('exit', release)
      if (handingOver.has(lockFile)) {
        handedOver.add(lockFile) // kept on disk for the next acquire in this process
        return
      }
      fs.rmSync(lockFile, { force: true })
    }
    process.on('exit', release)
    return release
  }
  if (handedOver.delete(lockFile)) return releaser()
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockFile, 'wx')
      fs.writeSync(fd, JSON.stringify(mine))
      fs.closeSync(fd)
      return releaser()
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
