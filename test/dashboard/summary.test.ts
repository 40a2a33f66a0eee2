import { describe, expect, it } from 'vitest'
import { isoWeekStart } from '../../src/core/services/dashboard'
import { draft, finalized, world } from '../assessments/fixtures'

const today = () => new Date().toISOString().slice(0, 10)

describe('dashboard.summary', () => {
  it('is all zeros on a fresh database', async () => {
    const w = await world()
    w.sqlite.prepare('DELETE FROM learner').run()
    const s = await w.t.call('dashboard.summary', {})
    expect(s.counts).toEqual({
      learners: 0,
      draftsWaiting: 0,
      assessmentsThisWeek: 0,
      credentialsIssued: 0,
      finalized: 0,
      passed: 0,
    })
    expect(s.passRates).toEqual([])
    expect(s.missedCriteria).toEqual([])
  })

  it('counts drafts, this week, pass rate by achievement and the most often missed criteria', async () => {
    const w = await world()
    await draft(w, today()) // a draft waiting, dated this week
    await finalized(w) // pass: isolation competent (below max), termination expert, housekeeping developing
    await finalized(w, [
      { criterionId: 'isolation', levelId: 'developing' }, // critical minimum failed
      { criterionId: 'termination', levelId: 'expert' },
      { criterionId: 'housekeeping', levelId: 'expert' },
    ])
    const s = await w.t.call('dashboard.summary', {})
    expect(s.counts.learners).toBe(1)
    expect(s.counts.draftsWaiting).toBe(1)
    expect(s.counts.assessmentsThisWeek).toBe(1) // the finalized ones are dated 2026-03-14
    expect(s.counts.finalized).toBe(2)
    expect(s.counts.passed).toBe(1)
    expect(s.passRates).toEqual([
      expect.objectContaining({ name: 'Electrical safety', assessed: 2, passed: 1, passRate: 50 }),
    ])
    expect(s.missedCriteria.map((m) => [m.title, m.assessed, m.belowMax, m.failedMinimum])).toEqual([
      ['Safe isolation', 2, 2, 1],
      ['Housekeeping', 2, 1, 0],
    ])
  })

  it('leaves voided assessments out and limits the criteria list', async () => {
    const w = await world()
    const f = await finalized(w)
    await w.t.call('assessments.void', { id: f.id, reason: 'wrong learner' })
    const s = await w.t.call('dashboard.summary', { topCriteria: 1 })
    expect(s.counts.finalized).toBe(0)
    expect(s.passRates).toEqual([])
    await finalized(w)
    const s2 = await w.t.call('dashboard.summary', { topCriteria: 1 })
    expect(s2.missedCriteria).toHaveLength(1)
  })

  it('counts no credentials before any are issued, and refuses a bad limit', async () => {
    const w = await world()
    const s = await w.t.call('dashboard.summary', {})
    expect(s.counts.credentialsIssued).toBe(0)
    const r = await w.t.dispatch('dashboard.summary', { topCriteria: 0 })
    expect(r.ok).toBe(false)
  })

  it('weeks start on Monday (UTC)', () => {
    expect(isoWeekStart(new Date('2026-11-29T23:00:00Z'))).toBe('2026-11-23') // a Sunday
    expect(isoWeekStart(new Date('2026-11-30T00:00:00Z'))).toBe('2026-11-30') // a Monday
    expect(isoWeekStart(new Date('2026-03-14T12:00:00Z'))).toBe('2026-03-09')
  })
})
