import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { createDatabaseHost } from '../../src/core/database-host'
import { openDatabase } from '../../src/core/db/open'
import { tempDir } from '../helpers/temp-db'

const lockModule = path.resolve(__dirname, '../../src/core/db/lock.ts')

/** Another Tessera process trying to take the write lock of `dbFile` now: what it got. */
function anotherProcessTakes(dbFile: string): string {
  const script = `
    const { acquireWriteLock } = await import(${JSON.stringify(lockModule)})
    try { acquireWriteLock(${JSON.stringify(dbFile)}); console.log('acquired') }
    catch (e) { console.log(e.code ?? e.message) }`
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  })
  if (r.status !== 0) throw new Error(`the other process failed: ${r.stderr}`)
  return r.stdout.trim()
}

describe('restoring keeps the write lock from close to reopen', () => {
  it('another process trying to open the file at the moment of the reopen is refused', async () => {
    const dir = tempDir()
    const dbFile = path.join(dir, 'tessera.db')
    const backup = path.join(dir, 'backup.db')
    const seed = openDatabase({ file: dbFile })
    seed.sqlite.exec(`CREATE TABLE marker (v TEXT); INSERT INTO marker VALUES ('backup')`)
    await seed.sqlite.backup(backup)
    seed.sqlite.exec(`UPDATE marker SET v = 'current'`)
    seed.close()

    const seenByOthers: string[] = []
    let opens = 0
    const { host, guard, current } = createDatabaseHost(() => {
      // The worst moment: the old database is closed and the restored one not yet open.
      if (opens++ > 0) seenByOthers.push(anotherProcessTakes(dbFile))
      const database = openDatabase({ file: dbFile })
      return { ctx: { database, now: () => new Date() }, close: () => database.close() }
    })
    await guard(() => host.replaceDatabase(backup))

    expect(seenByOthers).toEqual(['locked'])
    const reopened = current().ctx as { database: { sqlite: Database.Database } }
    expect(reopened.database.sqlite.prepare(`SELECT v FROM marker`).pluck().get()).toBe('backup')
    // The lock is this process's, and goes when the database is closed.
    expect(JSON.parse(fs.readFileSync(`${dbFile}.lock`, 'utf8')).pid).toBe(process.pid)
    current().close()
    expect(fs.existsSync(`${dbFile}.lock`)).toBe(false)
    expect(anotherProcessTakes(dbFile)).toBe('acquired')
  })
})
