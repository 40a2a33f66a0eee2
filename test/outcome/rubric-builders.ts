import type { PassingRule, RubricContent, RubricCriterion } from '../../src/core/domain/rubric-types'

/** Compact rubric builders for outcome tests: levels as [id, points] pairs, lowest first. */
export function criterion(
  id: string,
  levels: [string, number][],
  opts: { weight?: number; critical?: boolean; minLevelId?: string | null; title?: string } = {},
): RubricCriterion {
  return {
    id,
    title: opts.title ?? `Criterion ${id}`,
    description: '',
    weight: opts.weight ?? 1,
    critical: opts.critical ?? false,
    minLevelId: opts.minLevelId ?? null,
    levels: levels.map(([levelId, points]) => ({
      id: levelId,
      label: levelId.toUpperCase(),
      description: '',
      points,
    })),
  }
}

export const rubric = (criteria: RubricCriterion[], passing: PassingRule): RubricContent => ({
  criteria,
  passing,
})

/** Four levels worth 0..3 points: the common case. */
export const fourLevels: [string, number][] = [
  ['not-yet', 0],
  ['developing', 1],
  ['competent', 2],
  ['expert', 3],
]
