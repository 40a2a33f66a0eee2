import { describe, expect, it } from 'vitest'
import { insertLearner, insertRubric, passingScores, safetyRubric, world } from './fixtures'

describe('assessments.list', () => {
  it('filters by state, learner, rubric, assessor and date range, newest first, paginated', async () => {
    const w = await world()
    const { t } = w
    const other = insertLearner(w.sqlite, 'Bilal', 'Haddad')
    const second = insertRubric(w.sqlite, safetyRubric, 'First aid')
    const tanaka = await t.call('assessors.add', { name: 'B. Tanaka' })
    const make = async (learnerId: string, rubricId: string, assessorId: string, assessedOn: string) =>
      (await t.call('assessments.create', { learnerId, rubricId, assessorId, assessedOn })).id

    const a1 = await make(w.learnerId, w.rubricId, w.assessorId, '2026-03-01')
    const a2 = await make(w.learnerId, second.rubricId, tanaka.id, '2026-03-10')
    const a3 = await make(other, w.rubricId, w.assessorId, '2026-03-10')
    const a4 = await make(other, second.rubricId, tanaka.id, '2026-02-20')
    await t.call('assessments.saveDraft', { id: a2, scores: passingScores })
    await t.call('assessments.finalize', { id: a2 })
    await t.call('assessments.void', { id: a4, reason: 'Duplicate' })

    const ids = async (input: Parameters<typeof t.call<'assessments.list'>>[1]) =>
      (await t.call('assessments.list', input)).items.map((i) => i.id)
    // Same date: the later-created comes first.
    expect(await ids({})).toEqual([a3, a2, a1, a4])
    expect(await ids({ state: 'draft' })).toEqual([a3, a1])
    expect(await ids({ state: 'finalized' })).toEqual([a2])
    expect(await ids({ state: 'voided' })).toEqual([a4])
    expect(await ids({ learnerId: other })).toEqual([a3, a4])
    expect(await ids({ rubricId: second.rubricId })).toEqual([a2, a4])
    expect(await ids({ rubricVersionId: w.versionId })).toEqual([a3, a1])
    expect(await ids({ assessorId: tanaka.id })).toEqual([a2, a4])
    expect(await ids({ from: '2026-03-01', to: '2026-03-09' })).toEqual([a1])
    expect(await ids({ from: '2026-03-10' })).toEqual([a3, a2])
    expect(await ids({ to: '2026-02-28' })).toEqual([a4])
    expect(await ids({ learnerId: other, state: 'draft' })).toEqual([a3])

    const page = await t.call('assessments.list', { limit: 2, offset: 1 })
    expect(page).toMatchObject({ total: 4, limit: 2, offset: 1 })
    expect(page.items.map((i) => i.id)).toEqual([a2, a1])

    const finalizedItem = (await t.call('assessments.list', { state: 'finalized' })).items[0]
    expect(finalizedItem).toMatchObject({
      learnerName: 'Amina Yusuf',
      rubricName: 'First aid',
      rubricVersion: 1,
      assessorName: 'B. Tanaka',
      passed: true,
      total: 9,
      maxTotal: 12,
      percent: 75,
      supersededById: null,
    })
    const draftItem = (await t.call('assessments.list', { state: 'draft', learnerId: w.learnerId })).items[0]
    expect(draftItem).toMatchObject({ passed: null, percent: null, finalizedAt: null })
  })

  it('shows which assessments were corrected and by which', async () => {
    const w = await world()
    const a = await w.t.call('assessments.create', {
      learnerId: w.learnerId,
      rubricId: w.rubricId,
      assessorId: w.assessorId,
      assessedOn: '2026-03-14',
    })
    await w.t.call('assessments.saveDraft', { id: a.id, scores: passingScores })
    await w.t.call('assessments.finalize', { id: a.id })
    const c = await w.t.call('assessments.correct', { id: a.id })
    const items = (await w.t.call('assessments.list', {})).items
    expect(items.find((i) => i.id === a.id)).toMatchObject({ supersededById: c.id })
    expect(items.find((i) => i.id === c.id)).toMatchObject({ supersedesId: a.id, supersededById: null })
  })

  it('refuses a date range that ends before it starts and an unknown state', async () => {
    const w = await world()
    expect(await w.t.dispatch('assessments.list', { from: '2026-03-10', to: '2026-03-01' })).toMatchObject({
      ok: false,
      error: { code: 'validation', issues: [{ path: ['to'] }] },
    })
    expect(await w.t.dispatch('assessments.list', { state: 'archived' })).toMatchObject({
      ok: false,
      error: { code: 'validation', issues: [{ path: ['state'] }] },
    })
  })
})
