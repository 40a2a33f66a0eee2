import { describe, expect, it } from 'vitest'
import { formatIssuePath } from '../../src/contract/errors'
import { maxTotal, normalizeRubricContent, validateRubricContent } from '../../src/core/domain/rubric'
import type { RubricContent } from '../../src/core/domain/rubric-types'
import { baseContent } from './helpers'

/** The issues of content changed by `edit`, as "path: message" lines. */
function issuesAfter(edit: (c: RubricContent) => void): string[] {
  const c = baseContent()
  edit(c)
  return validateRubricContent(c).map((i) => `${formatIssuePath(i.path)}: ${i.message}`)
}

/** The paths of those issues. */
const pathsAfter = (edit: (c: RubricContent) => void): string[] =>
  issuesAfter(edit).map((l) => l.split(':')[0]!)

const first = (c: RubricContent) => c.criteria[0]!
const second = (c: RubricContent) => c.criteria[1]!

describe('validateRubricContent', () => {
  it('accepts a sound rubric', () => {
    expect(validateRubricContent(baseContent())).toEqual([])
  })

  it('rejects what is not an object', () => {
    expect(validateRubricContent(null)).toEqual([
      { path: [], message: 'must be an object with criteria and passing' },
    ])
    expect(validateRubricContent([])).toHaveLength(1)
  })

  it('needs at least one criterion', () => {
    expect(issuesAfter((c) => (c.criteria = []))).toEqual(['criteria: must have at least 1 criterion'])
  })

  it('needs at least two levels in each criterion', () => {
    expect(pathsAfter((c) => (second(c).levels = second(c).levels.slice(0, 1)))).toEqual([
      'criteria[1].levels',
    ])
  })

  it('needs unique criterion ids', () => {
    expect(issuesAfter((c) => (second(c).id = 'isolation'))).toEqual([
      'criteria[1].id: "isolation" is already the id of criteria[0]',
    ])
  })

  it('needs unique level ids and labels within a criterion, but not across criteria', () => {
    expect(issuesAfter((c) => (second(c).levels[3]!.id = 'developing'))).toEqual([
      'criteria[1].levels[3].id: "developing" is already the id of levels[1] of this criterion',
    ])
    expect(issuesAfter((c) => (second(c).levels[2]!.label = 'DEVELOPING'))).toEqual([
      'criteria[1].levels[2].label: "DEVELOPING" is already the label of levels[1] of this criterion',
    ])
    // The base rubric reuses the same level ids in both criteria: that is fine.
    expect(validateRubricContent(baseContent())).toEqual([])
  })

  it('checks id characters', () => {
    expect(pathsAfter((c) => (first(c).id = 'safe isolation'))).toEqual(['criteria[0].id'])
    expect(pathsAfter((c) => (first(c).levels[0]!.id = ''))).toEqual(['criteria[0].levels[0].id'])
    expect(pathsAfter((c) => (first(c).id = 'x'.repeat(101)))).toEqual(['criteria[0].id'])
  })

  it('needs titles and labels', () => {
    expect(issuesAfter((c) => (first(c).title = '  '))).toEqual(['criteria[0].title: is required'])
    expect(issuesAfter((c) => (first(c).levels[1]!.label = ''))).toEqual([
      'criteria[0].levels[1].label: is required',
    ])
  })

  it.each([
    ['negative', -1],
    ['NaN', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
    ['text', '2' as unknown as number],
  ])('refuses %s points with the exact path', (_name, points) => {
    expect(issuesAfter((c) => (second(c).levels[1]!.points = points))).toEqual([
      'criteria[1].levels[1].points: must be a number ≥ 0',
    ])
  })

  it('refuses points that go down along the levels, and allows equal neighbours', () => {
    expect(issuesAfter((c) => (second(c).levels[2]!.points = 0.5))).toEqual([
      'criteria[1].levels[2].points: levels go from lowest to highest, so points may not go down (0.5 after 1 at levels[1])',
    ])
    expect(issuesAfter((c) => (second(c).levels[1]!.points = 0))).toEqual([])
  })

  it.each([0, -2, Number.NaN])('refuses weight %s', (weight) => {
    expect(issuesAfter((c) => (second(c).weight = weight))).toEqual([
      'criteria[1].weight: must be a number above 0',
    ])
  })

  it('accepts decimal weights and points', () => {
    expect(
      issuesAfter((c) => {
        second(c).weight = 0.5
        second(c).levels[1]!.points = 0.5
      }),
    ).toEqual([])
  })

  it('needs minLevelId exactly when critical, naming one of its own levels above the lowest', () => {
    expect(issuesAfter((c) => (first(c).minLevelId = null))).toEqual([
      'criteria[0].minLevelId: is required for a critical criterion: the lowest level that is good enough',
    ])
    expect(issuesAfter((c) => (first(c).minLevelId = 'excellent'))).toEqual([
      `criteria[0].minLevelId: "excellent" is not one of this criterion's level ids (not-yet, developing, competent, expert)`,
    ])
    expect(issuesAfter((c) => (first(c).minLevelId = 'not-yet'))).toEqual([
      'criteria[0].minLevelId: must be above the lowest level, otherwise every score meets it',
    ])
    expect(issuesAfter((c) => (second(c).minLevelId = 'competent'))).toEqual([
      'criteria[1].minLevelId: only a critical criterion has a minimum level: set critical to true, or minLevelId to null',
    ])
    expect(pathsAfter((c) => ((first(c) as { critical: unknown }).critical = 'yes'))).toEqual([
      'criteria[0].critical',
    ])
  })

  it('checks the passing rule', () => {
    expect(issuesAfter((c) => (c.passing = { minTotal: 101, unit: 'percent' }))).toEqual([
      'passing.minTotal: must be at most 100 (percent)',
    ])
    expect(issuesAfter((c) => (c.passing = { minTotal: -1, unit: 'points' }))).toEqual([
      'passing.minTotal: must be a number ≥ 0',
    ])
    expect(issuesAfter((c) => (c.passing = { minTotal: 5, unit: 'marks' as 'points' }))).toEqual([
      'passing.unit: must be "points" or "percent"',
    ])
    // The maximum is 2×3 + 1×3 = 9 points.
    expect(issuesAfter((c) => (c.passing = { minTotal: 9, unit: 'points' }))).toEqual([])
    expect(issuesAfter((c) => (c.passing = { minTotal: 9.5, unit: 'points' }))).toEqual([
      'passing.minTotal: is above the highest possible total (9 points): no one could pass',
    ])
    expect(issuesAfter((c) => (c.passing = { minTotal: 100, unit: 'percent' }))).toEqual([])
  })

  it('refuses a rule that passes everyone or no one', () => {
    expect(
      issuesAfter((c) => {
        first(c).critical = false
        first(c).minLevelId = null
        c.passing = { minTotal: 0, unit: 'percent' }
      }),
    ).toEqual([
      'passing.minTotal: a minimum of 0 with no critical criterion passes everyone; raise it or mark a criterion critical',
    ])
    // A checklist where only the critical criterion matters is fine.
    expect(issuesAfter((c) => (c.passing = { minTotal: 0, unit: 'percent' }))).toEqual([])
    expect(
      issuesAfter((c) => {
        for (const cr of c.criteria) for (const l of cr.levels) l.points = 0
      }),
    ).toEqual(['passing.minTotal: no one could pass: every level is worth 0 points'])
  })

  it('reports every problem at once', () => {
    const paths = pathsAfter((c) => {
      second(c).id = 'isolation'
      second(c).weight = 0
      second(c).levels[3]!.points = -3
      c.passing.minTotal = 120
    })
    expect(paths).toEqual([
      'criteria[1].id',
      'criteria[1].weight',
      'criteria[1].levels[3].points',
      'passing.minTotal',
    ])
  })
})

describe('maxTotal', () => {
  it('is Σ weight × the highest points, exactly', () => {
    expect(maxTotal(baseContent())).toBe(9)
    const c = baseContent()
    c.criteria[0]!.weight = 0.1
    c.criteria[1]!.weight = 0.2
    c.criteria[1]!.levels[3]!.points = 1
    c.criteria[1]!.levels[2]!.points = 1
    // 0.1×3 + 0.2×1 = 0.5 exactly (binary floating point would give 0.5000000000000001).
    expect(maxTotal(c)).toBe(0.5)
  })
})

describe('normalizeRubricContent', () => {
  it('keeps only known fields, NFC and trimmed', () => {
    const c = baseContent() as RubricContent & { extra?: string }
    c.extra = 'ignored'
    c.criteria[0]!.title = '  Cafe\u0301 safety '
    ;(c.criteria[0]!.levels[0] as unknown as Record<string, unknown>).colour = 'red'
    const n = normalizeRubricContent(c)
    expect(n).not.toHaveProperty('extra')
    expect(n.criteria[0]!.title).toBe('Caf\u00e9 safety')
    expect(Object.keys(n.criteria[0]!.levels[0]!)).toEqual(['id', 'label', 'description', 'points'])
  })
})
