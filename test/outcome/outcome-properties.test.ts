import { describe, expect, it } from 'vitest'
import { computeOutcome, rubricContentProblems, type ScoreInput } from '../../src/core/domain/outcome'
import type { RubricContent, RubricCriterion } from '../../src/core/domain/rubric-types'

/**
 * Property tests over seeded random rubrics. Weights and points have at most 2 decimals, so an
 * independent oracle can compute everything in integers (units of 1/10,000) and be exact.
 * A failure prints its seed; rerun one case with `caseFor(seed)`.
 */

const RUNS = 3000

/** mulberry32: small, deterministic, good enough to spread cases. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Case {
  content: RubricContent
  scores: ScoreInput[]
}

const WEIGHTS = [0, 0.1, 0.25, 0.5, 1, 1, 1, 1.5, 2, 3, 0.7]
const STEPS = [0, 0.1, 0.25, 0.5, 1, 1, 2, 0.3]

function caseFor(seed: number): Case {
  const rand = prng(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1))
  const criteria: RubricCriterion[] = Array.from({ length: int(1, 8) }, (_, i) => {
    let points = pick([0, 0, 0.5, 1])
    const levels = Array.from({ length: int(1, 5) }, (_, j) => {
      if (j > 0) points = round2(points + pick(STEPS))
      return { id: `c${i}l${j}`, label: `L${j}`, description: '', points }
    })
    const critical = rand() < 0.3
    return {
      id: `c${i}`,
      title: `C${i}`,
      description: '',
      weight: pick(WEIGHTS),
      critical,
      minLevelId: critical && rand() < 0.8 ? pick(levels).id : null,
      levels,
    }
  })
  const unit = rand() < 0.5 ? 'points' : 'percent'
  const maxTotal = criteria.reduce((s, c) => s + c.weight * Math.max(...c.levels.map((l) => l.points)), 0)
  const minTotal = unit === 'percent' ? round2(rand() * 100) : round2(rand() * maxTotal)
  const scores: ScoreInput[] = []
  for (const c of criteria) {
    const r = rand()
    if (r < 0.1) continue // never scored
    scores.push({ criterionId: c.id, levelId: r < 0.15 ? null : pick(c.levels).id })
  }
  return { content: { criteria, passing: { unit, minTotal } }, scores: shuffle(scores, rand) }
}

const round2 = (n: number): number => Math.round(n * 100) / 100
const units = (n: number): number => Math.round(n * 100) // exact for ≤ 2 decimals

function shuffle<T>(xs: T[], rand: () => number): T[] {
  const out = [...xs]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/** The oracle: integer arithmetic in 1/10,000 of a point. */
function oracle({ content, scores }: Case) {
  const chosen = new Map(scores.map((s) => [s.criterionId, s.levelId]))
  let total = 0
  let max = 0
  let complete = true
  const criticalFailures: string[] = []
  for (const c of content.criteria) {
    const w = units(c.weight)
    max += w * Math.max(...c.levels.map((l) => units(l.points)))
    const levelId = chosen.get(c.id) ?? null
    const idx = c.levels.findIndex((l) => l.id === levelId)
    if (idx < 0) complete = false
    else total += w * units(c.levels[idx]!.points)
    const minIdx = c.minLevelId ? c.levels.findIndex((l) => l.id === c.minLevelId) : 0
    if (c.critical && idx >= 0 && idx < minIdx) criticalFailures.push(c.id)
  }
  const min = units(content.passing.minTotal)
  const meetsTotal =
    content.passing.unit === 'points'
      ? total >= min * 100
      : max === 0
        ? min === 0
        : total * 100 * 100 >= min * max
  return {
    total: total / 10000,
    max: max / 10000,
    totalUnits: total,
    maxUnits: max,
    complete,
    criticalFailures,
    meetsTotal,
  }
}

function raiseOneLevel(c: Case, criterionIndex: number): Case | null {
  const criterion = c.content.criteria[criterionIndex]!
  const current = c.scores.find((s) => s.criterionId === criterion.id)
  const idx = current ? criterion.levels.findIndex((l) => l.id === current.levelId) : -1
  const next = criterion.levels[idx + 1]
  if (!next) return null
  const scores = c.scores
    .filter((s) => s.criterionId !== criterion.id)
    .concat({ criterionId: criterion.id, levelId: next.id })
  return { content: c.content, scores }
}

describe('computeOutcome properties (seeded random rubrics)', () => {
  it(`agrees with an integer oracle and keeps its invariants over ${RUNS} cases`, () => {
    for (let seed = 1; seed <= RUNS; seed++) {
      const c = caseFor(seed)
      const at = `seed ${seed}`
      expect(rubricContentProblems(c.content), at).toEqual([])
      const o = computeOutcome(c.content, c.scores)
      const want = oracle(c)

      expect(o.passed, at).toBe(o.failedRules.length === 0)
      expect(o.total, at).toBe(want.total)
      expect(o.maxTotal, at).toBe(want.max)
      expect(o.total, at).toBeLessThanOrEqual(o.maxTotal)
      expect(o.total, at).toBeGreaterThanOrEqual(0)
      expect(o.percent, at).toBeGreaterThanOrEqual(0)
      expect(o.percent, at).toBeLessThanOrEqual(100)
      expect(o.complete, at).toBe(want.complete)
      expect(
        o.failedRules.some((r) => r.rule === 'incomplete'),
        at,
      ).toBe(!want.complete)
      expect(
        o.failedRules.some((r) => r.rule === 'min_total'),
        at,
      ).toBe(!want.meetsTotal)
      expect(
        o.failedRules.flatMap((r) => (r.rule === 'critical_criterion' ? [r.criterionId] : [])),
        at,
      ).toEqual(want.criticalFailures)
      expect(o.passed, at).toBe(want.complete && want.meetsTotal && want.criticalFailures.length === 0)
      expect(
        o.criteria.map((x) => x.criterionId),
        at,
      ).toEqual(c.content.criteria.map((x) => x.id))
      // The per-criterion breakdown adds up to the total (in exact units).
      expect(
        o.criteria.reduce((s, x) => s + Math.round(x.weighted * 10000), 0),
        at,
      ).toBe(want.totalUnits)
      // Displayed percent is the exact percent truncated to 2 decimals.
      if (want.maxUnits > 0) {
        const exactHundredths = Math.floor((want.totalUnits * 10000) / want.maxUnits)
        expect(Math.round(o.percent * 100), at).toBe(exactHundredths)
      }
    }
  })

  it('raising any one level never lowers the total and never turns a pass into a fail', () => {
    for (let seed = 1; seed <= RUNS; seed++) {
      const c = caseFor(seed)
      const before = computeOutcome(c.content, c.scores)
      c.content.criteria.forEach((_, i) => {
        const raised = raiseOneLevel(c, i)
        if (!raised) return
        const after = computeOutcome(raised.content, raised.scores)
        const at = `seed ${seed}, criterion ${i}`
        expect(after.total, at).toBeGreaterThanOrEqual(before.total)
        expect(after.percent, at).toBeGreaterThanOrEqual(before.percent)
        if (before.passed) expect(after.passed, at).toBe(true)
        // Scoring an unscored criterion may reveal a critical failure; raising a scored one may not add one.
        if (before.criteria[i]?.levelId === null) return
        const criticalBefore = before.failedRules.filter((r) => r.rule === 'critical_criterion').length
        expect(
          after.failedRules.filter((r) => r.rule === 'critical_criterion').length,
          at,
        ).toBeLessThanOrEqual(criticalBefore)
      })
    }
  })

  it('the order of the scores does not matter', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const c = caseFor(seed)
      expect(computeOutcome(c.content, [...c.scores].reverse()), `seed ${seed}`).toEqual(
        computeOutcome(c.content, c.scores),
      )
    }
  })
})
