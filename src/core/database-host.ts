import fs from 'node:fs'
import { TesseraError } from '../contract/errors'
import { holdingWriteLock } from './db/lock'
import type { DatabaseHost } from './services/context'
import { checkCandidate, restoreDatabase, type RestoreResult } from './sync/backup'

/** The part of an open Tessera the host swaps: what `openTessera` builds for one database file. */
export interface Opened {
  ctx: { database: { file: string }; now: () => Date }
  close(): void
}

/**
 * Restoring a backup from the app replaces the database the app itself has open, so it cannot be an
 * ordinary service: the host (the Tessera object every transport holds) waits for the calls in
 * flight, holds new ones back, closes the database, restores (restoreDatabase: keeps a .bak) and
 * reopens. The backup is checked before anything is closed, and if the restored file will not open
 * the previous database is put back, so the app is never left without one, and the write lock is held
 * throughout, so no other Tessera takes the file in between.
 */
export function createDatabaseHost<T extends Opened>(
  open: (host: DatabaseHost) => T,
  nativeBinding?: string,
): { current: () => T; host: DatabaseHost; guard: <R>(run: () => Promise<R>) => Promise<R> } {
  let pending = 0
  let replacing: Promise<void> | null = null
  const waiters: (() => void)[] = []
  const settle = (): void => {
    for (const w of waiters.splice(0)) w()
  }

  const host: DatabaseHost = {
    nativeBinding,
    async replaceDatabase(fromFile: string): Promise<RestoreResult> {
      if (replacing) throw new TesseraError('conflict', 'A restore is already in progress')
      // A bad file is refused here, before the open database is touched.
      checkCandidate(fromFile, nativeBinding)
      let finished!: () => void
      replacing = new Promise((resolve) => (finished = resolve))
      try {
        // The restore call itself is one of the calls in flight.
        while (pending > 1) await new Promise<void>((resolve) => waiters.push(resolve))
        const before = current
        const dbFile = before.ctx.database.file
        const now = before.ctx.now()
        // One synchronous section that keeps the write lock: no other process can open the file
        // between the close and the reopen.
        return holdingWriteLock(dbFile, () => {
          before.close()
          let result: RestoreResult
          try {
            result = restoreDatabase({ dbFile, fromFile, now, nativeBinding })
          } catch (e) {
            current = open(host)
            throw e
          }
          try {
            current = open(host)
          } catch (e) {
            if (result.previousKeptAs) {
              for (const side of ['-wal', '-shm']) fs.rmSync(dbFile + side, { force: true })
              fs.copyFileSync(result.previousKeptAs, dbFile)
            }
            current = open(host)
            throw new TesseraError(
              'check_failed',
              `The backup was copied in but could not be opened (${(e as Error).message}); the previous database was put back`,
            )
          }
          return result
        })
      } finally {
        replacing = null
        finished()
      }
    },
  }

  let current = open(host)

  async function guard<R>(run: () => Promise<R>): Promise<R> {
    while (replacing) await replacing
    pending++
    try {
      return await run()
    } finally {
      pending--
      settle()
    }
  }

  return { current: () => current, host, guard }
}
