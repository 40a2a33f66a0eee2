import path from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import type { Tessera } from '../../src/core/app'
import type { CountPacing } from '../../src/core/services/unacknowledged-counter'
import { planFieldExport } from '../../src/core/sync/export'
import { tempDir } from '../helpers/temp-db'
import { assess, closeAll, evidenceBytes, initialized, insertRubric } from './fixtures'

afterEach(() => closeAll())

/** Each step of a count then sleeps: what the test does meanwhile certainly lands while it runs. */
const SLOW_COUNT: CountPacing = { sliceMs: 0, pauseMs: 5 }

/** What sync.status must say: the plan of an export made now, as the status reports it. */
function planned(t: Tessera): { total: number; byKind: Record<string, number>; evidenceFiles: number } {
  const plan = planFieldExport(t.ctx.database.sqlite, { full: false, withoutEvidence: false })
  const byKind = Object.fromEntries(Object.entries(plan.counts).filter(([k]) => k !== 'blob'))
  return { total: plan.records.length + plan.blobs.length, byKind, evidenceFiles: plan.blobs.length }
}

/** Acks every exportable record with its current hash (a device that has synced), but for `skip`. */
function ackAll(t: Tessera, skip: (i: number) => 'unacked' | 'stale' | 'current' = () => 'current'): void {
  const sqlite = t.ctx.database.sqlite
  const plan = planFieldExport(sqlite, { full: true, withoutEvidence: false })
  const ack = sqlite.prepare(
    `INSERT INTO sync_ack (kind, record_id, hash, status, acked_at) VALUES (?, ?, ?, 'accepted', '2026-03-15T00:00:00Z')`,
  )
  sqlite.transaction(() => {
    plan.records.forEach((r, i) => {
      const how = skip(i)
      if (how !== 'unacked') ack.run(r.kind, r.id, how === 'current' ? r.sha256 : 'f'.repeat(64))
    })
    for (const b of plan.blobs) ack.run('blob', b.sha256, b.sha256)
  })()
}

async function syncedWorld(learners: number, countPacing?: CountPacing): Promise<Tessera> {
  const t = await initialized(path.join(tempDir(), 'field.db'), undefined, countPacing ? { countPacing } : {})
  const { rubricId } = insertRubric(t)
  for (let i = 0; i < 3; i++)
    await assess(t, { given: `Learner ${i}`, cohort: 'Evening', rubricId, evidence: evidenceBytes(`s${i}`) })
  // Many learners at once, as a device holds after years (the ops would take minutes to add them).
  t.ctx.database.sqlite
    .prepare(
      `INSERT INTO learner (id, device_id, created_at, updated_at, given_name, family_name, search_key)
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       SELECT printf('bulk-%06d', i), 'bulk-device', '2026-03-01T08:00:00.000Z', '2026-03-01T08:00:00.000Z',
              'Learner ' || i, 'Bulk', 'learner ' || i || ' bulk' FROM n`,
    )
    .run(learners)
  return t
}

/**
 * sync.status counts what the hub has not acknowledged on a connection of its own, in slices: a
 * device that has synced hashes every acknowledged record (seconds on 100,000 learners), and the
 * server and Electron's main process answer everything on one thread.
 */
describe('sync.status while it counts', () => {
  it('lets other ops be answered before its count ends, and counts exactly', async () => {
    const t = await syncedWorld(30_000)
    // Acknowledged, most with the hash held now: each of those is loaded and hashed to be sure.
    ackAll(t, (i) => (i % 7 === 0 ? 'unacked' : i % 11 === 0 ? 'stale' : 'current'))
    const expected = planned(t)
    expect(expected.total).toBeGreaterThan(4000)

    let counted = false
    const status = t.call('sync.status', {}).then((s) => {
      counted = true
      return s
    })
    // A few turns of the event loop: a count that never gives it back has ended by now.
    for (let i = 0; i < 3; i++) await nextTurn()
    await t.call('system.status', {})
    const listed = await t.call('learners.list', { limit: 5 })
    expect(counted).toBe(false)
    expect(listed.items.length).toBe(5)
    expect((await status).unacknowledged).toEqual(expected)
    expect((await t.call('sync.status', {})).unacknowledged).toEqual(expected)
  })

  it('counts its snapshot when a write lands meanwhile, and the next status shows the write', async () => {
    const t = await syncedWorld(50, SLOW_COUNT)
    ackAll(t)
    const before = planned(t)
    expect(before.total).toBe(0)
    let counted = false
    const status = t.call('sync.status', {}).then((s) => {
      counted = true
      return s
    })
    const sameTime = t.call('sync.status', {})
    await nextTurn()
    await t.call('learners.add', { givenName: 'Amina', familyName: 'Diallo' })
    expect(counted).toBe(false)
    const after = planned(t)
    expect(after.byKind.learner).toBe(1)
    expect((await status).unacknowledged).toEqual(before)
    expect((await sameTime).unacknowledged).toEqual(before)
    expect((await t.call('sync.status', {})).unacknowledged).toEqual(after)
  })

  it('is asked again during a count after a write: answers with a count that holds the write', async () => {
    const t = await syncedWorld(50, SLOW_COUNT)
    ackAll(t)
    const first = t.call('sync.status', {})
    await nextTurn()
    await t.call('learners.add', { givenName: 'Amina', familyName: 'Diallo' })
    const after = planned(t)
    const second = t.call('sync.status', {})
    expect((await first).unacknowledged.total).toBe(0)
    expect((await second).unacknowledged).toEqual(after)
  })

  it('closes cleanly while a count runs', async () => {
    const t = await syncedWorld(50, SLOW_COUNT)
    ackAll(t)
    const status = t.call('sync.status', {})
    await nextTurn()
    t.close()
    // The count cannot go on without its connection: the call fails, nothing else does.
    await expect(status).rejects.toThrow()
  })
})
