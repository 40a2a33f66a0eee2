/**
 * Semantic consistency of an AchievementCredential's rubric results (ob3.md §1.7). The JSON Schema
 * cannot see these: a credential can pass it while its results point at the wrong descriptions
 * (the spec's own complete example does).
 *
 * Rules 1-5 are the ones the DCC OB verifier suite checks plus our own range/uniqueness rule; a
 * breach is an `error`. Rules 6-8 are Tessera's own reading of a rubric (total = sum of achieved
 * points, a "Completed" status honours requiredLevel/requiredValue, levels ordered low→high).
 * Other issuers may define totals differently, so the verifier reports them as `warning`s,
 * while the builder (issue time) treats every issue as fatal.
 *
 * Isomorphic.
 */
import { ACHIEVEMENT_TYPES as OB3_ACHIEVEMENT_TYPES } from '../domain/achievement-types'

export type RubricRule = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8

export interface RubricIssue {
  rule: RubricRule
  severity: 'error' | 'warning'
  /** Path inside the credential, e.g. ['credentialSubject', 'result', 2, 'achievedLevel']. */
  path: (string | number)[]
  message: string
}

export const ACHIEVEMENT_TYPES: readonly string[] = OB3_ACHIEVEMENT_TYPES

type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const asArray = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v])
const num = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v
  if (typeof v !== 'string' || v.trim() === '') return undefined
  const n = Number(v)
  return Number.isFinite(n) ? n : undefined
}
const sameNumber = (a: number, b: number): boolean =>
  Math.abs(a - b) < 1e-6 * Math.max(1, Math.abs(a), Math.abs(b))

/** Checks the credential's (first) AchievementSubject. Returns an empty list when consistent. */
export function checkRubricConsistency(credential: unknown): RubricIssue[] {
  const issues: RubricIssue[] = []
  const add = (rule: RubricRule, path: (string | number)[], message: string, severity?: 'warning'): void => {
    issues.push({ rule, severity: severity ?? (rule <= 5 ? 'error' : 'warning'), path, message })
  }
  if (!isObj(credential)) return issues
  const subjects = asArray(credential.credentialSubject)
  const subjectIndex = Array.isArray(credential.credentialSubject) ? 0 : undefined
  const subject = subjects[0]
  if (!isObj(subject)) return issues
  const base: (string | number)[] =
    subjectIndex === undefined ? ['credentialSubject'] : ['credentialSubject', 0]
  const achievement = subject.achievement
  if (!isObj(achievement)) return issues
  const aPath = [...base, 'achievement']

  // Rule 4: achievementType from the enumeration or an extension.
  const aType = achievement.achievementType
  if (
    aType !== undefined &&
    !(typeof aType === 'string' && (ACHIEVEMENT_TYPES.includes(aType) || /^ext:[A-Za-z0-9._-]+$/.test(aType)))
  ) {
    add(
      4,
      [...aPath, 'achievementType'],
      `achievementType "${String(aType)}" is neither an OB 3.0 achievement type nor "ext:…"`,
    )
  }

  // Index descriptions and levels; rule 5 (unique ids).
  const descriptions = new Map<
    string,
    { rd: Obj; index: number; levels: Map<string, { index: number; points?: number }> }
  >()
  const allIds = new Map<string, string>()
  const claimId = (id: unknown, path: (string | number)[], what: string): void => {
    if (typeof id !== 'string') return
    const prior = allIds.get(id)
    if (prior) add(5, path, `${what} id ${id} is not unique (also used by ${prior})`)
    else allIds.set(id, what)
  }
  asArray(achievement.resultDescription).forEach((rd, i) => {
    if (!isObj(rd)) return
    const rdPath = [...aPath, 'resultDescription', i]
    claimId(rd.id, [...rdPath, 'id'], `resultDescription[${i}]`)
    const levels = new Map<string, { index: number; points?: number }>()
    let previousPoints: number | undefined
    asArray(rd.rubricCriterionLevel).forEach((lvl, j) => {
      if (!isObj(lvl)) return
      claimId(
        lvl.id,
        [...rdPath, 'rubricCriterionLevel', j, 'id'],
        `resultDescription[${i}].rubricCriterionLevel[${j}]`,
      )
      const points = num(lvl.points)
      if (typeof lvl.id === 'string') levels.set(lvl.id, { index: j, points })
      // Rule 8: levels are ordered low→high, so points must not decrease.
      if (points !== undefined && previousPoints !== undefined && points < previousPoints) {
        add(
          8,
          [...rdPath, 'rubricCriterionLevel', j, 'points'],
          `Levels of "${String(rd.name)}" are not ordered low→high by points`,
        )
      }
      if (points !== undefined) previousPoints = points
    })
    if (typeof rd.requiredLevel === 'string' && !levels.has(rd.requiredLevel)) {
      add(
        2,
        [...rdPath, 'requiredLevel'],
        `requiredLevel ${rd.requiredLevel} is not a level of "${String(rd.name)}"`,
      )
    }
    const min = num(rd.valueMin)
    const max = num(rd.valueMax)
    if (min !== undefined && max !== undefined && min > max)
      add(5, [...rdPath, 'valueMin'], `valueMin ${min} is above valueMax ${max}`)
    const req = num(rd.requiredValue)
    // A pass mark below valueMin is merely always met; above valueMax it could never be met.
    if (req !== undefined && max !== undefined && req > max) {
      add(
        5,
        [...rdPath, 'requiredValue'],
        `requiredValue ${req} is above valueMax ${String(rd.valueMax)}: it can never be reached`,
      )
    }
    if (typeof rd.id === 'string') descriptions.set(rd.id, { rd, index: i, levels })
  })

  const results = asArray(subject.result)
  let statusCompleted = false
  let criterionPointsSum = 0
  let criterionPointsKnown = true
  let criterionCount = 0
  const totals: { value: number; path: (string | number)[]; required?: number }[] = []
  const belowRequired: string[] = []

  results.forEach((r, k) => {
    if (!isObj(r)) return
    const rPath = [...base, 'result', k]
    const rdId = r.resultDescription
    const entry = typeof rdId === 'string' ? descriptions.get(rdId) : undefined
    // Rule 1: the result points at a description of *this* achievement.
    if (rdId !== undefined && !entry) {
      add(
        1,
        [...rPath, 'resultDescription'],
        `resultDescription ${String(rdId)} is not a ResultDescription of this achievement`,
      )
    }
    // Rule 2: the achieved level belongs to the referenced description.
    if (r.achievedLevel !== undefined) {
      if (!entry) {
        if (rdId === undefined)
          add(
            2,
            [...rPath, 'achievedLevel'],
            'achievedLevel is given without a resultDescription to check it against',
          )
      } else if (typeof r.achievedLevel !== 'string' || !entry.levels.has(r.achievedLevel)) {
        add(
          2,
          [...rPath, 'achievedLevel'],
          `achievedLevel ${String(r.achievedLevel)} is not a rubricCriterionLevel of "${String(entry.rd.name)}"`,
        )
      }
    }
    if (!entry) return
    const rd = entry.rd
    // Rule 3: a Status description needs a (non-empty) status, as the DCC check reads it. A status
    // on a result of another type is not forbidden by the spec, but it usually means the result
    // points at the wrong description (the spec's complete example does this): a warning.
    if (rd.resultType === 'Status') {
      if (typeof r.status !== 'string' || r.status === '')
        add(3, [...rPath, 'status'], `The result for Status description "${String(rd.name)}" has no status`)
      else if (r.status === 'Completed') statusCompleted = true
    } else if (r.status !== undefined) {
      add(
        3,
        [...rPath, 'status'],
        `A status is given on a result for "${String(rd.name)}" (${String(rd.resultType)}), not for a Status description`,
        'warning',
      )
    }
    // Rule 5: value within valueMin..valueMax.
    const value = num(r.value)
    const min = num(rd.valueMin)
    const max = num(rd.valueMax)
    if (r.value !== undefined && (min !== undefined || max !== undefined)) {
      if (value === undefined)
        add(
          5,
          [...rPath, 'value'],
          `value ${JSON.stringify(r.value)} is not a number but "${String(rd.name)}" has a numeric range`,
        )
      else if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
        add(
          5,
          [...rPath, 'value'],
          `value ${value} lies outside ${String(rd.valueMin)}..${String(rd.valueMax)} of "${String(rd.name)}"`,
        )
      }
    }
    if (rd.resultType === 'RubricCriterionLevel' && typeof r.achievedLevel === 'string') {
      const lvl = entry.levels.get(r.achievedLevel)
      if (lvl) {
        criterionCount++
        if (lvl.points === undefined) criterionPointsKnown = false
        else criterionPointsSum += lvl.points
        const required = typeof rd.requiredLevel === 'string' ? entry.levels.get(rd.requiredLevel) : undefined
        if (required && lvl.index < required.index) belowRequired.push(String(rd.name))
      }
    }
    if (rd.resultType === 'RubricScore' && value !== undefined)
      totals.push({ value, path: [...rPath, 'value'], required: num(rd.requiredValue) })
  })

  // Rule 6: the rubric total is the sum of the achieved levels' points.
  if (criterionCount > 0 && criterionPointsKnown) {
    for (const t of totals) {
      if (!sameNumber(t.value, criterionPointsSum)) {
        add(
          6,
          t.path,
          `RubricScore value ${t.value} is not the sum of the achieved levels' points (${formatNumber(criterionPointsSum)})`,
        )
      }
    }
  }
  // Rule 7: "Completed" must honour the pass rule the credential itself states.
  if (statusCompleted) {
    for (const name of belowRequired)
      add(7, [...base, 'result'], `Status is Completed but "${name}" is below its requiredLevel`)
    for (const t of totals) {
      if (t.required !== undefined && t.value < t.required) {
        add(7, t.path, `Status is Completed but the total ${t.value} is below requiredValue ${t.required}`)
      }
    }
  }
  return issues
}

/** Numbers as OB string values: no exponent, no float noise (0.1 + 0.2 → "0.3"). */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`Not a finite number: ${n}`)
  const rounded = Math.round(n * 1e9) / 1e9
  return Object.is(rounded, -0) ? '0' : String(rounded)
}

export const formatRubricIssues = (issues: RubricIssue[], max = 5): string =>
  issues
    .slice(0, max)
    .map((i) => `rule ${i.rule}: ${i.message}`)
    .join('; ') + (issues.length > max ? `; and ${issues.length - max} more` : '')
