import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { countUnacknowledged } from '../../src/core/services/sync-unacknowledged'
import { planFieldExport } from '../../src/core/sync/export'
import { tempDir } from '../helpers/temp-db'
import { assess, closeAll, evidenceBytes, initialized, insertRubric } from './fixtures'

afterEach(closeAll)

/**
 * sync.status counts what the hub has not acknowledged without hashing unacknowledged records
 * (countUnacknowledged); the counts must be exactly what an export would plan.
 */
describe('countUnacknowledged', () => {
  it('counts exactly as planFieldExport plans, with and without acks, current and stale', async () => {
    const t = await initialized(path.join(tempDir(), 'field.db'))
    const { rubricId } = insertRubric(t)
    for (let i = 0; i < 6; i++)
      await assess(t, {
        given: `Learner ${i}`,
        cohort: 'Evening',
        rubricId,
        evidence: evidenceBytes(`e${i}`),
      })
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
})
