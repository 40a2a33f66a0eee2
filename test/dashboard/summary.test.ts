import Database from 'better-sqlite3'
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

  it('kept figures follow every change: made here, made by another connection, not by a caller', async () => {
    const w = await world()
    await finalized(w)
    const first = await w.t.call('dashboard.summary', {})
    expect(first.counts.finalized).toBe(1)
    // What a caller does to its answer does not reach the next one.
    first.passRates[0]!.assessed = 99
    first.missedCriteria.splice(0)
    const again = await w.t.call('dashboard.summary', {})
    expect(again.passRates[0]?.assessed).toBe(1)
    expect(again.missedCriteria.length).toBeGreaterThan(0)

    await finalized(w, [
      { criterionId: 'isolation', levelId: 'developing' },
      { criterionId: 'termination', levelId: 'expert' },
      { criterionId: 'housekeeping', levelId: 'expert' },
    ])
    const here = await w.t.call('dashboard.summary', {})
    expect([here.counts.finalized, here.counts.passed]).toEqual([2, 1])

    // Another connection (another process, e.g. the CLI) renames the achievement.
    const other = new Database(w.t.ctx.database.file)
    try {
      other.prepare(`UPDATE achievement SET name = 'Electrical safety (2026)'`).run()
    } finally {
      other.close()
    }
    const elsewhere = await w.t.call('dashboard.summary', {})
    expect(elsewhere.passRates.map((r) => r.name)).toEqual(['Electrical safety (2026)'])
  })

  it('weeks start on Monday (UTC)', () => {
    expect(isoWeekStart(new Date('2026-11-29T23:00:00Z'))).toBe('2026-11-23') // a Sunday
    expect(isoWeekStart(new Date('2026-11-30T00:00:00Z'))).toBe('2026-11-30') // a Monday
    expect(isoWeekStart(new Date('2026-03-14T12:00:00Z'))).toBe('2026-03-09')
  })
})
