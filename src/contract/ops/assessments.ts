import { z } from 'zod'
import { defineOps } from '../define'
import { base64, id, isoDate, page, requiredText, text } from '../schemas/common'

/**
 * Evidence files an assessor may attach: photos from phones and cameras, scanned or exported
 * documents, short videos and plain-text notes. Anything else (office files, archives, executables)
 * is refused so that every device can show what it syncs. The bytes must look like the declared
 * type (see core/domain/evidence-media.ts).
 */
export const EVIDENCE_MEDIA_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/heic',
  'image/heif',
  'application/pdf',
  'video/mp4',
  'text/plain',
] as const
export type EvidenceMediaType = (typeof EVIDENCE_MEDIA_TYPES)[number]

export const evidenceMediaType = z.enum(EVIDENCE_MEDIA_TYPES, {
  message: `must be one of ${EVIDENCE_MEDIA_TYPES.join(', ')}`,
})

export const assessmentState = z.enum(['draft', 'finalized', 'voided'], {
  message: 'must be draft, finalized or voided',
})
export type AssessmentStateName = z.output<typeof assessmentState>

/** Mirrors `FailedRule` in core/domain/outcome.ts (the handlers' types keep the two in step). */
export const failedRule = z.discriminatedUnion('rule', [
  z.object({
    rule: z.literal('min_total'),
    unit: z.enum(['points', 'percent']),
    required: z.number(),
    actual: z.number(),
  }),
  z.object({
    rule: z.literal('critical_criterion'),
    criterionId: z.string(),
    criterionTitle: z.string(),
    requiredLevelId: z.string(),
    requiredLevelLabel: z.string(),
    achievedLevelId: z.string(),
    achievedLevelLabel: z.string(),
  }),
  z.object({ rule: z.literal('incomplete'), missingCriterionIds: z.array(z.string()) }),
  z.object({ rule: z.literal('unknown_level'), criterionId: z.string(), levelId: z.string() }),
  z.object({ rule: z.literal('unknown_criterion'), criterionId: z.string() }),
  z.object({ rule: z.literal('duplicate_score'), criterionId: z.string() }),
  z.object({ rule: z.literal('invalid_rubric'), problems: z.array(z.string()) }),
])

export const outcome = z.object({
  total: z.number(),
  maxTotal: z.number(),
  /** Truncated to 2 decimals, for display; pass/fail is decided exactly. */
  percent: z.number(),
  passed: z.boolean(),
  complete: z.boolean(),
  failedRules: z.array(failedRule),
  criteria: z.array(
    z.object({
      criterionId: z.string(),
      levelId: z.string().nullable(),
      points: z.number(),
      weighted: z.number(),
      maxWeighted: z.number(),
      metMinimum: z.boolean(),
    }),
  ),
})

/** Rubric content as an assessment shows it (see core/domain/rubric-types.ts). */
const rubricContentView = z.object({
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

export const evidenceItem = z.object({
  id,
  assessmentId: id,
  filename: z.string(),
  mediaType: z.string(),
  size: z.number(),
  sha256: z.string(),
  createdAt: z.string(),
})
export type EvidenceItem = z.output<typeof evidenceItem>

export const assessmentDetail = z.object({
  id,
  state: assessmentState,
  deviceId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  learner: z.object({
    id,
    givenName: z.string(),
    familyName: z.string(),
    fullName: z.string(),
    email: z.string().nullable(),
    externalId: z.string().nullable(),
  }),
  assessor: z.object({ id, name: z.string() }),
  rubric: z.object({
    rubricId: id,
    rubricVersionId: id,
    name: z.string(),
    version: z.number(),
    contentHash: z.string(),
    content: rubricContentView,
  }),
  assessedOn: z.string(),
  location: z.string().nullable(),
  overallComment: z.string(),
  /** One per criterion of the rubric, in rubric order; levelId null while unscored. */
  scores: z.array(z.object({ criterionId: z.string(), levelId: z.string().nullable(), comment: z.string() })),
  evidence: z.array(evidenceItem),
  outcome,
  /** True when `outcome` is the one stored at finalization; false for a draft's provisional outcome. */
  outcomeFinal: z.boolean(),
  finalizedAt: z.string().nullable(),
  finalizedBy: z.object({ id, name: z.string() }).nullable(),
  voidedAt: z.string().nullable(),
  voidReason: z.string().nullable(),
  /** The finalized assessment this one corrects. */
  supersedesId: z.string().nullable(),
  /** The newest correction of this one that is not voided. */
  supersededById: z.string().nullable(),
  history: z.array(
    z.object({
      at: z.string(),
      actor: z.string(),
      action: z.string(),
      details: z.record(z.string(), z.unknown()),
    }),
  ),
})
export type AssessmentDetail = z.output<typeof assessmentDetail>

export const assessmentSummary = z.object({
  id,
  state: assessmentState,
  learnerId: id,
  learnerName: z.string(),
  rubricId: id,
  rubricName: z.string(),
  rubricVersionId: id,
  rubricVersion: z.number(),
  assessorId: id,
  assessorName: z.string(),
  assessedOn: z.string(),
  location: z.string().nullable(),
  /** From the stored outcome; null while the assessment was never finalized. */
  passed: z.boolean().nullable(),
  total: z.number().nullable(),
  maxTotal: z.number().nullable(),
  percent: z.number().nullable(),
  finalizedAt: z.string().nullable(),
  supersedesId: z.string().nullable(),
  supersededById: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type AssessmentSummary = z.output<typeof assessmentSummary>

/** null clears; undefined leaves as is. */
const nullableTextPatch = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .nullable()
    .optional()
    .transform((s) => (s === undefined ? undefined : s === null ? null : s.normalize('NFC').trim() || null))

const rubricRefShape = {
  /** The rubric; its latest version unless `version` is given. */
  rubricId: id.optional(),
  version: z.number().int('must be a whole number').min(1, 'must be 1 or more').optional(),
  /** Or an exact rubric version. */
  rubricVersionId: id.optional(),
}

const checkRubricRef = (
  v: { rubricId?: string; version?: number; rubricVersionId?: string },
  ctx: z.RefinementCtx,
): void => {
  if (!v.rubricId && !v.rubricVersionId) {
    ctx.addIssue({ code: 'custom', path: ['rubricId'], message: 'give a rubric id (or a rubric version id)' })
  } else if (v.rubricId && v.rubricVersionId) {
    ctx.addIssue({
      code: 'custom',
      path: ['rubricVersionId'],
      message: 'give either a rubric id or a rubric version id, not both',
    })
  } else if (v.version !== undefined && !v.rubricId) {
    ctx.addIssue({ code: 'custom', path: ['version'], message: 'a version number goes with a rubric id' })
  }
}

const location = z
  .string()
  .max(200, 'must be at most 200 characters')
  .nullish()
  .transform((s) => (s ? s.normalize('NFC').trim() || null : null))

export const assessmentsOps = defineOps({
  'assessments.create': {
    summary: 'Start a draft assessment of a learner against a rubric version (latest unless given)',
    input: z
      .object({
        learnerId: id,
        ...rubricRefShape,
        assessorId: id,
        assessedOn: isoDate,
        location,
      })
      .superRefine(checkRubricRef),
    output: assessmentDetail,
  },
  'assessments.saveDraft': {
    summary:
      'Autosave a draft: scores, comments, location, date (only what is given changes); returns the provisional outcome',
    input: z.object({
      id,
      /** Per criterion: a level (null clears it) and/or a comment; criteria not named keep their score. */
      scores: z
        .array(
          z.object({
            criterionId: id,
            levelId: id.nullable().optional(),
            comment: text(4000).optional(),
          }),
        )
        .max(1000)
        .optional(),
      overallComment: text(8000).optional(),
      location: nullableTextPatch(200),
      assessedOn: isoDate.optional(),
      assessorId: id.optional(),
    }),
    output: z.object({ id, state: assessmentState, updatedAt: z.string(), changed: z.boolean(), outcome }),
  },
  'assessments.record': {
    summary:
      'Record a whole assessment at once (scores file, CLI): create, score and optionally finalize, all or nothing',
    input: z
      .object({
        learnerId: id,
        ...rubricRefShape,
        assessorId: id.optional(),
        /** Or the assessor's exact name: found, or created in the same transaction. */
        assessorName: requiredText(200).optional(),
        assessedOn: isoDate,
        location,
        overallComment: text(8000).default(''),
        /** Criteria by id; levels by id or by label (case-insensitive); null leaves a criterion unscored. */
        scores: z
          .array(
            z.object({
              criterion: id,
              level: z.string().max(200).nullable().optional(),
              comment: text(4000).default(''),
            }),
          )
          .max(1000),
        finalize: z.boolean().default(false),
      })
      .superRefine(checkRubricRef)
      .superRefine((v, ctx) => {
        if (!v.assessorId === !v.assessorName) {
          ctx.addIssue({
            code: 'custom',
            path: ['assessorId'],
            message: 'give either an assessor id or an assessor name',
          })
        }
      }),
    output: assessmentDetail,
  },
  'assessments.get': {
    summary: 'One assessment with its learner, rubric version, scores, evidence, outcome, state and history',
    readonly: true,
    input: z.object({ id }),
    output: assessmentDetail,
  },
  'assessments.list': {
    summary: 'Assessments, newest first, filtered by state, learner, rubric, assessor or date range',
    readonly: true,
    input: z
      .object({
        state: assessmentState.optional(),
        learnerId: id.optional(),
        rubricId: id.optional(),
        rubricVersionId: id.optional(),
        assessorId: id.optional(),
        /** Assessed on or after (YYYY-MM-DD). */
        from: isoDate.optional(),
        /** Assessed on or before (YYYY-MM-DD). */
        to: isoDate.optional(),
        ...page.shape,
      })
      .refine((v) => !v.from || !v.to || v.from <= v.to, {
        path: ['to'],
        message: 'must not be before "from"',
      }),
    output: z.object({
      items: z.array(assessmentSummary),
      total: z.number(),
      limit: z.number(),
      offset: z.number(),
    }),
  },
  'assessments.finalize': {
    summary: 'Sign off a fully scored draft: its outcome is computed, stored and frozen',
    input: z.object({
      id,
      /** Who signs off; must be the assessment's assessor. Defaults to it. */
      assessorId: id.optional(),
    }),
    output: assessmentDetail,
  },
  'assessments.void': {
    summary: 'Void a draft or a finalized assessment, with a reason; the record stays',
    input: z.object({ id, reason: requiredText(1000) }),
    output: assessmentDetail,
  },
  'assessments.correct': {
    summary:
      'Start a correction of a finalized assessment: a new draft that supersedes it, with its scores and evidence copied',
    input: z.object({ id, assessorId: id.optional() }),
    output: assessmentDetail,
  },
  'evidence.add': {
    summary: 'Attach a file (photo, PDF, video, text) to a draft assessment',
    input: z.object({
      assessmentId: id,
      filename: requiredText(255),
      mediaType: evidenceMediaType,
      dataBase64: base64,
    }),
    output: evidenceItem,
  },
  'evidence.get': {
    summary: 'An evidence file with its bytes (base64), checked against its SHA-256',
    readonly: true,
    input: z.object({ id }),
    output: evidenceItem.extend({ dataBase64: z.string() }),
  },
  'evidence.remove': {
    summary: 'Remove an evidence file from a draft assessment',
    input: z.object({ id }),
    output: z.object({ id, assessmentId: id }),
  },
})
