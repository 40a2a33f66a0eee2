import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { countExportable, countUnacknowledged } from '../../src/core/services/sync-unacknowledged'
import { planFieldExport } from '../../src/core/sync/export'
import { recordHash } from '../../src/core/sync/columns'
import { kindByName, kindsFor } from '../../src/core/sync/record-kinds'
import type { Tessera } from '../../src/core/app'
import { tempDir } from '../helpers/temp-db'
import { assess, closeAll, evidenceBytes, initialized, insertRubric } from './fixtures'

afterEach(closeAll)

/** A field installation with `n` finalized assessments, each with one evidence file. */
async function fieldWithAssessed(n: number, evidenceTag: string) {
  const t = await initialized(path.join(tempDir(), 'field.db'))
  const { rubricId } = insertRubric(t)
  for (let i = 0; i < n; i++)
    await assess(t, {
      given: `Learner ${i}`,
      cohort: 'Evening',
      rubricId,
      evidence: evidenceBytes(`${evidenceTag}${i}`),
    })
  return { t, rubricId }
}

/** A draft assessment of `learnerId` with one evidence file: neither may leave yet. */
async function draftWithEvidence(t: Tessera, learnerId: string, rubricId: string) {
  const assessor = await t.call('assessors.findOrCreate', { name: 'R. Okafor' })
  const draft = await t.call('assessments.create', {
    learnerId,
    rubricId,
    assessorId: assessor.id,
    assessedOn: '2026-03-14',
  })
  const evidence = await t.call('evidence.add', {
    assessmentId: draft.id,
    filename: 'draft.png',
    mediaType: 'image/png',
    dataBase64: evidenceBytes('draft').toString('base64'),
  })
  return { draft, evidence }
}

/**
 * sync.status counts what the hub has not acknowledged without hashing unacknowledged records
 * (countUnacknowledged); the counts must be exactly what an export would plan.
 */
describe('countUnacknowledged', () => {
  it('counts exactly as planFieldExport plans, with and without acks, current and stale', async () => {
    const { t } = await fieldWithAssessed(6, 'e')
    const sqlite = t.ctx.database.sqlite
    const expected = () => {
      const plan = planFieldExport(sqlite, { full: false, withoutEvidence: false })
      return { counts: plan.counts, records: plan.records.length, blobs: plan.blobs.length }
    }
    const nothingAcked = expected()
    expect(nothingAcked.records).toBeGreaterThan(20)
    expect(nothingAcked.blobs).toBe(6)
    expect(countUnacknowledged(sqlite)).toEqual(nothingAcked)

    // Acks for every other record: half with the current hash (acknowledged), half with a stale one
    // (changed since: still to send), and for some evidence files.
    const ack = sqlite.prepare(
      `INSERT INTO sync_ack (kind, record_id, hash, status, acked_at) VALUES (?, ?, ?, 'accepted', '2026-03-15T00:00:00Z')`,
    )
    const all = planFieldExport(sqlite, { full: true, withoutEvidence: false })
    all.records.forEach((r, i) => {
      if (i % 2 === 0) ack.run(r.kind, r.id, i % 4 === 0 ? r.sha256 : 'f'.repeat(64))
    })
    all.blobs.forEach((b, i) => {
      if (i < 3) ack.run('blob', b.sha256, i === 0 ? 'e'.repeat(64) : b.sha256)
    })
    const someAcked = expected()
    expect(someAcked.records).toBeLessThan(nothingAcked.records)
    expect(someAcked.records).toBeGreaterThan(0)
    expect(someAcked.blobs).toBe(4)
    expect(countUnacknowledged(sqlite)).toEqual(someAcked)

    // A change after the acks: the edited learner's ack no longer holds its hash.
    const learner = all.records.find((r, i) => r.kind === 'learner' && i % 4 === 0)!
    await t.call('learners.update', { id: learner.id, givenName: 'Renamed' })
    const afterEdit = expected()
    expect(afterEdit.records).toBeGreaterThan(someAcked.records)
    expect(countUnacknowledged(sqlite)).toEqual(afterEdit)
  })

  it('counts each kind with SQLite exactly as many records as loadExportable returns', async () => {
    const { t, rubricId } = await fieldWithAssessed(3, 'f')
    // A draft with evidence (neither leaves yet), a voided assessment, a learner edit, a removal
    // from a cohort: every kind's table holds rows that are exported and rows that are not.
    const learner = await t.call('learners.add', {
      givenName: 'Drafted',
      familyName: '',
      cohorts: ['Evening'],
    })
    await draftWithEvidence(t, learner.id, rubricId)
    const voided = await assess(t, { given: 'Voided', rubricId })
    await t.call('assessments.void', { id: voided.assessmentId, reason: 'wrong learner' })
    await t.call('learners.update', { id: learner.id, givenName: 'Renamed' })
    const evening = (await t.call('cohorts.list', {})).find((c) => c.name === 'Evening')!
    await t.call('cohorts.removeLearners', { cohortId: evening.id, learnerIds: [learner.id] })
    const sqlite = t.ctx.database.sqlite
    const kinds = kindsFor(sqlite)
    const sizes = Object.fromEntries(kinds.map((k) => [k.name, k.loadExportable(sqlite).size]))
    expect(sizes.assessment).toBeGreaterThan(0)
    expect(sizes.evidence).toBe(3)
    expect(sizes.tombstone).toBe(1)
    expect(Object.fromEntries(kinds.map((k) => [k.name, countExportable(sqlite, k)]))).toEqual(sizes)
  })

  it('counts exactly when acks name records that cannot leave yet or are not held', async () => {
    const t = await initialized(path.join(tempDir(), 'field.db'))
    const { rubricId } = insertRubric(t)
    await assess(t, { given: 'Signed', rubricId, evidence: evidenceBytes('signed') })
    const learner = await t.call('learners.add', { givenName: 'Drafted', familyName: '' })
    const { draft, evidence } = await draftWithEvidence(t, learner.id, rubricId)
    const sqlite = t.ctx.database.sqlite
    const ack = sqlite.prepare(
      `INSERT INTO sync_ack (kind, record_id, hash, status, acked_at) VALUES (?, ?, ?, 'accepted', '2026-03-15T00:00:00Z')`,
    )
    // Every exportable record acked as held now; then the draft and its evidence with the hash
    // they hold (still not exportable), and a learner this device does not hold.
    for (const r of planFieldExport(sqlite, { full: true, withoutEvidence: false }).records)
      ack.run(r.kind, r.id, r.sha256)
    for (const [kind, id] of [
      ['assessment', draft.id],
      ['evidence', evidence.id],
    ] as const)
      ack.run(kind, id, recordHash(kindByName(kind)!.loadHeld(sqlite, id)!))
    ack.run('learner', 'not-held-here', 'a'.repeat(64))
    const plan = planFieldExport(sqlite, { full: false, withoutEvidence: false })
    expect(plan.records.length).toBe(0)
    expect(countUnacknowledged(sqlite)).toEqual({
      counts: plan.counts,
      records: plan.records.length,
      blobs: plan.blobs.length,
    })
  })
})
