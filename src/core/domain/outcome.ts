import type { RubricContent, RubricCriterion, RubricLevel } from './rubric-types'

/**
 * THE outcome of an assessment: total, percent, pass or fail and which rule failed. Every screen,
 * CLI command, stored result and credential uses this one pure function, so they cannot disagree.
 *
 * Arithmetic is exact: weights (1.5) and points (0.5) are decimals, and binary floating point would
 * put a learner exactly at a 70 % boundary on either side of it by luck (0.1 + 0.2 ≠ 0.3). Every
 * number is turned into a scaled BigInt (value = m / 10^s), totals are summed exactly, and the
 * percent rule is decided by cross-multiplying (total × 100 ≥ minTotal × maxTotal) with no division.
 * `percent` is only for display and is truncated (never rounded up), so a shown percent is never
 * above what was achieved: 69.996 % shows as 69.99 %, not as a misleading 70 %.
 */

export interface ScoreInput {
  criterionId: string
  /** null: not scored yet. */
  levelId: string | null
}

export type FailedRule =
  /** The weighted total is below the rubric's minimum. `actual` is points or the (truncated) percent. */
  | { rule: 'min_total'; unit: 'points' | 'percent'; required: number; actual: number }
  /** A critical criterion was scored below its minimum level. */
  | {
      rule: 'critical_criterion'
      criterionId: string
      criterionTitle: string
      requiredLevelId: string
      requiredLevelLabel: string
      achievedLevelId: string
      achievedLevelLabel: string
    }
  /** Criteria without a level (in rubric order): the outcome is provisional. */
  | { rule: 'incomplete'; missingCriterionIds: string[] }
  /** A score names a level its criterion does not have; it counts as unscored. */
  | { rule: 'unknown_level'; criterionId: string; levelId: string }
  /** A score names a criterion the rubric does not have; it is ignored. */
  | { rule: 'unknown_criterion'; criterionId: string }
  /** The same criterion was scored more than once; the last score counts. */
  | { rule: 'duplicate_score'; criterionId: string }
  /** The rubric itself is unusable (normally refused when the rubric is saved). */
  | { rule: 'invalid_rubric'; problems: string[] }

export type FailedRuleKind = FailedRule['rule']

export interface CriterionOutcome {
  criterionId: string
  /** The scored level, or null when unscored (or scored with an unknown level). */
  levelId: string | null
  /** Points of the level before weighting; 0 when unscored. */
  points: number
  /** weight × points. */
  weighted: number
  /** weight × the highest level points of the criterion. */
  maxWeighted: number
  /** False only for a critical criterion that is unscored or scored below its minimum level. */
  metMinimum: boolean
}

export interface Outcome {
  total: number
  maxTotal: number
  /** total / maxTotal as a percent, truncated to 2 decimals; 0 when maxTotal is 0. Display only. */
  percent: number
  passed: boolean
  /** Every criterion has a valid level. */
  complete: boolean
  /** Empty exactly when passed. Order: rubric problems, score problems, incomplete, critical, total. */
  failedRules: FailedRule[]
  /** One entry per criterion of the rubric, in rubric order. */
  criteria: CriterionOutcome[]
}

export function computeOutcome(content: RubricContent, scores: readonly ScoreInput[]): Outcome {
  const criteria = Array.isArray(content?.criteria) ? content.criteria.filter(isObject) : []
  const failedRules: FailedRule[] = []

  const rubricProblems = rubricContentProblems(content)
  if (rubricProblems.length > 0) failedRules.push({ rule: 'invalid_rubric', problems: rubricProblems })

  const byCriterion = new Map<string, RubricCriterion>()
  for (const c of criteria) if (!byCriterion.has(c.id)) byCriterion.set(c.id, c)

  // The last score of a criterion wins; duplicates and unknown criteria are reported once each.
  const chosen = new Map<string, string | null>()
  const seen = new Set<string>()
  const duplicates: string[] = []
  const unknownCriteria: string[] = []
  for (const s of scores) {
    if (!byCriterion.has(s.criterionId)) {
      if (!unknownCriteria.includes(s.criterionId)) unknownCriteria.push(s.criterionId)
      continue
    }
    if (seen.has(s.criterionId) && !duplicates.includes(s.criterionId)) duplicates.push(s.criterionId)
    seen.add(s.criterionId)
    chosen.set(s.criterionId, s.levelId)
  }
  for (const criterionId of unknownCriteria) failedRules.push({ rule: 'unknown_criterion', criterionId })
  for (const criterionId of duplicates) failedRules.push({ rule: 'duplicate_score', criterionId })

  let total = ZERO
  let maxTotal = ZERO
  const missing: string[] = []
  const unknownLevels: FailedRule[] = []
  const criticalFailures: FailedRule[] = []
  const perCriterion: CriterionOutcome[] = []

  for (const c of criteria) {
    const levels = Array.isArray(c.levels) ? c.levels.filter(isObject) : []
    const weight = toDecimal(c.weight)
    const maxPoints = levels.reduce((best, l) => max(best, toDecimal(l.points)), ZERO)
    const maxWeighted = mul(weight, maxPoints)
    maxTotal = add(maxTotal, maxWeighted)

    const requested = chosen.get(c.id) ?? null
    const levelIndex = requested === null ? -1 : levels.findIndex((l) => l.id === requested)
    const level: RubricLevel | undefined = levels[levelIndex]
    if (requested === null) missing.push(c.id)
    else if (!level) unknownLevels.push({ rule: 'unknown_level', criterionId: c.id, levelId: requested })

    const points = level ? toDecimal(level.points) : ZERO
    const weighted = mul(weight, points)
    total = add(total, weighted)

    let metMinimum = true
    if (c.critical) {
      const minIndex = c.minLevelId === null ? 0 : levels.findIndex((l) => l.id === c.minLevelId)
      const minLevel = levels[minIndex]
      metMinimum = level !== undefined && minLevel !== undefined && levelIndex >= minIndex
      // An unscored critical criterion is reported as incomplete, not as failed: nothing was judged yet.
      if (level && minLevel && levelIndex < minIndex) {
        criticalFailures.push({
          rule: 'critical_criterion',
          criterionId: c.id,
          criterionTitle: c.title,
          requiredLevelId: minLevel.id,
          requiredLevelLabel: minLevel.label,
          achievedLevelId: level.id,
          achievedLevelLabel: level.label,
        })
      }
    }

    perCriterion.push({
      criterionId: c.id,
      levelId: level ? level.id : null,
      points: toNumber(points),
      weighted: toNumber(weighted),
      maxWeighted: toNumber(maxWeighted),
      metMinimum,
    })
  }

  failedRules.push(...unknownLevels)
  if (missing.length > 0) failedRules.push({ rule: 'incomplete', missingCriterionIds: missing })
  failedRules.push(...criticalFailures)

  const percentHundredths = maxTotal.m === 0n ? 0n : percentTimes100(total, maxTotal)
  const percent = Number(percentHundredths) / 100
  const passing = content?.passing
  const minTotal = toDecimal(passing?.minTotal)
  if (passing?.unit === 'percent') {
    // total / maxTotal ≥ min / 100  ⇔  total × 100 ≥ min × maxTotal (maxTotal > 0). A rubric whose
    // maximum is 0 scores 0 %, so it passes on total only when the minimum is 0.
    const meets =
      maxTotal.m === 0n ? cmp(minTotal, ZERO) <= 0 : cmp(mul(total, HUNDRED), mul(minTotal, maxTotal)) >= 0
    if (!meets)
      failedRules.push({ rule: 'min_total', unit: 'percent', required: toNumber(minTotal), actual: percent })
  } else if (cmp(total, minTotal) < 0) {
    failedRules.push({
      rule: 'min_total',
      unit: 'points',
      required: toNumber(minTotal),
      actual: toNumber(total),
    })
  }

  return {
    total: toNumber(total),
    maxTotal: toNumber(maxTotal),
    percent,
    passed: failedRules.length === 0,
    complete: missing.length === 0 && unknownLevels.length === 0,
    failedRules,
    criteria: perCriterion,
  }
}

/**
 * What makes rubric content unusable for scoring. Rubrics are validated when saved; this guards the
 * outcome against stored content that bypassed that (sync, hand edits), so it can never say PASS.
 */
export function rubricContentProblems(content: RubricContent): string[] {
  const problems: string[] = []
  if (!content || !Array.isArray(content.criteria)) return ['the rubric has no criteria list']
  if (content.criteria.length === 0) problems.push('the rubric has no criteria')
  const passing = content.passing
  if (!passing || (passing.unit !== 'points' && passing.unit !== 'percent')) {
    problems.push('the passing rule must be in points or percent')
  } else if (!isNonNegative(passing.minTotal)) {
    problems.push('the passing minimum must be a number ≥ 0')
  } else if (passing.unit === 'percent' && passing.minTotal > 100) {
    problems.push('the passing minimum cannot be above 100 %')
  }
  const criterionIds = new Set<string>()
  content.criteria.forEach((c, i) => {
    if (!isObject(c)) return problems.push(`criterion ${i + 1}: is not an object`)
    const where = `criterion ${i + 1} (${c.id})`
    if (criterionIds.has(c.id)) problems.push(`${where}: duplicate criterion id`)
    criterionIds.add(c.id)
    if (!isNonNegative(c.weight)) problems.push(`${where}: weight must be a number ≥ 0`)
    const levels = Array.isArray(c.levels) ? c.levels : []
    if (levels.length === 0) problems.push(`${where}: has no levels`)
    const levelIds = new Set<string>()
    levels.forEach((l, j) => {
      if (!isObject(l)) return problems.push(`${where}, level ${j + 1}: is not an object`)
      if (levelIds.has(l.id)) problems.push(`${where}: duplicate level id ${l.id}`)
      levelIds.add(l.id)
      if (!isNonNegative(l.points)) problems.push(`${where}, level ${l.id}: points must be a number ≥ 0`)
      const previous = levels[j - 1]
      if (
        previous &&
        isNonNegative(previous.points) &&
        isNonNegative(l.points) &&
        l.points < previous.points
      ) {
        problems.push(`${where}, level ${l.id}: levels go from lowest to highest, so points may not decrease`)
      }
    })
    if (c.minLevelId !== null && c.minLevelId !== undefined && !levelIds.has(c.minLevelId)) {
      problems.push(`${where}: minimum level ${c.minLevelId} is not one of its levels`)
    }
  })
  return problems
}

const isObject = <T>(v: T): v is NonNullable<T> => typeof v === 'object' && v !== null
const isNonNegative = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0

// ---- exact decimal arithmetic: value = m / 10^s -------------------------------------------------

interface Decimal {
  m: bigint
  s: number
}

const ZERO: Decimal = { m: 0n, s: 0 }
const HUNDRED: Decimal = { m: 100n, s: 0 }

/** The exact decimal a JS number prints as (its shortest round-trip form); non-finite counts as 0. */
function toDecimal(n: unknown): Decimal {
  if (typeof n !== 'number' || !Number.isFinite(n)) return ZERO
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(n))
  if (!match) return ZERO
  const [, sign = '', int = '0', frac = '', exp = '0'] = match
  let m = BigInt(sign + int + frac)
  let s = frac.length - Number(exp)
  if (s < 0) {
    m *= 10n ** BigInt(-s)
    s = 0
  }
  return { m, s }
}

const scaleTo = (d: Decimal, s: number): bigint => d.m * 10n ** BigInt(s - d.s)
const add = (a: Decimal, b: Decimal): Decimal => {
  const s = Math.max(a.s, b.s)
  return { m: scaleTo(a, s) + scaleTo(b, s), s }
}
const mul = (a: Decimal, b: Decimal): Decimal => ({ m: a.m * b.m, s: a.s + b.s })
const cmp = (a: Decimal, b: Decimal): number => {
  const s = Math.max(a.s, b.s)
  const x = scaleTo(a, s)
  const y = scaleTo(b, s)
  return x < y ? -1 : x > y ? 1 : 0
}
const max = (a: Decimal, b: Decimal): Decimal => (cmp(a, b) >= 0 ? a : b)
/** The nearest double to the exact value: "3e-1" parses to 0.3, not 0.30000000000000004. */
const toNumber = (d: Decimal): number => Number(`${d.m}e-${d.s}`)

/** floor(total / max × 100 × 100) for non-negative values, max > 0. */
function percentTimes100(total: Decimal, maxTotal: Decimal): bigint {
  const s = Math.max(total.s, maxTotal.s)
  const t = scaleTo(total, s)
  const m = scaleTo(maxTotal, s)
  const q = (t * 10000n) / m
  return t < 0n && q * m !== t * 10000n ? q - 1n : q
}
