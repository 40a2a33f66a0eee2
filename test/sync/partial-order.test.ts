import fs from 'node:fs'
import path from 'node:path'
import { afterEach, expect, it } from 'vitest'
import type { ProgressEvent } from '../../src/contract/progress'
import { assess, closeAll, deviceIdOf, fileState, open, recordSet, syncWorld } from './fixtures'

afterEach(closeAll)

/**
 * After a receipt, a device's next bundle holds only what is new, so its audit entries continue a
 * chain whose beginning is in an earlier bundle. A hub that gets the later bundle first (here: a copy
 * of the office database from before the first import) keeps those entries waiting, so every chain
 * stays verifiable, and links them in when the earlier bundle arrives.
 */
it('audit entries wait for their predecessors; a bundle pointing to records the hub lacks is refused with advice', async () => {
  const w = await syncWorld()
  const pristine = path.join(w.dir, 'pristine-hub.db')
  fs.copyFileSync(w.hubFile, pristine) // the office as it was before any import

  const a = open(w.aFile)
  const first = await assess(a, { given: 'Amina', rubricId: w.rubricId })
  await a.call('sync.export', { outFile: path.join(w.dir, 'a1.tsb') })
  a.close()
  const hub = open(w.hubFile)
  await hub.call('sync.import', {
    file: path.join(w.dir, 'a1.tsb'),
    trustDevice: true,
    receiptFile: path.join(w.dir, 'a1.receipt'),
  })
  hub.close()

  const a2 = open(w.aFile)
  await a2.call('sync.importReceipt', { file: path.join(w.dir, 'a1.receipt') })
  // New, independent work (with a new assessor) ...
  await assess(a2, { given: 'Bongani', rubricId: w.rubricId, assessor: 'S. Mensah' })
  const independent = await a2.call('sync.export', { outFile: path.join(w.dir, 'a2.tsb') })
  expect(independent.counts).toMatchObject({ learner: 1, assessor: 1, assessment: 1 })
  // ... and a second assessment of Amina, a learner acknowledged with a1 (so not sent again).
  await assess(a2, {
    given: 'Amina',
    rubricId: w.rubricId,
    assessor: 'S. Mensah',
    learnerId: first.learnerId,
  })
  await a2.call('sync.export', { outFile: path.join(w.dir, 'a3.tsb') })
  a2.close()

  const h = open(pristine)
  // a3 points to Amina, whom this copy of the office does not hold: refused, nothing written.
  const before = fileState(pristine)
  await expect(
    h.call('sync.import', { file: path.join(w.dir, 'a3.tsb'), trustDevice: true }),
  ).rejects.toMatchObject({
    code: 'validation',
    issues: expect.arrayContaining([
      expect.objectContaining({
        message: expect.stringMatching(/refers to learner .* neither in this bundle nor held here .*--full/),
      }),
    ]),
  })
  expect(fileState(pristine)).toEqual(before)

  // a2 is independent: accepted, its audit entries wait for a1's; doctor stays green.
  const events: ProgressEvent[] = []
  const r2 = await h.call(
    'sync.import',
    { file: path.join(w.dir, 'a2.tsb'), trustDevice: true },
    { progress: (e) => events.push(e) },
  )
  expect(r2.counts.conflict).toBe(0)
  expect(r2.pendingAuditEntries).toBeGreaterThan(0)
  expect(events.length).toBeGreaterThan(0)
  expect(events.at(-1)).toMatchObject({ step: 'import.apply', done: events.at(-1)!.total })
  expect((await h.call('system.doctor', {})).ok).toBe(true)

  // a1 arrives: the waiting entries are linked in, in chain order; then a3 applies too.
  expect((await h.call('sync.import', { file: path.join(w.dir, 'a1.tsb') })).pendingAuditEntries).toBe(0)
  expect((await h.call('sync.import', { file: path.join(w.dir, 'a3.tsb') })).counts.conflict).toBe(0)
  expect((await h.call('system.doctor', {})).ok).toBe(true)
  h.close()

  const held = new Set(recordSet(pristine, { excludeDevice: deviceIdOf(pristine) }))
  expect(recordSet(w.aFile).filter((x) => !held.has(x))).toEqual([])
})
