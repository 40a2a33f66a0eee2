import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openTessera } from '../../src/core/app'
import {
  assess,
  closeAll,
  conflictSet,
  deviceIdOf,
  open,
  recordSet,
  secrets,
  syncWorld,
  type SyncWorld,
} from './fixtures'

/**
 * Removals sync: taking a learner out of a cohort on a field device leaves a tombstone that the hub
 * applies, whatever order (and however often) the bundles arrive, and a membership made again after
 * its removal comes back everywhere.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-tombstone-'))
let w: SyncWorld
let hubDevice = ''
const bundles: Record<string, string> = {}
const ids = { amina: '', bongani: '', cohort: '' }

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs]
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]))
}

function memberships(file: string): { learner_id: string; created_at: string }[] {
  const db = new Database(file, { readonly: true })
  try {
    return db
      .prepare(`SELECT learner_id, created_at FROM learner_cohort WHERE cohort_id = ? ORDER BY learner_id`)
      .all(ids.cohort) as { learner_id: string; created_at: string }[]
  } finally {
    db.close()
  }
}

beforeAll(async () => {
  w = await syncWorld(dir)
  hubDevice = deviceIdOf(w.hubFile)
  const a = open(w.aFile)
  const amina = await assess(a, {
    given: 'Amina',
    family: 'Yusuf',
    cohort: 'Welding 2026',
    rubricId: w.rubricId,
  })
  const bongani = await assess(a, {
    given: 'Bongani',
    family: 'Dlamini',
    cohort: 'Welding 2026',
    rubricId: w.rubricId,
  })
  ids.amina = amina.learnerId
  ids.bongani = bongani.learnerId
  ids.cohort = (await a.call('cohorts.list', {})).find((c) => c.name === 'Welding 2026')!.id
  await a.call('sync.export', { outFile: (bundles.a1 = path.join(dir, 'a1.tsb')) })
  // Both taken out of the cohort; Bongani is put back at once (a mistake corrected on the spot).
  const removed = await a.call('cohorts.removeLearners', {
    cohortId: ids.cohort,
    learnerIds: [ids.amina, ids.bongani],
  })
  expect(removed.removed).toBe(2)
  await a.call('cohorts.addLearners', { cohortId: ids.cohort, learnerIds: [ids.bongani] })
  const status = await a.call('sync.status', {})
  expect(status.unacknowledged.byKind.tombstone).toBe(2)
  await a.call('sync.export', { outFile: (bundles.a2 = path.join(dir, 'a2.tsb')) })
  a.close()
})

afterEach(closeAll)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

async function importInOrder(order: string[], name: string, receipts: Record<string, string> = {}) {
  const hubCopy = path.join(dir, `${name}.db`)
  fs.copyFileSync(w.hubFile, hubCopy)
  const hub = open(hubCopy)
  const results = []
  for (const b of order)
    results.push(
      await hub.call('sync.import', { file: bundles[b]!, trustDevice: true, receiptFile: receipts[b] }),
    )
  hub.close()
  return { hubCopy, results }
}

describe('a membership removed on a field device', () => {
  it('is removed at the hub; the re-made one stays; the field device sees everything acknowledged', async () => {
    const field = memberships(w.aFile)
    expect(field.map((m) => m.learner_id)).toEqual([ids.bongani])

    const receipts = { a1: path.join(dir, 'a1.receipt'), a2: path.join(dir, 'a2.receipt') }
    const { hubCopy, results } = await importInOrder(['a1', 'a2'], 'in-order', receipts)
    expect(results[0]!.byKind.learner_cohort).toEqual({ accepted: 2, duplicate: 0, conflict: 0 })
    // a2 carries both tombstones and Bongani's membership made again (a later addition).
    expect(results[1]!.byKind.tombstone).toEqual({ accepted: 2, duplicate: 0, conflict: 0 })
    expect(results[1]!.byKind.learner_cohort).toEqual({ accepted: 1, duplicate: 0, conflict: 0 })
    expect(memberships(hubCopy)).toEqual(field)
    expect(conflictSet(hubCopy)).toEqual([])

    const hub = open(hubCopy)
    const t = hub.ctx.database.sqlite
      .prepare(`SELECT target_kind, target_id, removed_by, device_id FROM tombstone ORDER BY target_id`)
      .all()
    expect(t).toEqual(
      [ids.amina, ids.bongani]
        .map((l) => ({
          target_kind: 'learner_cohort',
          target_id: `${l}/${ids.cohort}`,
          removed_by: 'test-user',
          device_id: deviceIdOf(w.aFile),
        }))
        .sort((x, y) => x.target_id.localeCompare(y.target_id)),
    )
    expect((await hub.call('system.doctor', {})).ok).toBe(true)
    hub.close()

    // Receipts back: the tombstones are accounted for like every other record.
    const a = open(w.aFile)
    for (const b of ['a1', 'a2'] as const) await a.call('sync.importReceipt', { file: receipts[b] })
    const s = await a.call('sync.status', {})
    expect(s.unacknowledged.total).toBe(0)
    expect(s.allAccountedFor).toBe(true)
    a.close()
  })

  it('gives the same hub in every order, twice, and a full re-export changes nothing', async () => {
    const a = open(w.aFile)
    await a.call('sync.export', { outFile: (bundles.full = path.join(dir, 'full.tsb')), full: true })
    a.close()
    const reference = recordSet((await importInOrder(['a1', 'a2'], 'reference')).hubCopy, {
      excludeDevice: hubDevice,
    })
    expect(reference.filter((r) => r.startsWith('tombstone '))).toHaveLength(2)
    expect(reference.filter((r) => r.startsWith('learner_cohort '))).toHaveLength(1)

    for (const [i, order] of permutations(['a1', 'a2', 'full']).entries()) {
      const { hubCopy } = await importInOrder(order, `order-${i}`)
      expect(recordSet(hubCopy, { excludeDevice: hubDevice }), order.join(' ')).toEqual(reference)
      expect(memberships(hubCopy), order.join(' ')).toEqual(memberships(w.aFile))
      expect(conflictSet(hubCopy), order.join(' ')).toEqual([])

      // Every bundle again is recognised; the same records in a new bundle are duplicates.
      const hub = open(hubCopy)
      for (const b of order)
        expect((await hub.call('sync.import', { file: bundles[b]! })).alreadyImported).toBe(true)
      hub.close()
      expect(recordSet(hubCopy, { excludeDevice: hubDevice })).toEqual(reference)
    }

    // The tombstone before the record it removes (a2 first), then a full copy: all duplicates.
    const { hubCopy, results } = await importInOrder(['a2', 'a1', 'full'], 'tombstone-first')
    expect(results[1]!.byKind.learner_cohort).toEqual({ accepted: 0, duplicate: 2, conflict: 0 })
    expect(results[2]!.counts.accepted).toBe(0)
    expect(results[2]!.counts.conflict).toBe(0)
    expect(memberships(hubCopy)).toEqual(memberships(w.aFile))
  })

  it('an old hub database (schema 3) cannot have tombstones: its import refuses the kind with a clear error', async () => {
    // What an older Tessera does with a kind it does not know (verify-bundle.ts): refuses the whole
    // bundle before writing anything. Simulated by a hub without the tombstone table.
    const hubCopy = path.join(dir, 'old-hub.db')
    fs.copyFileSync(w.hubFile, hubCopy)
    const raw = new Database(hubCopy)
    raw.exec(`DROP TABLE tombstone`)
    raw.close()
    const before = fs.readFileSync(hubCopy)
    const hub = open(hubCopy)
    const r = await hub.dispatch('sync.import', { file: bundles.a2!, trustDevice: true })
    hub.close()
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('validation')
      expect(JSON.stringify(r.error.issues)).toContain(
        'unknown record kind \\"tombstone\\": update Tessera here',
      )
    }
    expect(fs.readFileSync(hubCopy).equals(before)).toBe(true)
  })
})

it('on one device a membership made again after its removal is always later, even within one clock tick', async () => {
  const fixed = new Date('2026-03-14T10:00:00.000Z')
  const file = path.join(dir, 'frozen-clock.db')
  const t = openTessera({ dbFile: file, now: () => fixed, secrets })
  try {
    await t.call('system.init', { organization: { name: 'Northside Skills Trust' } })
    const learner = await t.call('learners.add', {
      givenName: 'Farah',
      familyName: 'Haddad',
      cohorts: ['Night class'],
    })
    const cohortId = (await t.call('cohorts.list', {}))[0]!.id
    await t.call('cohorts.removeLearners', { cohortId, learnerIds: [learner.id] })
    await t.call('cohorts.addLearners', { cohortId, learnerIds: [learner.id] })
    const sqlite = t.ctx.database.sqlite
    const tomb = sqlite.prepare(`SELECT created_at FROM tombstone`).get() as { created_at: string }
    const member = sqlite.prepare(`SELECT created_at FROM learner_cohort`).get() as { created_at: string }
    expect(tomb.created_at).toBe('2026-03-14T10:00:00.000Z')
    expect(member.created_at).toBe('2026-03-14T10:00:00.001Z')
    // Tombstones are kept for ever: they stop an old copy of the membership coming back.
    expect(() => sqlite.prepare(`DELETE FROM tombstone`).run()).toThrow(/tombstones are kept/)
  } finally {
    t.close()
  }
})
