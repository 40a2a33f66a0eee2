import { z } from 'zod'
import { defineOps } from '../define'
import { empty, id } from '../schemas/common'
import { achievementFieldsInput, achievementFieldsPatch, rubricContentInput } from '../schemas/rubric-file'

/**
 * Achievements (what a credential says was achieved) and their rubrics (how it is assessed), with
 * versions. A version that has scored anyone is frozen; saving changes to it makes a new version.
 * See docs/rubric-format.md.
 */

/**
 * "ID" or "ID@VERSION" (the CLI form) → rubric id and optional version; null when the part after the
 * last "@" is not a whole number ≥ 1.
 */
export function parseRubricRef(ref: string): { rubricId: string; version?: number } | null {
  const at = ref.lastIndexOf('@')
  if (at < 0) return { rubricId: ref }
  const tail = ref.slice(at + 1)
  if (at === 0 || !/^[1-9]\d{0,8}$/.test(tail)) return null
  return { rubricId: ref.slice(0, at), version: Number(tail) }
}

const versionNumber = z
  .number({ message: 'must be a whole number' })
  .int('must be a whole number')
  .min(1, 'must be 1 or more')

/**
 * A reference to one version of a rubric: `rubricId` plus an optional `version` (latest when
 * omitted). `rubricId` may also be written "ID@VERSION".
 */
export const rubricRef = z.object({ rubricId: id, version: versionNumber.optional() }).transform((r, ctx) => {
  if (!r.rubricId.includes('@')) return r
  const parsed = parseRubricRef(r.rubricId)
  if (!parsed) {
    ctx.addIssue({
      code: 'custom',
      path: ['rubricId'],
      message: 'must be a rubric id, or ID@VERSION with a whole version number',
    })
    return z.NEVER
  }
  if (r.version !== undefined && parsed.version !== r.version) {
    ctx.addIssue({
      code: 'custom',
      path: ['version'],
      message: `differs from the version in "${r.rubricId}"`,
    })
    return z.NEVER
  }
  return { rubricId: parsed.rubricId, version: parsed.version }
})

const imageView = z.object({ mediaType: z.string(), dataBase64: z.string() })

const alignmentView = z.object({
  targetName: z.string(),
  targetUrl: z.string(),
  targetDescription: z.string().optional(),
  targetCode: z.string().optional(),
  targetFramework: z.string().optional(),
  targetType: z.string().optional(),
})

export const achievementView = z.object({
  id,
  name: z.string(),
  description: z.string(),
  criteriaNarrative: z.string(),
  achievementType: z.string(),
  tags: z.array(z.string()),
  alignment: z.array(alignmentView),
  validityMonths: z.number().nullable(),
  image: imageView.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type AchievementView = z.output<typeof achievementView>

export const achievementSummary = z.object({
  id,
  name: z.string(),
  achievementType: z.string(),
  tags: z.array(z.string()),
  validityMonths: z.number().nullable(),
  hasImage: z.boolean(),
  rubricCount: z.number(),
  updatedAt: z.string(),
})

export const rubricContentView = z.object({
  criteria: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      description: z.string(),
      weight: z.number(),
      critical: z.boolean(),
      minLevelId: z.string().nullable(),
      levels: z.array(
        z.object({ id: z.string(), label: z.string(), description: z.string(), points: z.number() }),
      ),
    }),
  ),
  passing: z.object({ minTotal: z.number(), unit: z.enum(['points', 'percent']) }),
})

export const rubricChange = z.object({
  kind: z.enum(['added', 'removed', 'changed', 'moved']),
  criterionId: z.string().optional(),
  levelId: z.string().optional(),
  field: z.string().optional(),
  message: z.string(),
})
export type RubricChangeView = z.output<typeof rubricChange>

/** Facts about one version, without its content. */
const versionFacts = {
  id,
  rubricId: id,
  version: z.number(),
  contentHash: z.string(),
  changeNote: z.string().nullable(),
  createdAt: z.string(),
  /** The installation that made this version. */
  deviceId: z.string(),
  /** Assessments (any state) scored against it. */
  assessmentCount: z.number(),
  /** Used to score someone: its content can never change again. */
  frozen: z.boolean(),
  /** Saving changes would edit this version in place (see docs/rubric-format.md, "Versions"). */
  editableInPlace: z.boolean(),
  criteriaCount: z.number(),
}

export const rubricVersionView = z.object({
  ...versionFacts,
  content: rubricContentView,
  maxTotal: z.number(),
  /** The passing rule in words. */
  passingText: z.string(),
})
export type RubricVersionView = z.output<typeof rubricVersionView>

export const rubricSummary = z.object({
  id,
  name: z.string(),
  achievement: z.object({ id, name: z.string(), achievementType: z.string() }),
  latestVersion: z.number(),
  latestVersionId: id,
  versionCount: z.number(),
  contentHash: z.string(),
  /** The latest version has scored someone. */
  frozen: z.boolean(),
  criteriaCount: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type RubricSummary = z.output<typeof rubricSummary>

export const rubricDetail = z.object({
  id,
  name: z.string(),
  achievement: achievementView,
  latestVersion: z.number(),
  versionCount: z.number(),
  /** The version asked for (the latest by default). */
  version: rubricVersionView,
})
export type RubricDetail = z.output<typeof rubricDetail>

export const saveStatus = z.enum(['created', 'new_version', 'updated_in_place', 'unchanged'])
export type SaveStatus = z.output<typeof saveStatus>

export const rubricSaveResult = z.object({
  /**
   * created: a new rubric; new_version: a version was added; updated_in_place: the unused latest
   * version was changed; unchanged: the content was identical, nothing was written.
   */
  status: saveStatus,
  rubric: rubricDetail,
  /** What changed from the previous content (empty for a new rubric or no change). */
  changes: z.array(rubricChange),
})

const changeNote = z
  .string()
  .max(2000, 'must be at most 2000 characters')
  .transform((s) => s.normalize('NFC').trim() || null)
  .nullish()
  .transform((v) => v ?? null)

const rubricName = z
  .string()
  .transform((s) => s.normalize('NFC').trim())
  .pipe(z.string().min(1, 'is required').max(200, 'must be at most 200 characters'))

export const rubricsOps = defineOps({
  'achievements.list': {
    summary: 'List achievements with how many rubrics assess each',
    input: empty,
    output: z.array(achievementSummary),
    readonly: true,
  },
  'achievements.get': {
    summary: 'One achievement with its image and rubrics',
    input: z.object({ id }),
    output: achievementView.extend({
      rubrics: z.array(z.object({ id, name: z.string(), latestVersion: z.number() })),
    }),
    readonly: true,
  },
  'achievements.create': {
    summary: 'Create an achievement (name, description, criteria, image, tags, type, alignment, validity)',
    input: achievementFieldsInput,
    output: achievementView,
  },
  'achievements.update': {
    summary: 'Change an achievement; fields left out stay as they are, null clears image or validity',
    input: achievementFieldsPatch.extend({ id }),
    output: achievementView,
  },
  'rubrics.list': {
    summary: 'List rubrics with their latest version, number of versions and whether it is frozen',
    input: z.object({ achievementId: id.optional() }).default({}),
    output: z.array(rubricSummary),
    readonly: true,
  },
  'rubrics.get': {
    summary: 'A rubric with one version (the latest unless given): content, hash, frozen flag',
    input: rubricRef,
    output: rubricDetail,
    readonly: true,
  },
  'rubrics.versions': {
    summary: "A rubric's versions, oldest first, each with its change note and what changed",
    input: z.object({ rubricId: id }),
    output: z.object({
      rubricId: id,
      name: z.string(),
      versions: z.array(z.object({ ...versionFacts, changes: z.array(rubricChange) })),
    }),
    readonly: true,
  },
  'rubrics.create': {
    summary: 'Create a rubric (version 1) for a new or existing achievement',
    input: z
      .object({
        achievementId: id.optional(),
        achievement: achievementFieldsInput.optional(),
        name: rubricName.optional(),
        content: rubricContentInput,
        changeNote,
      })
      .superRefine((v, ctx) => {
        if ((v.achievementId === undefined) === (v.achievement === undefined))
          ctx.addIssue({
            code: 'custom',
            path: ['achievement'],
            message: 'give either achievementId (an existing achievement) or achievement (a new one)',
          })
      }),
    output: rubricSaveResult,
  },
  'rubrics.saveVersion': {
    summary: 'Save edited content: in place while the latest version is unused, otherwise as a new version',
    input: z.object({
      rubricId: id,
      content: rubricContentInput,
      changeNote,
      /** The version the edit started from; refused if another version was saved since. */
      baseVersion: versionNumber.optional(),
    }),
    output: rubricSaveResult,
  },
  'rubrics.import': {
    summary:
      'Import a rubric file: a new rubric, a new version of the rubric it names, or nothing if identical',
    input: z
      .object({
        /** The file's text (JSON). */
        text: z
          .string()
          .max(8 * 1024 * 1024, 'the file is larger than 8 MB')
          .optional(),
        /** Or the file already parsed. */
        document: z.unknown().optional(),
      })
      .superRefine((v, ctx) => {
        if ((v.text === undefined) === (v.document === undefined))
          ctx.addIssue({ code: 'custom', path: ['text'], message: 'give either text or document' })
      }),
    output: rubricSaveResult.extend({ achievementUpdated: z.boolean(), rubricRenamed: z.boolean() }),
  },
  'rubrics.export': {
    summary: 'Export a rubric version (latest unless given) as a rubric file',
    input: rubricRef,
    output: z.object({
      rubricId: id,
      version: z.number(),
      contentHash: z.string(),
      /** A suggested file name, e.g. "forklift-operation-v2.rubric.json". */
      fileName: z.string(),
      /** The file: pretty-printed JSON, UTF-8, ending with a newline. */
      text: z.string(),
    }),
    readonly: true,
  },
})
