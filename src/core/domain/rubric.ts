import { sha256 } from '@noble/hashes/sha2.js'
import { hex } from '@scure/base'
import { canonicalJson } from './canonical-json'
import { computeOutcome } from './outcome'
import type { RubricContent, RubricCriterion, RubricLevel } from './rubric-types'

/**
 * Rubric content rules, its content hash and "what changed" between two versions. Pure and
 * isomorphic: the app, the CLI and the verifier in a browser all agree on what a valid rubric is
 * and on its hash. See docs/rubric-format.md.
 */

export const RUBRIC_LIMITS = {
  criteriaMax: 100,
  levelsMin: 2,
  levelsMax: 20,
  idMax: 100,
  titleMax: 200,
  labelMax: 100,
  descriptionMax: 4000,
  weightMax: 1000,
  pointsMax: 1_000_000,
} as const

/**
 * Ids are typed in scores files and on command lines, so they are plain ASCII: a letter or digit,
 * then letters, digits, ".", "_" or "-" (slugs like "load-handling" and UUIDs both fit).
 */
export const RUBRIC_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

export interface RubricContentIssue {
  /** Field path inside the content, e.g. ['criteria', 2, 'levels', 1, 'points']. */
  path: (string | number)[]
  message: string
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const isText = (v: unknown): v is string => typeof v === 'string'

/**
 * Every problem that makes content unfit to be saved, each with its field path. Empty when valid.
 *
 * Levels are listed from lowest to highest performance and that order is authoritative (it decides
 * whether a critical criterion reached its minimum level); points may not decrease along it, so the
 * order and the points can never disagree. Equal points for neighbouring levels are allowed
 * ("Not yet" and "Developing" may both earn 0).
 */
export function validateRubricContent(content: unknown): RubricContentIssue[] {
  const issues: RubricContentIssue[] = []
  const add = (path: (string | number)[], message: string): void => {
    issues.push({ path, message })
  }
  if (!isObj(content)) return [{ path: [], message: 'must be an object with criteria and passing' }]

  const criteria = content.criteria
  if (!Array.isArray(criteria)) add(['criteria'], 'must be a list of criteria')
  else if (criteria.length === 0) add(['criteria'], 'must have at least 1 criterion')
  else if (criteria.length > RUBRIC_LIMITS.criteriaMax)
    add(['criteria'], `must have at most ${RUBRIC_LIMITS.criteriaMax} criteria`)

  const list = Array.isArray(criteria) ? criteria : []
  const firstCriterionWithId = new Map<string, number>()
  list.forEach((c, i) => {
    const at = (...rest: (string | number)[]) => ['criteria', i, ...rest]
    if (!isObj(c)) return add(at(), 'must be an object')
    checkId(c.id, at('id'), add)
    if (isText(c.id)) {
      const first = firstCriterionWithId.get(c.id)
      if (first !== undefined) add(at('id'), `"${c.id}" is already the id of criteria[${first}]`)
      else firstCriterionWithId.set(c.id, i)
    }
    checkText(c.title, at('title'), RUBRIC_LIMITS.titleMax, true, add)
    checkText(c.description, at('description'), RUBRIC_LIMITS.descriptionMax, false, add)
    if (!isFiniteNumber(c.weight) || c.weight <= 0) add(at('weight'), 'must be a number above 0')
    else if (c.weight > RUBRIC_LIMITS.weightMax)
      add(at('weight'), `must be at most ${RUBRIC_LIMITS.weightMax}`)

    const levels = Array.isArray(c.levels) ? c.levels : null
    if (!levels) add(at('levels'), 'must be a list of levels')
    else if (levels.length < RUBRIC_LIMITS.levelsMin)
      add(at('levels'), `must have at least ${RUBRIC_LIMITS.levelsMin} levels`)
    else if (levels.length > RUBRIC_LIMITS.levelsMax)
      add(at('levels'), `must have at most ${RUBRIC_LIMITS.levelsMax} levels`)
    const levelIndexById = new Map<string, number>()
    const levelIndexByLabel = new Map<string, number>()
    let previousPoints: { index: number; points: number } | null = null
    ;(levels ?? []).forEach((l, j) => {
      const lat = (...rest: (string | number)[]) => at('levels', j, ...rest)
      if (!isObj(l)) return add(lat(), 'must be an object')
      checkId(l.id, lat('id'), add)
      if (isText(l.id)) {
        const first = levelIndexById.get(l.id)
        if (first !== undefined)
          add(lat('id'), `"${l.id}" is already the id of levels[${first}] of this criterion`)
        else levelIndexById.set(l.id, j)
      }
      checkText(l.label, lat('label'), RUBRIC_LIMITS.labelMax, true, add)
      if (isText(l.label) && l.label.trim()) {
        const key = l.label.trim().toLocaleLowerCase()
        const first = levelIndexByLabel.get(key)
        if (first !== undefined)
          add(lat('label'), `"${l.label}" is already the label of levels[${first}] of this criterion`)
        else levelIndexByLabel.set(key, j)
      }
      checkText(l.description, lat('description'), RUBRIC_LIMITS.descriptionMax, false, add)
      if (!isFiniteNumber(l.points) || l.points < 0) add(lat('points'), 'must be a number ≥ 0')
      else if (l.points > RUBRIC_LIMITS.pointsMax)
        add(lat('points'), `must be at most ${RUBRIC_LIMITS.pointsMax}`)
      else {
        if (previousPoints && l.points < previousPoints.points) {
          add(
            lat('points'),
            `levels go from lowest to highest, so points may not go down (${l.points} after ${previousPoints.points} at levels[${previousPoints.index}])`,
          )
        }
        previousPoints = { index: j, points: l.points }
      }
    })

    if (typeof c.critical !== 'boolean') add(at('critical'), 'must be true or false')
    if (c.critical === true) {
      if (!isText(c.minLevelId) || c.minLevelId === '') {
        add(at('minLevelId'), 'is required for a critical criterion: the lowest level that is good enough')
      } else if (levels && !levelIndexById.has(c.minLevelId)) {
        add(
          at('minLevelId'),
          `"${c.minLevelId}" is not one of this criterion's level ids (${[...levelIndexById.keys()].join(', ')})`,
        )
      } else if (levelIndexById.get(c.minLevelId) === 0) {
        add(at('minLevelId'), 'must be above the lowest level, otherwise every score meets it')
      }
    } else if (c.critical === false && c.minLevelId !== null && c.minLevelId !== undefined) {
      add(
        at('minLevelId'),
        'only a critical criterion has a minimum level: set critical to true, or minLevelId to null',
      )
    }
  })

  const passing = content.passing
  if (!isObj(passing)) {
    add(['passing'], 'must be an object with minTotal and unit')
    return issues
  }
  if (passing.unit !== 'points' && passing.unit !== 'percent')
    add(['passing', 'unit'], 'must be "points" or "percent"')
  if (!isFiniteNumber(passing.minTotal) || passing.minTotal < 0) {
    add(['passing', 'minTotal'], 'must be a number ≥ 0')
  } else if (passing.unit === 'percent' && passing.minTotal > 100) {
    add(['passing', 'minTotal'], 'must be at most 100 (percent)')
  } else if (issues.length === 0) {
    // The remaining rules need sound criteria to compute the maximum.
    const max = maxTotal(content as unknown as RubricContent)
    const anyCritical = list.some((c) => isObj(c) && c.critical === true)
    if (passing.unit === 'points' && passing.minTotal > max) {
      add(
        ['passing', 'minTotal'],
        `is above the highest possible total (${formatNumber(max)} points): no one could pass`,
      )
    } else if (passing.unit === 'percent' && max === 0 && passing.minTotal > 0) {
      add(['passing', 'minTotal'], 'no one could pass: every level is worth 0 points')
    } else if (passing.minTotal === 0 && !anyCritical) {
      add(
        ['passing', 'minTotal'],
        'a minimum of 0 with no critical criterion passes everyone; raise it or mark a criterion critical',
      )
    }
  }
  return issues
}

function checkId(
  v: unknown,
  path: (string | number)[],
  add: (p: (string | number)[], m: string) => void,
): void {
  if (!isText(v) || v === '') return add(path, 'is required')
  if (v.length > RUBRIC_LIMITS.idMax) return add(path, `must be at most ${RUBRIC_LIMITS.idMax} characters`)
  if (!RUBRIC_ID_PATTERN.test(v))
    add(path, `"${v}" is not a valid id: use letters A-Z, digits and . _ - (starting with a letter or digit)`)
}

function checkText(
  v: unknown,
  path: (string | number)[],
  max: number,
  required: boolean,
  add: (p: (string | number)[], m: string) => void,
): void {
  if (!isText(v)) return add(path, required ? 'is required' : 'must be text')
  if (required && v.trim() === '') return add(path, 'is required')
  if (v.length > max) add(path, `must be at most ${max} characters`)
}

/**
 * The highest weighted total: Σ weight × the criterion's highest level points. Computed by the
 * outcome function's exact decimal arithmetic, so a points rule can be compared with it exactly.
 */
export function maxTotal(content: RubricContent): number {
  return computeOutcome(content, []).maxTotal
}

/**
 * The content with exactly the known fields, strings NFC-normalised and trimmed: what is stored and
 * hashed, so stray extra fields or a different Unicode form never change a hash.
 */
export function normalizeRubricContent(content: RubricContent): RubricContent {
  const t = (s: string): string => s.normalize('NFC').trim()
  return {
    criteria: content.criteria.map((c): RubricCriterion => ({
      id: t(c.id),
      title: t(c.title),
      description: t(c.description ?? ''),
      weight: c.weight,
      critical: c.critical,
      minLevelId: c.minLevelId === null || c.minLevelId === undefined ? null : t(c.minLevelId),
      levels: c.levels.map((l): RubricLevel => ({
        id: t(l.id),
        label: t(l.label),
        description: t(l.description ?? ''),
        points: l.points,
      })),
    })),
    passing: { minTotal: content.passing.minTotal, unit: content.passing.unit },
  }
}

/** The stored text of a version: canonical JSON (keys sorted, no whitespace) of the normalised content. */
export const canonicalRubricContent = (content: RubricContent): string =>
  canonicalJson(normalizeRubricContent(content))

/** Lowercase hex SHA-256 of the UTF-8 canonical JSON: the version's content hash. */
export function rubricContentHash(content: RubricContent): string {
  return sha256Hex(canonicalRubricContent(content))
}

export const sha256Hex = (text: string): string => hex.encode(sha256(new TextEncoder().encode(text)))

// ---- what changed between two versions ---------------------------------------------------------

export interface RubricChange {
  kind: 'added' | 'removed' | 'changed' | 'moved'
  /** The criterion concerned (absent for the passing rule). */
  criterionId?: string
  levelId?: string
  /** The field that changed, for kind 'changed': title, description, weight, critical, minLevelId, label, points, passing. */
  field?: string
  /** One line for people: "criterion 'Load handling' added". */
  message: string
}

/** Changes from `before` to `after`, criteria and levels matched by id, in the order of `after`. */
export function diffRubricContent(before: RubricContent, after: RubricContent): RubricChange[] {
  const changes: RubricChange[] = []
  const oldById = new Map(before.criteria.map((c) => [c.id, c]))
  const newIds = new Set(after.criteria.map((c) => c.id))

  for (const c of before.criteria) {
    if (!newIds.has(c.id)) {
      changes.push({ kind: 'removed', criterionId: c.id, message: `criterion ${q(c.title)} removed` })
    }
  }
  changes.push(
    ...moves(before.criteria, after.criteria).map((m) => ({
      kind: 'moved' as const,
      criterionId: m.id,
      message: `criterion ${q(m.item.title)} moved from position ${m.from + 1} to ${m.to + 1}`,
    })),
  )

  for (const c of after.criteria) {
    const old = oldById.get(c.id)
    if (!old) {
      const extra = c.critical ? `, critical (minimum ${q(levelLabel(c, c.minLevelId))})` : ''
      changes.push({
        kind: 'added',
        criterionId: c.id,
        message: `criterion ${q(c.title)} added (weight ${formatNumber(c.weight)}, ${c.levels.length} levels${extra})`,
      })
      continue
    }
    changes.push(...diffCriterion(old, c))
  }

  const a = before.passing
  const b = after.passing
  if (a.minTotal !== b.minTotal || a.unit !== b.unit) {
    changes.push({
      kind: 'changed',
      field: 'passing',
      message: `passing rule changed from ${passingText(a)} to ${passingText(b)}`,
    })
  }
  return changes
}

function diffCriterion(old: RubricCriterion, c: RubricCriterion): RubricChange[] {
  const out: RubricChange[] = []
  const name = q(c.title)
  const changed = (field: string, message: string, levelId?: string): void => {
    out.push({ kind: 'changed', criterionId: c.id, field, message, ...(levelId ? { levelId } : {}) })
  }
  if (old.title !== c.title) changed('title', `criterion ${q(old.title)} renamed to ${name}`)
  if (old.description !== c.description) changed('description', `criterion ${name}: description changed`)
  if (old.weight !== c.weight)
    changed(
      'weight',
      `criterion ${name}: weight changed from ${formatNumber(old.weight)} to ${formatNumber(c.weight)}`,
    )
  if (old.critical !== c.critical) {
    changed(
      'critical',
      c.critical
        ? `criterion ${name} is now critical (minimum ${q(levelLabel(c, c.minLevelId))})`
        : `criterion ${name} is no longer critical`,
    )
  } else if (c.critical && old.minLevelId !== c.minLevelId) {
    changed(
      'minLevelId',
      `criterion ${name}: minimum level changed from ${q(levelLabel(old, old.minLevelId))} to ${q(levelLabel(c, c.minLevelId))}`,
    )
  }

  const oldLevels = new Map(old.levels.map((l) => [l.id, l]))
  const newLevelIds = new Set(c.levels.map((l) => l.id))
  for (const l of old.levels) {
    if (!newLevelIds.has(l.id))
      out.push({
        kind: 'removed',
        criterionId: c.id,
        levelId: l.id,
        message: `criterion ${name}: level ${q(l.label)} removed`,
      })
  }
  for (const m of moves(old.levels, c.levels)) {
    out.push({
      kind: 'moved',
      criterionId: c.id,
      levelId: m.id,
      message: `criterion ${name}: level ${q(m.item.label)} moved from position ${m.from + 1} to ${m.to + 1}`,
    })
  }
  for (const l of c.levels) {
    const o = oldLevels.get(l.id)
    if (!o) {
      out.push({
        kind: 'added',
        criterionId: c.id,
        levelId: l.id,
        message: `criterion ${name}: level ${q(l.label)} added (${formatNumber(l.points)} points)`,
      })
      continue
    }
    if (o.label !== l.label)
      changed('label', `criterion ${name}: level ${q(o.label)} renamed to ${q(l.label)}`, l.id)
    if (o.description !== l.description)
      changed('description', `criterion ${name}: level ${q(l.label)} description changed`, l.id)
    if (o.points !== l.points)
      changed(
        'points',
        `criterion ${name}: level ${q(l.label)} points changed from ${formatNumber(o.points)} to ${formatNumber(l.points)}`,
        l.id,
      )
  }
  return out
}

/**
 * Items kept in both lists whose position among the kept items changed. Positions are counted among
 * the kept items only, so adding or removing one does not report every later item as moved.
 */
function moves<T extends { id: string }>(
  before: T[],
  after: T[],
): { id: string; item: T; from: number; to: number }[] {
  const afterIds = new Set(after.map((x) => x.id))
  const beforeIds = new Set(before.map((x) => x.id))
  const keptBefore = before.filter((x) => afterIds.has(x.id)).map((x) => x.id)
  const keptAfter = after.filter((x) => beforeIds.has(x.id))
  return keptAfter.flatMap((item, to) => {
    const from = keptBefore.indexOf(item.id)
    return from === to ? [] : [{ id: item.id, item, from, to }]
  })
}

const q = (s: string): string => `'${s}'`

function levelLabel(c: RubricCriterion, levelId: string | null): string {
  return c.levels.find((l) => l.id === levelId)?.label ?? String(levelId)
}

const passingText = (p: RubricContent['passing']): string =>
  p.unit === 'percent' ? `${formatNumber(p.minTotal)} %` : `${formatNumber(p.minTotal)} points`

/** Shortest exact form of a number: 1.5, 8.4, 12. */
export const formatNumber = (n: number): string => String(n)

/** The rule in words: "pass with at least 70 % of the 12 points possible and the critical criterion at or above its minimum level". */
export function passingRuleText(content: RubricContent): string {
  const critical = content.criteria.filter((c) => c.critical).length
  const total =
    content.passing.unit === 'percent'
      ? `at least ${formatNumber(content.passing.minTotal)} % of the ${formatNumber(maxTotal(content))} points possible`
      : `at least ${formatNumber(content.passing.minTotal)} of the ${formatNumber(maxTotal(content))} points possible`
  return critical === 0
    ? `pass with ${total}`
    : `pass with ${total} and ${critical === 1 ? 'the critical criterion' : `all ${critical} critical criteria`} at or above ${critical === 1 ? 'its' : 'their'} minimum level`
}
