import type { RubricContent, RubricCriterion, RubricLevel } from './rubric-types'

/** One entry of a score sheet as a person writes it: a criterion id and a level id or label. */
export interface SheetEntry {
  criterion: string
  /** A level id or label (case-insensitive); null or missing leaves the criterion unscored. */
  level?: string | null
  comment?: string
}

export interface ResolvedScore {
  criterionId: string
  levelId: string | null
  comment: string
}

export interface SheetIssue {
  path: (string | number)[]
  message: string
}

const fold = (s: string): string => s.normalize('NFC').trim().toLocaleLowerCase('und')

/**
 * Turns sheet entries into scores by id, collecting every problem with its position
 * (`scores[3].level`) instead of stopping at the first, so a person can fix a file in one go.
 */
export function resolveSheetEntries(
  content: RubricContent,
  entries: readonly SheetEntry[],
  basePath: (string | number)[] = ['scores'],
): { scores: ResolvedScore[]; issues: SheetIssue[] } {
  const scores: ResolvedScore[] = []
  const issues: SheetIssue[] = []
  const firstIndex = new Map<string, number>()
  const known = content.criteria.map((c) => c.id).join(', ')

  entries.forEach((entry, i) => {
    const criterion = findCriterion(content.criteria, entry.criterion)
    if (!criterion) {
      issues.push({
        path: [...basePath, i, 'criterion'],
        message: `"${entry.criterion}" is not a criterion of this rubric (its criteria: ${known})`,
      })
      return
    }
    const earlier = firstIndex.get(criterion.id)
    if (earlier !== undefined) {
      issues.push({
        path: [...basePath, i, 'criterion'],
        message: `"${criterion.id}" is scored twice (first at ${[...basePath, earlier].join('.')})`,
      })
      return
    }
    firstIndex.set(criterion.id, i)
    let levelId: string | null = null
    if (entry.level !== null && entry.level !== undefined && entry.level.trim() !== '') {
      const found = findLevel(criterion, entry.level)
      if (found.level) levelId = found.level.id
      else {
        issues.push({
          path: [...basePath, i, 'level'],
          message: found.ambiguous
            ? `"${entry.level}" matches more than one level of "${criterion.title}"; use the level id`
            : `"${entry.level}" is not a level of "${criterion.title}" (its levels: ${criterion.levels.map((l) => `${l.label} [${l.id}]`).join(', ')})`,
        })
      }
    }
    scores.push({ criterionId: criterion.id, levelId, comment: entry.comment ?? '' })
  })
  return { scores, issues }
}

function findCriterion(criteria: RubricCriterion[], key: string): RubricCriterion | undefined {
  return criteria.find((c) => c.id === key) ?? criteria.find((c) => fold(c.id) === fold(key))
}

/** An exact id wins, then an id or label ignoring case and accents-as-typed (NFC). */
function findLevel(criterion: RubricCriterion, key: string): { level?: RubricLevel; ambiguous?: boolean } {
  const exact = criterion.levels.find((l) => l.id === key)
  if (exact) return { level: exact }
  const k = fold(key)
  const byId = criterion.levels.filter((l) => fold(l.id) === k)
  if (byId.length === 1) return { level: byId[0] }
  const byLabel = criterion.levels.filter((l) => fold(l.label) === k)
  if (byLabel.length === 1) return { level: byLabel[0] }
  return { ambiguous: byId.length + byLabel.length > 1 }
}
