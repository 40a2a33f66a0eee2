import { describe, expect, it } from 'vitest'
import { diffRubricContent } from '../../src/core/domain/rubric'
import type { RubricContent } from '../../src/core/domain/rubric-types'
import { baseContent } from './helpers'

const messages = (edit: (c: RubricContent) => void): string[] => {
  const after = baseContent()
  edit(after)
  return diffRubricContent(baseContent(), after).map((c) => c.message)
}

describe('diffRubricContent', () => {
  it('is empty for identical content', () => {
    expect(diffRubricContent(baseContent(), baseContent())).toEqual([])
  })

  it('names added and removed criteria', () => {
    expect(
      messages((c) =>
        c.criteria.push({
          id: 'load',
          title: 'Load handling',
          description: '',
          weight: 1.5,
          critical: true,
          minLevelId: 'competent',
          levels: structuredClone(c.criteria[0]!.levels),
        }),
      ),
    ).toEqual(["criterion 'Load handling' added (weight 1.5, 4 levels, critical (minimum 'Competent'))"])
    expect(messages((c) => c.criteria.pop())).toEqual(["criterion 'Cable termination' removed"])
  })

  it('names field changes of a criterion', () => {
    expect(
      messages((c) => {
        const t = c.criteria[1]!
        t.title = 'Terminations'
        t.description = 'Terminates and dresses cables'
        t.weight = 2
      }),
    ).toEqual([
      "criterion 'Cable termination' renamed to 'Terminations'",
      "criterion 'Terminations': description changed",
      "criterion 'Terminations': weight changed from 1 to 2",
    ])
  })

  it('names changes to critical flags and minimum levels', () => {
    expect(messages((c) => ((c.criteria[0]!.critical = false), (c.criteria[0]!.minLevelId = null)))).toEqual([
      "criterion 'Safe isolation' is no longer critical",
    ])
    expect(
      messages((c) => ((c.criteria[1]!.critical = true), (c.criteria[1]!.minLevelId = 'developing'))),
    ).toEqual(["criterion 'Cable termination' is now critical (minimum 'Developing')"])
    expect(messages((c) => (c.criteria[0]!.minLevelId = 'expert'))).toEqual([
      "criterion 'Safe isolation': minimum level changed from 'Competent' to 'Expert'",
    ])
  })

  it('names level changes', () => {
    const changes = (() => {
      const after = baseContent()
      const levels = after.criteria[1]!.levels
      levels[3]!.points = 4
      levels[2]!.label = 'Competent (unaided)'
      levels[1]!.description = 'Needs some help'
      levels.splice(0, 1)
      levels.push({ id: 'master', label: 'Master', description: '', points: 5 })
      return diffRubricContent(baseContent(), after)
    })()
    expect(changes.map((c) => c.message)).toEqual([
      "criterion 'Cable termination': level 'Not yet' removed",
      "criterion 'Cable termination': level 'Developing' description changed",
      "criterion 'Cable termination': level 'Competent' renamed to 'Competent (unaided)'",
      "criterion 'Cable termination': level 'Expert' points changed from 3 to 4",
      "criterion 'Cable termination': level 'Master' added (5 points)",
    ])
    expect(changes.find((c) => c.field === 'points')).toMatchObject({
      kind: 'changed',
      criterionId: 'termination',
      levelId: 'expert',
    })
  })

  it('names moves, counting positions among the criteria kept', () => {
    expect(messages((c) => c.criteria.reverse())).toEqual([
      "criterion 'Cable termination' moved from position 2 to 1",
      "criterion 'Safe isolation' moved from position 1 to 2",
    ])
    // Adding a criterion at the top moves nothing else.
    expect(
      messages((c) =>
        c.criteria.unshift({ ...structuredClone(c.criteria[1]!), id: 'prep', title: 'Preparation' }),
      ),
    ).toEqual(["criterion 'Preparation' added (weight 1, 4 levels)"])
  })

  it('names passing rule changes', () => {
    expect(messages((c) => (c.passing.minTotal = 75))).toEqual(['passing rule changed from 60 % to 75 %'])
    expect(messages((c) => (c.passing = { minTotal: 6, unit: 'points' }))).toEqual([
      'passing rule changed from 60 % to 6 points',
    ])
  })
})
