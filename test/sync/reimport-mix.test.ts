import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { recordKinds } from '../../src/core/sync/record-kinds'
import { assess, closeAll, open, recordSet, syncWorld } from './fixtures'

afterEach(closeAll)

const fieldToHub = { kinds: recordKinds.filter((k) => k.fieldToHub).map((k) => k.name) }

/** What a field export sends: its records except those the hub acknowledged (or sent) as they are. */
function unacknowledged(file: string): string[] {
  const db = new Database(file, { readonly: true })
  const acked = new Set(
    (db.prepare(`SELECT kind, record_id, hash FROM sync_ack`).all() as Record<string, string>[]).map(
      (r) => `${r.kind} ${r.record_id} ${r.hash}`,
    ),
  )
  db.close()
  return recordSet(file, fieldToHub).filter((r) => !r.startsWith('blob ') && !acked.has(r))
}

/**
 * The apply step decides "already held" for a whole bundle in bulk (one query per kind, apply.ts
 * HeldRecords) instead of record by record: a bundle mixing records the hub holds, records it does
 * not, and a record it holds with other content must still be counted exactly, and the conflict found.
 */
describe('re-import of a bundle mixing held, new and conflicting records', () => {
  it('reports exact counts per kind and detects the conflict in the mix', async () => {
    const w = await syncWorld()
    const a = open(w.aFile)
    await assess(a, { given: 'Amina', family: 'Yusuf', rubricId: w.rubricId, cohort: 'Welding A' })
    const first = path.join(w.dir, 'a1.tsb')
    await a.call('sync.export', { outFile: first })
    const sent1 = new Set(unacknowledged(w.aFile))
    const second = await assess(a, {
      given: 'Chen',
      family: 'Wei',
      rubricId: w.rubricId,
      cohort: 'Welding A',
    })
    // No receipt came back: the next export sends everything again, plus the new work.
    const bundle2 = path.join(w.dir, 'a2.tsb')
    const e2 = await a.call('sync.export', { outFile: bundle2 })
    const sent2 = unacknowledged(w.aFile)
    a.close()

    const hub = open(w.hubFile)
    const r1 = await hub.call('sync.import', { file: first, trustDevice: true })
    expect(r1.counts.conflict).toBe(0)

    // The hub meanwhile holds the second assessment with another comment (e.g. typed in from paper).
    const src = new Database(w.aFile, { readonly: true })
    const sqlite = hub.ctx.database.sqlite
    const copy = (table: string, where: string, id: string, patch: Record<string, unknown> = {}) => {
      for (const row of src.prepare(`SELECT * FROM ${table} WHERE ${where} = ?`).all(id) as Record<
        string,
        unknown
      >[]) {
        const out = { ...row, ...patch }
        const cols = Object.keys(out)
        sqlite
          .prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`)
          .run(...cols.map((c) => out[c]))
      }
    }
    copy('learner', 'id', second.learnerId)
    copy('assessment', 'id', second.assessmentId, { overall_comment: 'Typed in from paper', state: 'draft' })
    copy('assessment_score', 'assessment_id', second.assessmentId)
    sqlite.prepare(`UPDATE assessment SET state = 'finalized' WHERE id = ?`).run(second.assessmentId)
    src.close()

    const r2 = await hub.call('sync.import', { file: bundle2 })
    // Expected from first principles: a record sent before with the same hash is a duplicate, and so
    // is the learner copied unchanged; the assessment copied with another comment is the one
    // conflict; everything else is new.
    const records = sent2
    expect(records.length).toBe(e2.records)
    const expected = { accepted: 0, duplicate: 0, conflict: 0 }
    const byKind: Record<string, { accepted: number; duplicate: number; conflict: number }> = {}
    for (const r of records) {
      const [kind, id] = r.split(' ') as [string, string]
      const status =
        id === second.assessmentId && kind === 'assessment'
          ? 'conflict'
          : sent1.has(r) || (kind === 'learner' && id === second.learnerId)
            ? 'duplicate'
            : 'accepted'
      expected[status]++
      byKind[kind] ??= { accepted: 0, duplicate: 0, conflict: 0 }
      byKind[kind][status]++
    }
    expect(expected.duplicate).toBeGreaterThan(0)
    expect(expected.accepted).toBeGreaterThan(0)
    expect(r2.counts).toEqual(expected)
    expect(r2.byKind).toEqual(byKind)
    expect(r2.conflicts).toEqual([
      { id: expect.any(String), kind: 'assessment', recordId: second.assessmentId },
    ])

    // And the same bundle once more: nothing new, the conflict is not opened twice.
    const r3 = await hub.call('sync.import', { file: bundle2 })
    expect(r3.alreadyImported).toBe(true)
    expect(r3.counts).toEqual(expected)
    expect(await hub.call('sync.listConflicts', {})).toHaveLength(1)
    expect((await hub.call('system.doctor', {})).ok).toBe(true)
    hub.close()
  })
})
