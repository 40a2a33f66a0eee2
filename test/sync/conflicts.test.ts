import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { Tessera } from '../../src/core/app'
import { assess, closeAll, open, syncWorld } from './fixtures'

afterEach(closeAll)

/** Copies a row from another device's database file (as if both had received it), with changes. */
function copyRow(
  fromFile: string,
  to: Tessera,
  table: string,
  where: Record<string, string>,
  patch: Record<string, unknown> = {},
): void {
  const src = new Database(fromFile, { readonly: true })
  const keys = Object.keys(where)
  const row = src
    .prepare(`SELECT * FROM ${table} WHERE ${keys.map((k) => `${k} = ?`).join(' AND ')}`)
    .get(...keys.map((k) => where[k])) as Record<string, unknown>
  src.close()
  const out = { ...row, ...patch }
  const cols = Object.keys(out)
  to.ctx.database.sqlite
    .prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`)
    .run(...cols.map((c) => out[c]))
}

describe('conflicts: same id, different content', () => {
  it('a finalized assessment that arrives with different content is reported and both versions are kept, in either order', async () => {
    const w = await syncWorld()
    const a = open(w.aFile)
    const { learnerId, assessmentId } = await assess(a, {
      given: 'Amina',
      family: 'Yusuf',
      rubricId: w.rubricId,
    })
    const assessorId = (
      a.ctx.database.sqlite.prepare(`SELECT assessor_id FROM assessment WHERE id = ?`).get(assessmentId) as {
        assessor_id: string
      }
    ).assessor_id
    const bundleA = path.join(w.dir, 'a.tsb')
    await a.call('sync.export', { outFile: bundleA })
    a.close()

    // Device B holds a copy of the same signed-off assessment, but with a different comment.
    const b = open(w.bFile)
    copyRow(w.aFile, b, 'learner', { id: learnerId })
    copyRow(w.aFile, b, 'assessor', { id: assessorId })
    copyRow(
      w.aFile,
      b,
      'assessment',
      { id: assessmentId },
      { overall_comment: 'Rewritten afterwards', state: 'draft' },
    )
    for (const c of ['prep', 'bead'])
      copyRow(w.aFile, b, 'assessment_score', { assessment_id: assessmentId, criterion_id: c })
    b.ctx.database.sqlite.prepare(`UPDATE assessment SET state = 'finalized' WHERE id = ?`).run(assessmentId)
    const bundleB = path.join(w.dir, 'b.tsb')
    await b.call('sync.export', { outFile: bundleB })
    b.close()

    const held: Record<string, string> = {}
    for (const order of [
      ['a', 'b'],
      ['b', 'a'],
    ]) {
      const hubCopy = path.join(w.dir, `hub-${order.join('')}.db`)
      fs.copyFileSync(w.hubFile, hubCopy)
      const hub = open(hubCopy)
      const results = []
      for (const x of order)
        results.push(
          await hub.call('sync.import', {
            file: x === 'a' ? bundleA : bundleB,
            trustDevice: true,
            receiptFile: path.join(w.dir, `${x}-${order.join('')}.receipt`),
          }),
        )
      const second = results[1]!
      expect(second.counts.conflict).toBe(1)
      expect(second.conflicts).toEqual([
        { id: expect.any(String), kind: 'assessment', recordId: assessmentId },
      ])
      expect(second.byKind.assessment).toEqual({ accepted: 0, duplicate: 0, conflict: 1 })
      // Learner and assessor are identical copies: duplicates, not conflicts.
      expect(second.byKind.learner).toEqual({ accepted: 0, duplicate: 1, conflict: 0 })

      const c = await hub.call('sync.showConflict', { id: second.conflicts[0]!.id })
      const comments = [
        (c.held as { overall_comment: string }).overall_comment,
        (c.incoming as { overall_comment: string }).overall_comment,
      ].sort()
      expect(comments).toEqual(['Assessed Amina', 'Rewritten afterwards'])
      held[order.join('')] = (
        hub.ctx.database.sqlite
          .prepare(`SELECT overall_comment FROM assessment WHERE id = ?`)
          .get(assessmentId) as { overall_comment: string }
      ).overall_comment
      // Immutable: the other copy cannot silently replace the signed-off one.
      await expect(hub.call('sync.resolveConflict', { id: c.id, keep: 'other' })).rejects.toMatchObject({
        code: 'validation',
      })
      const resolved = await hub.call('sync.resolveConflict', {
        id: c.id,
        keep: 'current',
        note: 'Checked the paper sheet',
      })
      expect(resolved.status).toBe('resolved')
      expect(await hub.call('sync.listConflicts', {})).toEqual([])
      expect((await hub.call('sync.listConflicts', { status: 'all' })).length).toBe(1)
      expect((await hub.call('system.doctor', {})).ok).toBe(true)
      hub.close()
    }
    // The copy held first stays in the table; the other is kept in the conflict.
    expect(held).toEqual({ ab: 'Assessed Amina', ba: 'Rewritten afterwards' })

    // B's receipt says "conflict": its data is accounted for (kept at the hub), and it is told so.
    const b2 = open(w.bFile)
    await b2.call('sync.importReceipt', { file: path.join(w.dir, 'b-ab.receipt') })
    const s = await b2.call('sync.status', {})
    expect(s.allAccountedFor).toBe(true)
    expect(s.inConflictAtHub).toBe(1)
  })

  it('learner edits from two devices are both kept as versions; the later edit is current whatever the order', async () => {
    const w = await syncWorld()
    const a = open(w.aFile)
    const learner = await a.call('learners.add', { givenName: 'Chipo', familyName: 'Banda', cohorts: [] })
    a.close()
    const b = open(w.bFile)
    copyRow(w.aFile, b, 'learner', { id: learner.id }) // both devices hold version 1 (e.g. from a roster)
    b.close()

    const a2 = open(w.aFile)
    await a2.call('learners.update', { id: learner.id, phone: '+260 97 000 0001' })
    await a2.call('sync.export', { outFile: path.join(w.dir, 'a.tsb') })
    a2.close()
    await new Promise((r) => setTimeout(r, 5)) // B's edit is the later one
    const b2 = open(w.bFile)
    await b2.call('learners.update', { id: learner.id, notes: 'Prefers morning sessions' })
    await b2.call('sync.export', { outFile: path.join(w.dir, 'b.tsb') })
    b2.close()

    const current: unknown[] = []
    for (const order of [
      ['a', 'b'],
      ['b', 'a'],
    ]) {
      const hubCopy = path.join(w.dir, `hub-${order.join('')}.db`)
      fs.copyFileSync(w.hubFile, hubCopy)
      const hub = open(hubCopy)
      const results = []
      for (const x of order)
        results.push(await hub.call('sync.import', { file: path.join(w.dir, `${x}.tsb`), trustDevice: true }))
      expect(results[1]!.byKind.learner).toEqual({ accepted: 0, duplicate: 0, conflict: 1 })
      const l = await hub.call('learners.get', { id: learner.id })
      current.push({ phone: l.phone, notes: l.notes })
      // Every version is kept: both edits (sync_version) and both devices' history rows of version 1.
      const sqlite = hub.ctx.database.sqlite
      const versions = sqlite
        .prepare(`SELECT content FROM sync_version WHERE kind = 'learner' AND record_id = ?`)
        .all(learner.id) as { content: string }[]
      const contents = versions.map(
        (v) => JSON.parse(v.content) as { phone: string | null; notes: string | null },
      )
      expect(contents).toContainEqual(expect.objectContaining({ phone: '+260 97 000 0001', notes: null }))
      expect(contents).toContainEqual(
        expect.objectContaining({ phone: null, notes: 'Prefers morning sessions' }),
      )
      expect(
        sqlite.prepare(`SELECT COUNT(*) AS n FROM learner_history WHERE learner_id = ?`).get(learner.id),
      ).toEqual({ n: 2 })

      const [conflict] = await hub.call('sync.listConflicts', {})
      expect(conflict).toMatchObject({ kind: 'learner', recordId: learner.id, status: 'open' })
      if (order[0] === 'a') {
        // A person prefers the other version: it becomes current, and the choice is audited.
        await hub.call('sync.resolveConflict', {
          id: conflict!.id,
          keep: 'other',
          note: 'phone number confirmed',
        })
        expect((await hub.call('learners.get', { id: learner.id })).phone).toBe('+260 97 000 0001')
        expect((await hub.call('system.doctor', {})).ok).toBe(true)
      }
      hub.close()
    }
    expect(current).toEqual([
      { phone: null, notes: 'Prefers morning sessions' },
      { phone: null, notes: 'Prefers morning sessions' },
    ])
  })
})
