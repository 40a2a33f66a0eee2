import { describe, expect, it } from 'vitest'
import { computeOutcome, rubricContentProblems, type ScoreInput } from '../../src/core/domain/outcome'
import type { RubricContent } from '../../src/core/domain/rubric-types'
import { criterion, fourLevels, rubric } from './rubric-builders'

const score = (criterionId: string, levelId: string | null): ScoreInput => ({ criterionId, levelId })

/** Ten criteria of weight 1 with levels worth 0 / 0.5 / 1: max 10, so points and percent are easy to read. */
const tenHalfPointCriteria = (passing: RubricContent['passing']): RubricContent =>
  rubric(
    Array.from({ length: 10 }, (_, i) =>
      criterion(`c${i}`, [
        ['none', 0],
        ['half', 0.5],
        ['full', 1],
      ]),
    ),
    passing,
  )

/** Scores reaching `total` on the ten-criteria rubric (multiples of 0.5). */
function scoresTotalling(total: number): ScoreInput[] {
  let remaining = total
  return Array.from({ length: 10 }, (_, i) => {
    const level = remaining >= 1 ? 'full' : remaining >= 0.5 ? 'half' : 'none'
    remaining -= level === 'full' ? 1 : level === 'half' ? 0.5 : 0
    return score(`c${i}`, level)
  })
}

describe('computeOutcome: totals', () => {
  it('adds level points per criterion and reports every criterion in rubric order', () => {
    const content = rubric(
      [criterion('a', fourLevels), criterion('b', fourLevels), criterion('c', fourLevels)],
      {
        minTotal: 5,
        unit: 'points',
      },
    )
    const o = computeOutcome(content, [score('c', 'expert'), score('a', 'competent'), score('b', 'not-yet')])
    expect(o).toEqual({
      total: 5,
      maxTotal: 9,
      percent: 55.55,
      passed: true,
      complete: true,
      failedRules: [],
      criteria: [
        { criterionId: 'a', levelId: 'competent', points: 2, weighted: 2, maxWeighted: 3, metMinimum: true },
        { criterionId: 'b', levelId: 'not-yet', points: 0, weighted: 0, maxWeighted: 3, metMinimum: true },
        { criterionId: 'c', levelId: 'expert', points: 3, weighted: 3, maxWeighted: 3, metMinimum: true },
      ],
    })
  })

  it('multiplies points by weights, including fractional weights and points', () => {
    const content = rubric(
      [
        criterion('safety', fourLevels, { weight: 2 }),
        criterion(
          'finish',
          [
            ['poor', 0],
            ['ok', 0.5],
            ['good', 1.5],
          ],
          { weight: 1.5 },
        ),
        criterion('tidy', fourLevels, { weight: 0.5 }),
      ],
      { minTotal: 0, unit: 'points' },
    )
    const o = computeOutcome(content, [
      score('safety', 'competent'),
      score('finish', 'ok'),
      score('tidy', 'expert'),
    ])
    // 2×2 + 1.5×0.5 + 0.5×3 = 4 + 0.75 + 1.5
    expect(o.total).toBe(6.25)
    // 2×3 + 1.5×1.5 + 0.5×3 = 6 + 2.25 + 1.5
    expect(o.maxTotal).toBe(9.75)
    expect(o.percent).toBe(64.1) // 64.102...% truncated
    expect(o.criteria.map((c) => [c.weighted, c.maxWeighted])).toEqual([
      [4, 6],
      [0.75, 2.25],
      [1.5, 1.5],
    ])
  })

  it('uses the highest level points of a criterion for its maximum', () => {
    const content = rubric(
      [
        criterion('a', [
          ['low', 1],
          ['mid', 1],
          ['high', 4],
        ]),
      ],
      { minTotal: 0, unit: 'points' },
    )
    expect(computeOutcome(content, [score('a', 'low')]).maxTotal).toBe(4)
  })

  it('a weight of 0 makes a criterion count for nothing but it must still be scored', () => {
    const content = rubric([criterion('a', fourLevels), criterion('note', fourLevels, { weight: 0 })], {
      minTotal: 100,
      unit: 'percent',
    })
    const full = computeOutcome(content, [score('a', 'expert'), score('note', 'not-yet')])
    expect(full).toMatchObject({ total: 3, maxTotal: 3, percent: 100, passed: true })
    const missing = computeOutcome(content, [score('a', 'expert')])
    expect(missing.passed).toBe(false)
    expect(missing.failedRules).toEqual([{ rule: 'incomplete', missingCriterionIds: ['note'] }])
  })
})

describe('computeOutcome: minimum total in points', () => {
  const content = tenHalfPointCriteria({ minTotal: 7, unit: 'points' })

  it.each([
    [6.5, false],
    [7, true],
    [7.5, true],
  ])('total %d against a minimum of 7 points: passed %s', (total, passed) => {
    const o = computeOutcome(content, scoresTotalling(total))
    expect(o.total).toBe(total)
    expect(o.passed).toBe(passed)
    expect(o.failedRules).toEqual(
      passed ? [] : [{ rule: 'min_total', unit: 'points', required: 7, actual: total }],
    )
  })

  it('a fractional minimum is met exactly at the boundary', () => {
    const half = tenHalfPointCriteria({ minTotal: 6.5, unit: 'points' })
    expect(computeOutcome(half, scoresTotalling(6)).passed).toBe(false)
    expect(computeOutcome(half, scoresTotalling(6.5)).passed).toBe(true)
  })
})

describe('computeOutcome: minimum total in percent', () => {
  const content = tenHalfPointCriteria({ minTotal: 70, unit: 'percent' })

  it.each([
    [6.5, 65, false],
    [7, 70, true],
    [7.5, 75, true],
    [10, 100, true],
    [0, 0, false],
  ])('total %d (%d %%) against 70 %%: passed %s', (total, percent, passed) => {
    const o = computeOutcome(content, scoresTotalling(total))
    expect(o.percent).toBe(percent)
    expect(o.passed).toBe(passed)
    expect(o.failedRules).toEqual(
      passed ? [] : [{ rule: 'min_total', unit: 'percent', required: 70, actual: percent }],
    )
  })

  it('a percent that does not divide evenly is compared exactly, not rounded', () => {
    // 1 of 3 points is 33.333...%
    const third = (min: number) =>
      rubric(
        [
          criterion('a', [
            ['x', 0],
            ['y', 1],
          ]),
          criterion('b', [
            ['x', 0],
            ['y', 1],
          ]),
          criterion('c', [
            ['x', 0],
            ['y', 1],
          ]),
        ],
        { minTotal: min, unit: 'percent' },
      )
    const scores = [score('a', 'y'), score('b', 'x'), score('c', 'x')]
    expect(computeOutcome(third(33.33), scores).passed).toBe(true)
    expect(computeOutcome(third(33.333333), scores).passed).toBe(true)
    const above = computeOutcome(third(33.34), scores)
    expect(above.passed).toBe(false)
    expect(above.percent).toBe(33.33)
    // Two thirds is 66.666...%: shown truncated (66.66), never rounded up to 66.67.
    const twoThirds = computeOutcome(third(66.67), [score('a', 'y'), score('b', 'y'), score('c', 'x')])
    expect(twoThirds.percent).toBe(66.66)
    expect(twoThirds.failedRules).toEqual([
      { rule: 'min_total', unit: 'percent', required: 66.67, actual: 66.66 },
    ])
  })

  it('just below 70 % is shown as below 70, never as a misleading 70', () => {
    // 69.996 of 100 points
    const content2 = rubric(
      [
        criterion('big', [
          ['x', 0],
          ['y', 69.996],
        ]),
        criterion('rest', [
          ['x', 0],
          ['y', 30.004],
        ]),
      ],
      { minTotal: 70, unit: 'percent' },
    )
    const o = computeOutcome(content2, [score('big', 'y'), score('rest', 'x')])
    expect(o.passed).toBe(false)
    expect(o.percent).toBe(69.99)
    expect(o.failedRules).toEqual([{ rule: 'min_total', unit: 'percent', required: 70, actual: 69.99 }])
  })
})

describe('computeOutcome: floating point', () => {
  it('0.7 + 0.1 reaches a minimum of 0.8 points (in binary floating point it is 0.7999999999999999)', () => {
    expect(0.7 + 0.1 < 0.8).toBe(true) // the trap this guards against
    const content = rubric(
      [
        criterion(
          'a',
          [
            ['no', 0],
            ['yes', 1],
          ],
          { weight: 0.7 },
        ),
        criterion(
          'b',
          [
            ['no', 0],
            ['yes', 1],
          ],
          { weight: 0.1 },
        ),
      ],
      { minTotal: 0.8, unit: 'points' },
    )
    const o = computeOutcome(content, [score('a', 'yes'), score('b', 'yes')])
    expect(o.total).toBe(0.8)
    expect(o.passed).toBe(true)
  })

  it('an exact 80 % made of awkward decimals passes an 80 % rule', () => {
    // total 0.7 + 0.1 = 0.8, max 0.7 + 0.1 + 0.2 = 1.0, both inexact in binary
    const yesNo: [string, number][] = [
      ['no', 0],
      ['yes', 1],
    ]
    const content = rubric(
      [
        criterion('a', yesNo, { weight: 0.7 }),
        criterion('b', yesNo, { weight: 0.1 }),
        criterion('c', yesNo, { weight: 0.2 }),
      ],
      { minTotal: 80, unit: 'percent' },
    )
    const o = computeOutcome(content, [score('a', 'yes'), score('b', 'yes'), score('c', 'no')])
    expect(o).toMatchObject({ total: 0.8, maxTotal: 1, percent: 80, passed: true })
  })

  it('0.57 of 1 point is exactly 57 % (0.57 × 100 is 56.99999999999999 in floating point)', () => {
    expect(0.57 * 100 < 57).toBe(true) // the trap this guards against
    const content = rubric(
      [
        criterion('a', [
          ['none', 0],
          ['most', 0.57],
          ['all', 1],
        ]),
      ],
      { minTotal: 57, unit: 'percent' },
    )
    expect(computeOutcome(content, [score('a', 'most')])).toMatchObject({
      percent: 57,
      passed: true,
      failedRules: [],
    })
  })

  it('weights of 1.5 with half points are exact at a 70 % boundary', () => {
    // 4 criteria, weight 1.5, levels 0 / 0.5 / 1 / 1.5 / 2.5: max 4 × 1.5 × 2.5 = 15; 70% = 10.5
    const levels: [string, number][] = [
      ['l0', 0],
      ['l1', 0.5],
      ['l2', 1],
      ['l3', 1.5],
      ['l4', 2.5],
    ]
    const content = rubric(
      ['a', 'b', 'c', 'd'].map((id) => criterion(id, levels, { weight: 1.5 })),
      { minTotal: 70, unit: 'percent' },
    )
    // 1.5 × (2.5 + 2.5 + 1.5 + 0.5) = 10.5 exactly 70 %
    const at = computeOutcome(content, [
      score('a', 'l4'),
      score('b', 'l4'),
      score('c', 'l3'),
      score('d', 'l1'),
    ])
    expect(at).toMatchObject({ total: 10.5, maxTotal: 15, percent: 70, passed: true })
    // 1.5 × (2.5 + 2.5 + 1.5 + 0) = 9.75 = 65 %
    const below = computeOutcome(content, [
      score('a', 'l4'),
      score('b', 'l4'),
      score('c', 'l3'),
      score('d', 'l0'),
    ])
    expect(below).toMatchObject({ total: 9.75, percent: 65, passed: false })
  })

  it('sums of many tenths stay exact', () => {
    const content = rubric(
      Array.from({ length: 30 }, (_, i) =>
        criterion(`c${i}`, [
          ['no', 0],
          ['yes', 0.1],
        ]),
      ),
      { minTotal: 3, unit: 'points' },
    )
    const all = Array.from({ length: 30 }, (_, i) => score(`c${i}`, 'yes'))
    const o = computeOutcome(content, all)
    expect(o.total).toBe(3)
    expect(o.passed).toBe(true)
    expect(computeOutcome(content, all.slice(1).concat(score('c0', 'no'))).passed).toBe(false)
  })
})

describe('computeOutcome: critical criteria', () => {
  const content = rubric(
    [
      criterion('safety', fourLevels, { critical: true, minLevelId: 'competent', title: 'Works safely' }),
      criterion('quality', fourLevels),
    ],
    { minTotal: 3, unit: 'points' },
  )

  it('at its minimum level passes', () => {
    const o = computeOutcome(content, [score('safety', 'competent'), score('quality', 'developing')])
    expect(o.passed).toBe(true)
    expect(o.criteria[0]?.metMinimum).toBe(true)
  })

  it('above its minimum level passes', () => {
    expect(computeOutcome(content, [score('safety', 'expert'), score('quality', 'not-yet')]).passed).toBe(
      true,
    )
  })

  it('below its minimum fails even though the total passes, naming the criterion and both levels', () => {
    const o = computeOutcome(content, [score('safety', 'developing'), score('quality', 'expert')])
    expect(o.total).toBe(4)
    expect(o.passed).toBe(false)
    expect(o.criteria[0]?.metMinimum).toBe(false)
    expect(o.failedRules).toEqual([
      {
        rule: 'critical_criterion',
        criterionId: 'safety',
        criterionTitle: 'Works safely',
        requiredLevelId: 'competent',
        requiredLevelLabel: 'COMPETENT',
        achievedLevelId: 'developing',
        achievedLevelLabel: 'DEVELOPING',
      },
    ])
  })

  it('reports both rules when the critical criterion and the total fail', () => {
    const o = computeOutcome(content, [score('safety', 'not-yet'), score('quality', 'developing')])
    expect(o.failedRules.map((r) => r.rule)).toEqual(['critical_criterion', 'min_total'])
    expect(o.failedRules[1]).toEqual({ rule: 'min_total', unit: 'points', required: 3, actual: 1 })
  })

  it('the order of levels decides "at or above", not their points', () => {
    const tied = rubric(
      [
        criterion(
          'safety',
          [
            ['unsafe', 0],
            ['supervised', 1],
            ['independent', 1],
            ['mentor', 2],
          ],
          { critical: true, minLevelId: 'independent' },
        ),
      ],
      { minTotal: 0, unit: 'points' },
    )
    expect(computeOutcome(tied, [score('safety', 'supervised')]).failedRules.map((r) => r.rule)).toEqual([
      'critical_criterion',
    ])
    expect(computeOutcome(tied, [score('safety', 'independent')]).passed).toBe(true)
  })

  it('a critical criterion without a minimum level only has to be scored', () => {
    const noMin = rubric([criterion('safety', fourLevels, { critical: true, minLevelId: null })], {
      minTotal: 0,
      unit: 'points',
    })
    expect(computeOutcome(noMin, [score('safety', 'not-yet')]).passed).toBe(true)
    const unscored = computeOutcome(noMin, [])
    expect(unscored.failedRules).toEqual([{ rule: 'incomplete', missingCriterionIds: ['safety'] }])
    expect(unscored.criteria[0]?.metMinimum).toBe(false)
  })

  it('an unscored critical criterion is incomplete, not failed', () => {
    const o = computeOutcome(content, [score('quality', 'expert')])
    expect(o.failedRules).toEqual([{ rule: 'incomplete', missingCriterionIds: ['safety'] }])
    expect(o.criteria[0]?.metMinimum).toBe(false)
  })

  it('reports every failing critical criterion in rubric order', () => {
    const two = rubric(
      [
        criterion('b', fourLevels, { critical: true, minLevelId: 'developing' }),
        criterion('a', fourLevels, { critical: true, minLevelId: 'expert' }),
      ],
      { minTotal: 0, unit: 'points' },
    )
    const o = computeOutcome(two, [score('a', 'competent'), score('b', 'not-yet')])
    expect(o.failedRules.map((r) => (r.rule === 'critical_criterion' ? r.criterionId : r.rule))).toEqual([
      'b',
      'a',
    ])
  })
})

describe('computeOutcome: incomplete scoring', () => {
  const content = rubric(
    [criterion('a', fourLevels), criterion('b', fourLevels), criterion('c', fourLevels)],
    {
      minTotal: 0,
      unit: 'points',
    },
  )

  it('lists unscored criteria (missing or null) in rubric order and never passes', () => {
    const o = computeOutcome(content, [score('c', null), score('b', 'expert')])
    expect(o).toMatchObject({ total: 3, complete: false, passed: false })
    expect(o.failedRules).toEqual([{ rule: 'incomplete', missingCriterionIds: ['a', 'c'] }])
    expect(o.criteria.map((c) => c.levelId)).toEqual([null, 'expert', null])
  })

  it('with no scores at all', () => {
    const o = computeOutcome(content, [])
    expect(o).toMatchObject({ total: 0, maxTotal: 9, percent: 0, complete: false, passed: false })
    expect(o.failedRules).toEqual([{ rule: 'incomplete', missingCriterionIds: ['a', 'b', 'c'] }])
  })

  it('a provisional total is still checked against the minimum', () => {
    const strict = rubric(content.criteria, { minTotal: 5, unit: 'points' })
    const o = computeOutcome(strict, [score('a', 'expert')])
    expect(o.failedRules).toEqual([
      { rule: 'incomplete', missingCriterionIds: ['b', 'c'] },
      { rule: 'min_total', unit: 'points', required: 5, actual: 3 },
    ])
  })
})

describe('computeOutcome: zero-maximum rubric', () => {
  // A checklist where no level earns points: only critical criteria decide.
  const zeroLevels: [string, number][] = [
    ['not-yet', 0],
    ['competent', 0],
  ]
  const zero = (passing: RubricContent['passing']) =>
    rubric(
      [criterion('a', zeroLevels, { critical: true, minLevelId: 'competent' }), criterion('b', zeroLevels)],
      passing,
    )
  const all = [score('a', 'competent'), score('b', 'not-yet')]

  it('reports 0 of 0 as 0 % without dividing by zero', () => {
    const o = computeOutcome(zero({ minTotal: 0, unit: 'percent' }), all)
    expect(o).toMatchObject({ total: 0, maxTotal: 0, percent: 0, passed: true })
    expect(Number.isFinite(o.percent)).toBe(true)
  })

  it('passes a minimum of 0 (points or percent) and fails any positive minimum', () => {
    expect(computeOutcome(zero({ minTotal: 0, unit: 'points' }), all).passed).toBe(true)
    expect(computeOutcome(zero({ minTotal: 50, unit: 'percent' }), all).failedRules).toEqual([
      { rule: 'min_total', unit: 'percent', required: 50, actual: 0 },
    ])
    expect(computeOutcome(zero({ minTotal: 1, unit: 'points' }), all).failedRules).toEqual([
      { rule: 'min_total', unit: 'points', required: 1, actual: 0 },
    ])
  })

  it('critical criteria still decide', () => {
    const o = computeOutcome(zero({ minTotal: 0, unit: 'percent' }), [
      score('a', 'not-yet'),
      score('b', 'competent'),
    ])
    expect(o.failedRules.map((r) => r.rule)).toEqual(['critical_criterion'])
  })
})

describe('computeOutcome: unknown ids and bad input', () => {
  const content = rubric([criterion('a', fourLevels), criterion('b', fourLevels)], {
    minTotal: 0,
    unit: 'points',
  })

  it('a level the criterion lacks counts as unscored and is reported', () => {
    const o = computeOutcome(content, [score('a', 'outstanding'), score('b', 'expert')])
    expect(o).toMatchObject({ total: 3, complete: false, passed: false })
    expect(o.failedRules).toEqual([{ rule: 'unknown_level', criterionId: 'a', levelId: 'outstanding' }])
    expect(o.criteria[0]).toMatchObject({ levelId: null, points: 0, weighted: 0 })
  })

  it('a level id of another criterion is unknown for this one', () => {
    const other = rubric([criterion('a', [['yes', 1]]), criterion('b', [['ok', 1]])], {
      minTotal: 0,
      unit: 'points',
    })
    expect(computeOutcome(other, [score('a', 'ok'), score('b', 'ok')]).failedRules).toEqual([
      { rule: 'unknown_level', criterionId: 'a', levelId: 'ok' },
    ])
  })

  it('a criterion the rubric lacks is ignored and reported once', () => {
    const o = computeOutcome(content, [
      score('a', 'expert'),
      score('b', 'expert'),
      score('zzz', 'expert'),
      score('zzz', null),
    ])
    expect(o.total).toBe(6)
    expect(o.complete).toBe(true)
    expect(o.failedRules).toEqual([{ rule: 'unknown_criterion', criterionId: 'zzz' }])
  })

  it('a criterion scored twice is reported; the last score counts', () => {
    const o = computeOutcome(content, [score('a', 'expert'), score('b', 'expert'), score('a', 'not-yet')])
    expect(o.total).toBe(3)
    expect(o.failedRules).toEqual([{ rule: 'duplicate_score', criterionId: 'a' }])
  })

  it('an unusable rubric never passes and says why', () => {
    const broken: RubricContent = rubric(
      [
        criterion('a', [
          ['x', 2],
          ['y', 1],
        ]),
        criterion('a', fourLevels, { weight: -1 }),
        criterion('c', fourLevels, { critical: true, minLevelId: 'missing' }),
        criterion('d', [['x', Number.NaN]]),
        criterion('e', []),
      ],
      { minTotal: 0, unit: 'points' },
    )
    const o = computeOutcome(broken, [])
    expect(o.passed).toBe(false)
    const invalid = o.failedRules.find((r) => r.rule === 'invalid_rubric')
    expect(invalid && 'problems' in invalid ? invalid.problems : []).toEqual([
      'criterion 1 (a), level y: levels go from lowest to highest, so points may not decrease',
      'criterion 2 (a): duplicate criterion id',
      'criterion 2 (a): weight must be a number ≥ 0',
      'criterion 3 (c): minimum level missing is not one of its levels',
      'criterion 4 (d), level x: points must be a number ≥ 0',
      'criterion 5 (e): has no levels',
    ])
  })

  it('an unusable passing rule is reported', () => {
    expect(
      rubricContentProblems(rubric([criterion('a', fourLevels)], { minTotal: 120, unit: 'percent' })),
    ).toEqual(['the passing minimum cannot be above 100 %'])
    expect(
      rubricContentProblems(rubric([criterion('a', fourLevels)], { minTotal: -1, unit: 'points' })),
    ).toEqual(['the passing minimum must be a number ≥ 0'])
    expect(rubricContentProblems({ criteria: [], passing: { minTotal: 0, unit: 'points' } })).toEqual([
      'the rubric has no criteria',
    ])
    const noCriteria = computeOutcome({ criteria: [], passing: { minTotal: 0, unit: 'points' } }, [])
    expect(noCriteria).toMatchObject({ passed: false, total: 0, maxTotal: 0, percent: 0 })
  })

  it('does not change its inputs and gives the same answer every time', () => {
    const frozen = structuredClone(content)
    const scores = Object.freeze([
      Object.freeze(score('a', 'expert')),
      Object.freeze(score('b', 'developing')),
    ])
    deepFreeze(frozen)
    const first = computeOutcome(frozen, scores)
    expect(computeOutcome(frozen, scores)).toEqual(first)
    expect(frozen).toEqual(content)
  })
})

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    Object.values(v).forEach(deepFreeze)
    Object.freeze(v)
  }
  return v
}
