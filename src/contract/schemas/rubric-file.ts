import { z } from 'zod'
import { ACHIEVEMENT_TYPES } from '../../core/domain/achievement-types'

/**
 * The Tessera rubric file (docs/rubric-format.md, resources/schemas/rubric.schema.json): one rubric
 * version and the achievement it leads to, as exported and imported. The field schemas here are
 * also the op inputs for rubrics and achievements, so every front end accepts the same values.
 *
 * Keep this, the JSON Schema and the doc in step; test/rubrics/rubric-file.test.ts checks it. The
 * JSON Schema checks the shape; the rules that span fields (unique ids, a minimum level that names a
 * level, points going up, a reachable passing rule) are checked by core/domain/rubric.ts.
 */
export const RUBRIC_FORMAT = 'tessera.rubric'
export const RUBRIC_FORMAT_VERSION = 1

export { ACHIEVEMENT_TYPES }

/** OB 3.0 AlignmentTargetType values; anything else must be `ext:Name`. */
export const ALIGNMENT_TARGET_TYPES = [
  'ceasn:Competency',
  'ceterms:Credential',
  'CFItem',
  'CFRubric',
  'CFRubricCriterion',
  'CFRubricCriterionLevel',
  'CTDL',
] as const

export const EXT_TYPE_PATTERN = /^ext:[A-Za-z0-9._-]+$/
export const RUBRIC_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/
export const ACHIEVEMENT_IMAGE_MAX_BYTES = 1024 * 1024

const clean = (s: string): string => s.normalize('NFC').trim()

const str = (what = 'text') => z.string({ message: `must be ${what}` })

/** Required one-line or multi-line text: NFC, trimmed, not empty. */
const required = (max: number) =>
  str()
    .transform(clean)
    .pipe(z.string().min(1, 'is required').max(max, `must be at most ${max} characters`))

/** Text that may be empty (stored as ''). */
const optional = (max: number) =>
  str()
    .transform(clean)
    .pipe(z.string().max(max, `must be at most ${max} characters`))

const numberField = (what = 'a number') => z.number({ message: `must be ${what}` })

export const rubricItemId = str('an id')
  .min(1, 'is required')
  .max(100, 'must be at most 100 characters')
  .regex(RUBRIC_ID_PATTERN, 'use letters A-Z, digits and . _ - (starting with a letter or digit)')

export const rubricLevelInput = z
  .object({
    id: rubricItemId,
    label: required(100),
    description: optional(4000).default(''),
    points: numberField().min(0, 'must be a number ≥ 0').max(1_000_000, 'must be at most 1000000'),
  })
  .strict()

export const rubricCriterionInput = z
  .object({
    id: rubricItemId,
    title: required(200),
    description: optional(4000).default(''),
    weight: numberField().gt(0, 'must be a number above 0').max(1000, 'must be at most 1000').default(1),
    critical: z.boolean({ message: 'must be true or false' }).default(false),
    minLevelId: rubricItemId.nullable().default(null),
    levels: z
      .array(rubricLevelInput, { message: 'must be a list of levels' })
      .min(2, 'must have at least 2 levels')
      .max(20, 'must have at most 20 levels'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.critical && c.minLevelId === null)
      ctx.addIssue({
        code: 'custom',
        path: ['minLevelId'],
        message: 'is required for a critical criterion: the lowest level that is good enough',
      })
    if (!c.critical && c.minLevelId !== null)
      ctx.addIssue({
        code: 'custom',
        path: ['minLevelId'],
        message: 'only a critical criterion has a minimum level: set critical to true, or minLevelId to null',
      })
  })

export const passingRuleInput = z
  .object({
    minTotal: numberField().min(0, 'must be a number ≥ 0'),
    unit: z.enum(['points', 'percent'], { message: 'must be "points" or "percent"' }),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.unit === 'percent' && p.minTotal > 100)
      ctx.addIssue({ code: 'custom', path: ['minTotal'], message: 'must be at most 100 (percent)' })
  })

/** RubricContent (core/domain/rubric-types.ts) with friendly defaults for hand-written files. */
export const rubricContentInput = z
  .object({
    criteria: z
      .array(rubricCriterionInput, { message: 'must be a list of criteria' })
      .min(1, 'must have at least 1 criterion')
      .max(100, 'must have at most 100 criteria'),
    passing: passingRuleInput,
  })
  .strict()
export type RubricContentInput = z.input<typeof rubricContentInput>

export const achievementType = str().refine(
  (s) => (ACHIEVEMENT_TYPES as readonly string[]).includes(s) || EXT_TYPE_PATTERN.test(s),
  {
    message:
      'must be an Open Badges 3.0 achievement type (Assessment, Certificate, Competency, License…) or "ext:Name"',
  },
)

export const alignmentTargetType = str().refine(
  (s) => (ALIGNMENT_TARGET_TYPES as readonly string[]).includes(s) || EXT_TYPE_PATTERN.test(s),
  {
    message: `must be one of ${ALIGNMENT_TARGET_TYPES.join(', ')} or "ext:Name"`,
  },
)

/** An Open Badges 3.0 Alignment: where this achievement sits in a framework of skills or standards. */
export const alignmentInput = z
  .object({
    targetName: required(500),
    targetUrl: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2000),
    targetDescription: required(4000).optional(),
    targetCode: required(200).optional(),
    targetFramework: required(500).optional(),
    targetType: alignmentTargetType.optional(),
  })
  .strict()
export type AlignmentInput = z.output<typeof alignmentInput>

/** Open Badges images are PNG or SVG (they can be baked); bytes as base64. */
export const achievementImage = z
  .object({
    mediaType: z.enum(['image/png', 'image/svg+xml'], {
      message: 'must be image/png or image/svg+xml (Open Badges images are PNG or SVG)',
    }),
    dataBase64: z
      .base64({ message: 'must be base64' })
      .max(Math.ceil(ACHIEVEMENT_IMAGE_MAX_BYTES / 3) * 4, 'must be at most 1 MB'),
  })
  .strict()
export type AchievementImage = z.output<typeof achievementImage>

const tagList = z
  .array(required(100), { message: 'must be a list of tags' })
  .max(50, 'must have at most 50 tags')
  .superRefine((tags, ctx) => {
    const seen = new Map<string, number>()
    tags.forEach((t, i) => {
      const key = t.toLocaleLowerCase()
      const first = seen.get(key)
      if (first !== undefined)
        ctx.addIssue({ code: 'custom', path: [i], message: `"${t}" is already tags[${first}]` })
      else seen.set(key, i)
    })
  })

/** The achievement fields, each optional and without defaults: the shape of an update. */
export const achievementFieldsPatch = z.object({
  name: required(200).optional(),
  description: optional(4000).optional(),
  criteriaNarrative: optional(8000).optional(),
  achievementType: achievementType.optional(),
  tags: tagList.optional(),
  alignment: z
    .array(alignmentInput, { message: 'must be a list' })
    .max(50, 'must have at most 50 alignments')
    .optional(),
  validityMonths: numberField('a whole number of months')
    .int('must be a whole number of months')
    .min(1, 'must be at least 1 month')
    .max(600, 'must be at most 600 months')
    .nullable()
    .optional(),
  image: achievementImage.nullable().optional(),
})

/** A new achievement: what the credential says was achieved. */
export const achievementFieldsInput = z.object({
  name: required(200),
  description: optional(4000).default(''),
  criteriaNarrative: optional(8000).default(''),
  achievementType: achievementType.default('Assessment'),
  tags: tagList.default([]),
  alignment: z
    .array(alignmentInput, { message: 'must be a list' })
    .max(50, 'must have at most 50 alignments')
    .default([]),
  validityMonths: numberField('a whole number of months')
    .int('must be a whole number of months')
    .min(1, 'must be at least 1 month')
    .max(600, 'must be at most 600 months')
    .nullable()
    .default(null),
  image: achievementImage.nullable().default(null),
})
export type AchievementFields = z.output<typeof achievementFieldsInput>

export const rubricFile = z
  .object({
    $schema: z.string().optional(),
    format: z.literal(RUBRIC_FORMAT, { message: `must be "${RUBRIC_FORMAT}"` }),
    formatVersion: z.literal(RUBRIC_FORMAT_VERSION, {
      message: `must be ${RUBRIC_FORMAT_VERSION} (this Tessera reads rubric format version ${RUBRIC_FORMAT_VERSION})`,
    }),
    rubric: z
      .object({
        /** Names the rubric to add a version to; a new rubric when omitted. */
        id: z.uuid({ message: 'must be a rubric id (a UUID); leave it out for a new rubric' }).optional(),
        name: required(200).optional(),
        /** Informational: the version this file was exported from. */
        version: numberField('a whole number').int('must be a whole number').min(1).optional(),
        /** Informational: the content hash of that version. */
        contentHash: str()
          .regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256 (64 characters)')
          .optional(),
        changeNote: optional(2000).optional(),
      })
      .strict()
      .default({}),
    achievement: achievementFieldsInput
      .extend({ id: z.uuid({ message: 'must be an achievement id (a UUID)' }).optional() })
      .strict(),
    criteria: rubricContentInput.shape.criteria,
    passing: passingRuleInput,
  })
  .strict()
export type RubricFile = z.output<typeof rubricFile>

export type ParsedRubricFile =
  | { ok: true; value: RubricFile }
  | { ok: false; message: string; issues: { path: (string | number)[]; message: string }[] }

/** Parses a rubric file (its text, or already-parsed JSON): syntax errors and every shape problem with its path. */
export function parseRubricFile(input: string | unknown): ParsedRubricFile {
  let json: unknown = input
  if (typeof input === 'string') {
    const text = input.replace(/^\uFEFF/, '')
    try {
      json = JSON.parse(text)
    } catch (e) {
      return {
        ok: false,
        message: `not valid JSON: ${withLineAndColumn((e as Error).message, text)}`,
        issues: [],
      }
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return {
      ok: false,
      message: 'not a rubric file: expected a JSON object',
      issues: [{ path: [], message: 'must be a JSON object' }],
    }
  }
  const marker = (json as { format?: unknown }).format
  if (marker !== RUBRIC_FORMAT) {
    return {
      ok: false,
      message: `not a rubric file: "format" must be "${RUBRIC_FORMAT}"`,
      issues: [{ path: ['format'], message: `must be "${RUBRIC_FORMAT}"` }],
    }
  }
  const r = rubricFile.safeParse(json)
  if (r.success) return { ok: true, value: r.data }
  const issues = r.error.issues.flatMap((i) => {
    const path = i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))
    // One issue per unknown field, at the field itself: "criteria[0].wieght: is not a field …".
    if (i.code === 'unrecognized_keys')
      return i.keys.map((k) => ({
        path: [...path, k],
        message: 'is not a field of the rubric format (misspelt?)',
      }))
    return [{ path, message: i.message }]
  })
  return {
    ok: false,
    message: `not a valid rubric file (${issues.length} problem${issues.length === 1 ? '' : 's'})`,
    issues,
  }
}

/** "… at position 812" → "… at position 812 (line 31, column 7)": people open files at a line. */
function withLineAndColumn(message: string, text: string): string {
  const m = /at position (\d+)/.exec(message)
  if (!m || /line \d+/.test(message)) return message
  const before = text.slice(0, Number(m[1]))
  const line = before.split('\n').length
  const column = before.length - before.lastIndexOf('\n')
  return `${message} (line ${line}, column ${column})`
}
