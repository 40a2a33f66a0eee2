import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { assess, closeAll, fileState, logicalDump, open, syncWorld } from './fixtures'

afterEach(closeAll)

/**
 * A re-import takes the shortcut for records whose id is already held: a record identical to its held
 * copy (compared with the held rows as read, apply.ts HeldRecords.identical) is a duplicate and is
 * not validated against its kind's schema (verify-bundle.ts VerifiedRecord.validated). These cases
 * fail if the shortcut takes a record for the held one when it is not, or skips the validation of a
 * record that is not identical to what is held.
 */
describe('records already held: the re-import shortcut', () => {
  it('an assessment held with the same columns but another score is a conflict, not a duplicate', async () => {
    const w = await syncWorld()
    const a = open(w.aFile)
    await assess(a, { given: 'Amina', family: 'Yusuf', rubricId: w.rubricId })
    const first = path.join(w.dir, 'a1.tsb')
    await a.call('sync.export', { outFile: first })
    const second = await assess(a, { given: 'Chen', family: 'Wei', rubricId: w.rubricId })
    const bundle2 = path.join(w.dir, 'a2.tsb')
    await a.call('sync.export', { outFile: bundle2 })
    a.close()

    const hub = open(w.hubFile)
    await hub.call('sync.import', { file: first, trustDevice: true })
    // The hub holds the second assessment exactly as sent, except one score's comment.
    const src = new Database(w.aFile, { readonly: true })
    const sqlite = hub.ctx.database.sqlite
    const copy = (
      table: string,
      where: string,
      id: string,
      patch: (r: Record<string, unknown>) => object,
    ) => {
      for (const row of src
        .prepare(`SELECT * FROM ${table} WHERE ${where} = ? ORDER BY 1, 2`)
        .all(id) as Record<string, unknown>[]) {
        const out = { ...row, ...patch(row) }
        const cols = Object.keys(out)
        sqlite
          .prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`)
          .run(...cols.map((c) => (out as Record<string, unknown>)[c]))
      }
    }
    copy('learner', 'id', second.learnerId, () => ({}))
    copy('assessment', 'id', second.assessmentId, () => ({ state: 'draft' }))
    copy('assessment_score', 'assessment_id', second.assessmentId, (r) =>
      r.criterion_id === 'bead' ? { comment: 'Typed in from paper' } : {},
    )
    const state = src.prepare(`SELECT state FROM assessment WHERE id = ?`).get(second.assessmentId) as {
      state: string
    }
    sqlite.prepare(`UPDATE assessment SET state = ? WHERE id = ?`).run(state.state, second.assessmentId)
    src.close()

    const r2 = await hub.call('sync.import', { file: bundle2 })
    expect(r2.byKind.assessment).toEqual({ accepted: 0, duplicate: 1, conflict: 1 })
    expect(r2.byKind.learner).toEqual({ accepted: 0, duplicate: 2, conflict: 0 })
    expect(r2.conflicts).toEqual([
      { id: expect.any(String), kind: 'assessment', recordId: second.assessmentId },
    ])
    // The copy held stays in place.
    expect(
      sqlite
        .prepare(`SELECT comment FROM assessment_score WHERE assessment_id = ? AND criterion_id = 'bead'`)
        .get(second.assessmentId),
    ).toEqual({ comment: 'Typed in from paper' })
    hub.close()
  })

  it('a held record changed on the device into an invalid one is refused, and nothing is written', async () => {
    const w = await syncWorld()
    const a = open(w.aFile)
    const { learnerId } = await assess(a, { given: 'Chipo', rubricId: w.rubricId })
    const first = path.join(w.dir, 'a1.tsb')
    await a.call('sync.export', { outFile: first })
    // Damaged on the device after the hub received it: the same id, other (invalid) content.
    a.ctx.database.sqlite
      .prepare(`UPDATE learner SET created_at = 'last tuesday' WHERE id = ?`)
      .run(learnerId)
    const bundle2 = path.join(w.dir, 'a2.tsb')
    await a.call('sync.export', { outFile: bundle2 })
    a.close()

    let hub = open(w.hubFile)
    await hub.call('sync.import', { file: first, trustDevice: true })
    hub.close()
    const before = { ...fileState(w.hubFile), dump: logicalDump(w.hubFile) }

    hub = open(w.hubFile)
    await expect(hub.call('sync.import', { file: bundle2 })).rejects.toMatchObject({
      code: 'validation',
      issues: expect.arrayContaining([
        {
          path: ['records', expect.any(Number), `learner ${learnerId}`, 'created_at'],
          message: 'must be an ISO date-time',
        },
      ]),
    })
    hub.close()
    expect(fileState(w.hubFile)).toEqual({ db: before.db, wal: before.wal })
    expect(logicalDump(w.hubFile)).toEqual(before.dump)
  })
})
