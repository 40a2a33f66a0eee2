import Database from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { describe, expect, it } from 'vitest'
import type { DB } from '../../src/core/db/schema'
import { auditEntryHash, verifyAuditChain } from '../../src/core/services/audit'
import { openInitializedTessera } from '../helpers/temp-db'

/** Three assessors → six chained entries (org + its two issuer keys + 3). */
async function withEntries() {
  const t = await openInitializedTessera()
  for (const name of ['A. Assessor', 'B. Assessor', 'C. Assessor']) await t.call('assessors.add', { name })
  const file = t.ctx.database.file
  t.close()
  return file
}

/** Tampering as an attacker with the sqlite3 file would: drop the guard triggers, then edit. */
function tamper(file: string, sql: string): void {
  const raw = new Database(file)
  raw.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;')
  raw.exec(sql)
  raw.close()
}

async function problems(file: string) {
  const raw = new Database(file, { readonly: true })
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: raw }) })
  const r = await verifyAuditChain(db)
  await db.destroy()
  return r
}

describe('audit chain', () => {
  it('is intact after normal use', async () => {
    const file = await withEntries()
    const r = await problems(file)
    expect(r.entries).toBe(6)
    expect(r.problems).toEqual([])
  })

  it('the log refuses UPDATE and DELETE through SQL', async () => {
    const file = await withEntries()
    const raw = new Database(file)
    expect(() => raw.exec(`UPDATE audit_log SET actor = 'mallory'`)).toThrow(/append-only/)
    expect(() => raw.exec(`DELETE FROM audit_log`)).toThrow(/append-only/)
    raw.close()
  })

  it('detects an edited entry', async () => {
    const file = await withEntries()
    tamper(file, `UPDATE audit_log SET actor = 'mallory' WHERE seq = 2`)
    const r = await problems(file)
    expect(r.problems).toEqual([
      expect.objectContaining({ seq: 2, problem: expect.stringContaining('edited') }),
    ])
  })

  it('detects a deleted entry in the middle', async () => {
    const file = await withEntries()
    tamper(file, `DELETE FROM audit_log WHERE seq = 2`)
    const r = await problems(file)
    expect(r.problems).toEqual([
      expect.objectContaining({ seq: 3, problem: expect.stringContaining('link broken') }),
    ])
  })

  it('detects a deleted last entry', async () => {
    const file = await withEntries()
    tamper(file, `DELETE FROM audit_log WHERE seq = 6`)
    const r = await problems(file)
    expect(r.problems).toEqual([
      expect.objectContaining({ problem: expect.stringContaining('deleted from the end') }),
    ])
  })

  it('detects an entry re-hashed after editing (the next link breaks)', async () => {
    const file = await withEntries()
    const raw = new Database(file)
    raw.exec('DROP TRIGGER audit_no_update')
    const row = raw.prepare('SELECT * FROM audit_log WHERE seq = 2').get() as Parameters<
      typeof auditEntryHash
    >[0]
    const forged = { ...row, actor: 'mallory' }
    raw
      .prepare('UPDATE audit_log SET actor = ?, hash = ? WHERE seq = 2')
      .run('mallory', auditEntryHash(forged))
    raw.close()
    const r = await problems(file)
    expect(r.problems).toEqual([
      expect.objectContaining({ seq: 3, problem: expect.stringContaining('link broken') }),
    ])
  })
})
