import type { ErrorIssue } from '../../../../contract/errors'
import type { RubricDetail } from '../../../../contract/ops/rubrics'

/** The editor's working copy: numbers stay as typed text until saved, so "1." can be typed. */
export interface LevelDraft {
  id: string
  label: string
  description: string
  points: string
}
export interface CriterionDraft {
  id: string
  title: string
  description: string
  weight: string
  critical: boolean
  minLevelId: string | null
  levels: LevelDraft[]
}
export interface RubricDraft {
  name: string
  achievement: {
    name: string
    description: string
    achievementType: string
    validityMonths: string
    tags: string
  }
  criteria: CriterionDraft[]
  passing: { minTotal: string; unit: 'points' | 'percent' }
  changeNote: string
}

/** An id not used yet among `taken`: `prefix-1`, `prefix-2`, … (ids must match [A-Za-z0-9][A-Za-z0-9._-]*). */
export function freshId(prefix: string, taken: readonly string[]): string {
  for (let n = 1; ; n++) if (!taken.includes(`${prefix}-${n}`)) return `${prefix}-${n}`
}

const defaultLevels = (): LevelDraft[] => [
  { id: 'not-yet', label: 'Not yet', description: '', points: '0' },
  { id: 'competent', label: 'Competent', description: '', points: '1' },
  { id: 'excellent', label: 'Excellent', description: '', points: '2' },
]

export function newCriterion(taken: readonly string[], levels?: readonly LevelDraft[]): CriterionDraft {
  return {
    id: freshId('criterion', taken),
    title: '',
    description: '',
    weight: '1',
    critical: false,
    minLevelId: null,
    levels: levels ? levels.map((l) => ({ ...l, description: '' })) : defaultLevels(),
  }
}

export const emptyRubric = (): RubricDraft => ({
  name: '',
  achievement: { name: '', description: '', achievementType: 'Certificate', validityMonths: '', tags: '' },
  criteria: [newCriterion([])],
  passing: { minTotal: '70', unit: 'percent' },
  changeNote: '',
})

export function draftOf(d: RubricDetail): RubricDraft {
  return {
    name: d.name,
    achievement: {
      name: d.achievement.name,
      description: d.achievement.description,
      achievementType: d.achievement.achievementType,
      validityMonths: d.achievement.validityMonths === null ? '' : String(d.achievement.validityMonths),
      tags: d.achievement.tags.join(', '),
    },
    criteria: d.version.content.criteria.map((c) => ({
      id: c.id,
      title: c.title,
      description: c.description,
      weight: String(c.weight),
      critical: c.critical,
      minLevelId: c.minLevelId,
      levels: c.levels.map((l) => ({ ...l, points: String(l.points) })),
    })),
    passing: { minTotal: String(d.version.content.passing.minTotal), unit: d.version.content.passing.unit },
    changeNote: '',
  }
}

/** Typed text → number; text that is not a number is sent as is, so the service names the field. */
const num = (s: string): number | string => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s)

export function contentOf(d: RubricDraft) {
  return {
    criteria: d.criteria.map((c) => ({
      id: c.id,
      title: c.title,
      description: c.description,
      weight: num(c.weight) as number,
      critical: c.critical,
      minLevelId: c.critical ? c.minLevelId : null,
      levels: c.levels.map((l) => ({
        id: l.id,
        label: l.label,
        description: l.description,
        points: num(l.points) as number,
      })),
    })),
    passing: { minTotal: num(d.passing.minTotal) as number, unit: d.passing.unit },
  }
}

export function achievementOf(d: RubricDraft) {
  const months = d.achievement.validityMonths.trim()
  return {
    name: d.achievement.name,
    description: d.achievement.description,
    achievementType: d.achievement.achievementType,
    validityMonths: months === '' ? null : (num(months) as number),
    tags: d.achievement.tags
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  }
}

/**
 * Issues by their path without the op's wrapper (`content.`), e.g. "criteria.2.levels.1.points", so each
 * cell can find its own message.
 */
export function issuesByPath(issues: readonly ErrorIssue[] | undefined): Map<string, string> {
  const out = new Map<string, string>()
  for (const i of issues ?? []) {
    const path = (i.path[0] === 'content' ? i.path.slice(1) : i.path).join('.')
    if (!out.has(path)) out.set(path, i.message)
  }
  return out
}

export const move = <T>(list: readonly T[], from: number, to: number): T[] => {
  if (to < 0 || to >= list.length) return [...list]
  const copy = [...list]
  const [item] = copy.splice(from, 1)
  copy.splice(to, 0, item as T)
  return copy
}
