import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  assess,
  closeAll,
  conflictSet,
  deviceIdOf,
  evidenceBytes,
  open,
  recordSet,
  syncWorld,
  type SyncWorld,
} from './fixtures'

/**
 * Two field devices and one hub, each a real database file. Assessments on both, exports before
 * and after more work (the second export of a device holds everything the hub has not acknowledged,
 * so it overlaps the first), imported at copies of the hub in EVERY order of the four bundles, then
 * all of them a second time. Every hub must end up holding exactly the same records: the union.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-converge-'))
let w: SyncWorld
const bundles: Record<string, string> = {}
let hubDevice = ''
let referenceHub = ''
let reference: string[] = []
let referenceConflicts: string[] = []
let aminaId = ''
const receipts = Object.fromEntries(['a1', 'a2', 'b1', 'b2'].map((b) => [b, path.join(dir, `${b}.receipt`)]))

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs]
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]))
}
const ORDERS = permutations(['a1', 'a2', 'b1', 'b2'])

beforeAll(async () => {
  w = await syncWorld(dir)
  hubDevice = deviceIdOf(w.hubFile)
  const sameBytes = evidenceBytes('shared-photo') // the same photo on both devices: stored once

  const a = open(w.aFile)
  const amina = await assess(a, {
    given: 'Amina',
    family: 'Yusuf',
    cohort: 'Welding 2026',
    rubricId: w.rubricId,
    evidence: sameBytes,
  })
  const bongani = await assess(a, {
    given: 'Bongani',
    family: 'Dlamini',
    cohort: 'Welding 2026',
    rubricId: w.rubricId,
    pass: false,
  })
  await a.call('sync.export', { outFile: (bundles.a1 = path.join(dir, 'a1.tsb')) })
  // More work after the first export: an edit (a new learner version), a void, a new assessment.
  await a.call('learners.update', { id: amina.learnerId, phone: '+234 803 000 0001' })
  // A removal: Amina taken out of the cohort the first bundle put her in (a tombstone in a2).
  aminaId = amina.learnerId
  const cohortId = (await a.call('cohorts.list', {})).find((c) => c.name === 'Welding 2026')!.id
  await a.call('cohorts.removeLearners', { cohortId, learnerIds: [amina.learnerId] })
  await a.call('assessments.void', { id: bongani.assessmentId, reason: 'Wrong rubric used' })
  await assess(a, { given: 'Chipo', family: 'Banda', rubricId: w.rubricId, evidence: evidenceBytes('chipo') })
  await a.call('sync.export', { outFile: (bundles.a2 = path.join(dir, 'a2.tsb')) })
  a.close()

  const b = open(w.bFile)
  // Same cohort name as on device A, made independently: both kept, deterministically named.
  await assess(b, {
    given: 'Dawit',
    family: 'Bekele',
    cohort: 'Welding 2026',
    rubricId: w.rubricId,
    evidence: sameBytes,
    assessor: 'S. Mensah',
  })
  await b.call('sync.export', { outFile: (bundles.b1 = path.join(dir, 'b1.tsb')) })
  await assess(b, {
    given: 'Esi',
    family: 'Owusu',
    rubricId: w.rubricId,
    assessor: 'S. Mensah',
    evidence: evidenceBytes('esi'),
  })
  await b.call('sync.export', { outFile: (bundles.b2 = path.join(dir, 'b2.tsb')) })
  b.close()

  referenceHub = await importInOrder(ORDERS[0]!, 'order-0', receipts)
  reference = recordSet(referenceHub, { excludeDevice: hubDevice })
  referenceConflicts = conflictSet(referenceHub)
})

afterEach(closeAll)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** Imports bundles in this order at a fresh copy of the hub; returns the hub file. */
async function importInOrder(
  order: string[],
  name: string,
  receipts?: Record<string, string>,
): Promise<string> {
  const hubCopy = path.join(dir, `${name}.db`)
  fs.copyFileSync(w.hubFile, hubCopy)
  const hub = open(hubCopy)
  for (const b of order) {
    const r = await hub.call('sync.import', {
      file: bundles[b]!,
      trustDevice: true,
      receiptFile: receipts?.[b],
    })
    expect(r.alreadyImported).toBe(false)
  }
  const once = recordSet(hubCopy, { excludeDevice: hubDevice })
  // Every bundle a second time: recognised, nothing changes.
  for (const b of [...order].reverse()) {
    const r = await hub.call('sync.import', { file: bundles[b]!, trustDevice: true })
    expect(r.alreadyImported).toBe(true)
  }
  expect(recordSet(hubCopy, { excludeDevice: hubDevice })).toEqual(once)
  expect((await hub.call('system.doctor', {})).ok).toBe(true)
  expect((await hub.call('sync.status', {})).pendingAuditEntries).toBe(0)
  hub.close()
  return hubCopy
}

describe('field -> hub convergence', () => {
  it('the hub holds exactly the union of both devices (first order, receipts back)', async () => {
    const hubCopy = referenceHub
    // The only conflict: the cohort renamed to make room, for a person to merge or rename.
    expect(referenceConflicts).toHaveLength(1)
    expect(referenceConflicts[0]).toMatch(/^cohort .* adjusted_name_taken open$/)

    const union = [...new Set([...recordSet(w.aFile), ...recordSet(w.bFile)])].sort()
    // The two cohorts called "Welding 2026": the one with the higher id was renamed at the hub.
    const cohortIds = (xs: string[]) =>
      xs
        .filter((r) => r.startsWith('cohort '))
        .map((r) => r.split(' ')[1])
        .sort()
    const notCohort = (xs: string[]) => xs.filter((r) => !r.startsWith('cohort '))
    expect(notCohort(reference)).toEqual(notCohort(union))
    expect(cohortIds(reference)).toEqual(cohortIds(union))
    const hub = open(hubCopy)
    const names = (
      hub.ctx.database.sqlite.prepare(`SELECT name FROM cohort ORDER BY id`).all() as { name: string }[]
    ).map((r) => r.name)
    expect(names[0]).toBe('Welding 2026')
    expect(names[1]).toMatch(/^Welding 2026 \(from device .{8}\)$/)
    // Voided after the first export: the void wins in every order; both learner versions are kept.
    expect(
      hub.ctx.database.sqlite.prepare(`SELECT COUNT(*) AS n FROM assessment WHERE state = 'voided'`).get(),
    ).toEqual({ n: 1 })
    expect(hub.ctx.database.sqlite.prepare(`SELECT COUNT(*) AS n FROM learner_history`).get()).toEqual({
      n: 1,
    })
    expect(hub.ctx.database.sqlite.prepare(`SELECT COUNT(*) AS n FROM blob`).get()).toEqual({ n: 3 })
    // The removal won in every order (the other orders compare with this hub): Amina is in no cohort.
    expect(
      hub.ctx.database.sqlite
        .prepare(`SELECT COUNT(*) AS n FROM learner_cohort WHERE learner_id = ?`)
        .get(aminaId),
    ).toEqual({ n: 0 })
    expect(hub.ctx.database.sqlite.prepare(`SELECT COUNT(*) AS n FROM tombstone`).get()).toEqual({ n: 1 })
    hub.close()

    // Receipts back, the newer one first: every record of both devices is accounted for.
    for (const [file, order] of [
      [w.aFile, ['a2', 'a1']],
      [w.bFile, ['b1', 'b2']],
    ] as const) {
      const f = open(file)
      expect((await f.call('sync.status', {})).allAccountedFor).toBe(false)
      for (const b of order) await f.call('sync.importReceipt', { file: receipts[b]! })
      const again = await f.call('sync.importReceipt', { file: receipts[order[0]]! })
      expect(again.alreadyImported).toBe(true)
      const s = await f.call('sync.status', {})
      expect(s.unacknowledged.total).toBe(0)
      expect(s.allAccountedFor).toBe(true)
      f.close()
    }
  })

  // 24 orders, split so each test stays short on a busy machine.
  for (let chunk = 0; chunk < 4; chunk++) {
    it(`every order of the four bundles gives the same hub (orders ${chunk * 6 + 1}-${chunk * 6 + 6})`, async () => {
      expect(reference.length).toBeGreaterThan(0)
      for (let i = Math.max(1, chunk * 6); i < chunk * 6 + 6; i++) {
        const hubCopy = await importInOrder(ORDERS[i]!, `order-${i}`)
        expect(recordSet(hubCopy, { excludeDevice: hubDevice }), `order ${ORDERS[i]!.join(' ')}`).toEqual(
          reference,
        )
        expect(conflictSet(hubCopy), `order ${ORDERS[i]!.join(' ')}`).toEqual(referenceConflicts)
        fs.rmSync(hubCopy)
      }
    })
  }
})
