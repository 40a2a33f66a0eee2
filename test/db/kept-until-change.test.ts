import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { keptUntilChange } from '../../src/core/db/kept-until-change'
import { tempDir } from '../helpers/temp-db'

const open: Database.Database[] = []
afterEach(() => open.splice(0).forEach((db) => db.close()))

/** A real database file with one table, and a second connection to it (as the CLI would be). */
function setup() {
  const file = path.join(tempDir(), 'kept.db')
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.exec('CREATE TABLE item (n INTEGER NOT NULL)')
  const other = new Database(file)
  open.push(db, other)
  let reads = 0
  const count = () => {
    reads++
    return (db.prepare('SELECT count(*) AS n FROM item').get() as { n: number }).n
  }
  return { db, other, count, reads: () => reads }
}

describe('keptUntilChange', () => {
  it('reads once while nothing changes, again after a write here or a commit elsewhere', () => {
    const { db, other, count, reads } = setup()
    const kept = keptUntilChange(db, count)
    expect(kept()).toBe(0)
    expect(kept()).toBe(0)
    expect(reads()).toBe(1)
    db.prepare('INSERT INTO item VALUES (1)').run()
    expect(kept()).toBe(1)
    expect(reads()).toBe(2)
    other.prepare('INSERT INTO item VALUES (2)').run()
    expect(kept()).toBe(2)
    expect(kept()).toBe(2)
    expect(reads()).toBe(3)
  })

  it('inside a transaction reads afresh and keeps nothing a rollback takes back', () => {
    const { db, count, reads } = setup()
    const kept = keptUntilChange(db, count)
    expect(kept()).toBe(0)
    db.exec('BEGIN')
    db.prepare('INSERT INTO item VALUES (1)').run()
    expect(kept()).toBe(1)
    expect(kept()).toBe(1)
    db.exec('ROLLBACK')
    // total_changes() counted the rolled-back insert: without the rule the kept 1 could be served.
    expect(kept()).toBe(0)
    expect(kept()).toBe(0)
    expect(reads()).toBe(4)
  })

  it('never shares a read begun inside a transaction, even one still pending after a rollback', async () => {
    const { db, count } = setup()
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const kept = keptUntilChange(db, async () => {
      const n = count()
      await gate
      return n
    })
    db.exec('BEGIN')
    db.prepare('INSERT INTO item VALUES (1)').run()
    const inside = kept()
    db.exec('ROLLBACK')
    const after = kept()
    release()
    expect(await inside).toBe(1)
    expect(await after).toBe(0)
  })

  it('never serves again a value read while another connection committed', async () => {
    const { db, other, count, reads } = setup()
    let commitDuringRead = true
    const kept = keptUntilChange(db, async () => {
      const n = count()
      if (commitDuringRead) other.prepare('INSERT INTO item VALUES (1)').run()
      commitDuringRead = false
      await Promise.resolve()
      return n
    })
    expect(await kept()).toBe(0)
    // The first read was already stale when it finished: it must not be served again.
    expect(await kept()).toBe(1)
    expect(await kept()).toBe(1)
    expect(reads()).toBe(2)
  })

  it('shares a pending read and never keeps a failed one', async () => {
    const { db, reads, count } = setup()
    let fail = true
    const kept = keptUntilChange(db, async () => {
      const n = count()
      await Promise.resolve()
      if (fail) throw new Error('read failed')
      return n
    })
    const first = kept()
    expect(kept()).toBe(first)
    await expect(first).rejects.toThrow('read failed')
    fail = false
    expect(await kept()).toBe(0)
    expect(reads()).toBe(2)
  })
})
