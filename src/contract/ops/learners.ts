import { z } from 'zod'
import { defineOps } from '../define'
import { base64, id } from '../schemas/common'

/*
 * Learner fields are validated by these schemas everywhere: the ops below, and every CSV row of an
 * import (core/import runs each row through `learnerFieldsSchema`), so a value accepted by one front
 * end is accepted by all. Messages are short phrases that read well after a location:
 * "email: not a valid email address", "row 14, email: not a valid email address".
 */

export const NAME_MAX = 200
export const EMAIL_MAX = 320
export const PHONE_MAX = 40
export const EXTERNAL_ID_MAX = 100
export const NOTES_MAX = 4000
export const COHORT_NAME_MAX = 200

const clean = (s: string): string => s.normalize('NFC').trim()

/** Names and ids are one line: tabs, line breaks and other C0/C1 controls are typing or export accidents. */
const CONTROL = /\p{Cc}/u
/** Notes may span lines. */
const CONTROL_EXCEPT_LINES = /(?![\n\r\t])\p{Cc}/u

/**
 * Emails in any script (IDN domains, Unicode local parts: "أحمد@مثال.مصر" is a real address), but
 * with the shape people get wrong: one @, something before it, a dotted domain of letters, digits and
 * hyphens, and a top-level domain of at least two letters.
 */
export function isPlausibleEmail(s: string): boolean {
  const at = s.lastIndexOf('@')
  if (at <= 0 || s.indexOf('@') !== at) return false
  const local = s.slice(0, at)
  const domain = s.slice(at + 1)
  if (
    local.length > 64 ||
    /[\s"(),:;<>[\\\]]/u.test(local) ||
    local.startsWith('.') ||
    local.endsWith('.') ||
    local.includes('..')
  ) {
    return false
  }
  const labels = domain.split('.')
  if (labels.length < 2) return false
  const label = /^[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}-]*[\p{L}\p{N}\p{M}])?$/u
  if (!labels.every((l) => l.length <= 63 && label.test(l))) return false
  return /^\p{L}{2,}$/u.test(labels.at(-1) ?? '') || /^xn--[a-z0-9-]+$/i.test(labels.at(-1) ?? '')
}

/**
 * Plausible, not verified: 6 to 15 digits (E.164 allows at most 15), in any script's digits (Arabic-Indic
 * ٠١٢, Devanagari ०१२), with the usual separators and an optional leading +. Stored as typed.
 */
export function phoneProblem(s: string): string | null {
  if (!/^\+?[\p{Nd}\s().\-/]+$/u.test(s))
    return 'not a plausible phone number (only digits, spaces, + ( ) - . / are allowed)'
  const digits = s.match(/\p{Nd}/gu)?.length ?? 0
  if (digits < 6 || digits > 15) return `not a plausible phone number (${digits} digits; expected 6 to 15)`
  return null
}

type Check = (s: string) => string | null

/**
 * One text field: NFC, trimmed, length-limited, no stray control characters. `''` (after trimming)
 * becomes null for optional fields and "required" for required ones.
 */
function field(
  max: number,
  opts: { required: true; multiline?: boolean; check?: Check },
): z.ZodType<string, string>
function field(
  max: number,
  opts?: { required?: false; multiline?: boolean; check?: Check },
): z.ZodType<string | null, string>
function field(
  max: number,
  opts: { required?: boolean; multiline?: boolean; check?: Check } = {},
): z.ZodType<string | null, string> {
  return z.string({ message: 'must be text' }).transform((raw, ctx) => {
    // Windows line breaks inside a note become \n, so a note reads the same wherever it was typed.
    const s = opts.multiline ? clean(raw).replace(/\r\n?/g, '\n') : clean(raw)
    if (s === '') {
      if (!opts.required) return null
      ctx.addIssue({ code: 'custom', message: 'required' })
      return z.NEVER
    }
    const problem =
      s.length > max
        ? `longer than ${max} characters`
        : (opts.multiline ? CONTROL_EXCEPT_LINES : CONTROL).test(s)
          ? opts.multiline
            ? 'contains a control character'
            : 'contains a line break, tab or other control character'
          : (opts.check?.(s) ?? null)
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem })
      return z.NEVER
    }
    return s
  })
}

export const givenNameField = field(NAME_MAX, { required: true })
export const familyNameField = field(NAME_MAX)
export const emailField = field(EMAIL_MAX, {
  check: (s) => (isPlausibleEmail(s) ? null : 'not a valid email address'),
})
export const phoneField = field(PHONE_MAX, { check: phoneProblem })
export const externalIdField = field(EXTERNAL_ID_MAX)
export const notesField = field(NOTES_MAX, { multiline: true })
export const cohortNameField = field(COHORT_NAME_MAX, { required: true })

/** The learner fields a person types (or a CSV row holds), validated and NFC-normalised. */
export const learnerFieldsSchema = z.object({
  givenName: givenNameField,
  familyName: familyNameField.nullish().transform((v) => v ?? ''),
  email: emailField.nullish().transform((v) => v ?? null),
  phone: phoneField.nullish().transform((v) => v ?? null),
  externalId: externalIdField.nullish().transform((v) => v ?? null),
  notes: notesField.nullish().transform((v) => v ?? null),
})
export type LearnerFields = z.output<typeof learnerFieldsSchema>

export const cohortRef = z.object({ id: z.string(), name: z.string() })

export const learner = z.object({
  id: z.string(),
  givenName: z.string(),
  familyName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  externalId: z.string().nullable(),
  notes: z.string().nullable(),
  /** Starts at 1; every saved edit adds 1 and keeps the previous version in the history. */
  version: z.number(),
  deviceId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  cohorts: z.array(cohortRef),
})
export type Learner = z.output<typeof learner>

export const learnerAssessmentSummary = z.object({
  id: z.string(),
  assessedOn: z.string(),
  rubricName: z.string(),
  rubricVersion: z.number(),
  state: z.enum(['draft', 'finalized', 'voided']),
  /** Null until finalized. */
  passed: z.boolean().nullable(),
})

export const learnerVersion = z.object({
  version: z.number(),
  current: z.boolean(),
  givenName: z.string(),
  familyName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  externalId: z.string().nullable(),
  notes: z.string().nullable(),
  /** When this version was written. */
  updatedAt: z.string(),
})

export const cohort = z.object({
  id: z.string(),
  name: z.string(),
  memberCount: z.number(),
  createdAt: z.string(),
})

// ---- CSV import ------------------------------------------------------------------------------

/** What a CSV column can hold. `cohort` puts the row's learner in that cohort (created if missing). */
export const IMPORT_FIELDS = [
  'given_name',
  'family_name',
  'email',
  'phone',
  'external_id',
  'cohort',
  'notes',
] as const
export const importField = z.enum(IMPORT_FIELDS)
export type ImportField = z.output<typeof importField>
export const DELIMITERS = [',', ';', '\t'] as const
export const delimiter = z.enum(DELIMITERS, { message: 'must be a comma, a semicolon or a tab' })
export type Delimiter = z.output<typeof delimiter>

/** 32 MiB of CSV is about 300,000 learners: far beyond a training programme, and still fits in memory. */
export const IMPORT_MAX_BYTES = 32 * 1024 * 1024

export const importInput = z.object({
  /** The file's bytes: the import checks the encoding itself (UTF-8 with or without BOM only). */
  csvBase64: base64.max(
    Math.ceil(IMPORT_MAX_BYTES / 3) * 4,
    `the file is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MiB`,
  ),
  /** Only for the report and the audit entry. */
  fileName: z.string().max(500).nullish(),
  /** Detected when absent. */
  delimiter: delimiter.nullish(),
  /**
   * Overrides of the suggested column mapping: file column (its header text, or `#3` for the third
   * column) → field, or 'ignore'. Columns not named here keep their suggested field.
   */
  mapping: z.record(z.string(), z.enum([...IMPORT_FIELDS, 'ignore'])).default({}),
  /** A row whose email (any case) or external id matches a learner already in the database. */
  onDuplicate: z.enum(['skip', 'update']).default('skip'),
  /** Put every imported (and every matched existing) learner in this cohort, created if missing. */
  cohort: cohortNameField.nullish().transform((v) => v ?? null),
  /** Import the good rows and leave out the bad ones; by default one bad row stops the whole import. */
  skipInvalid: z.boolean().default(false),
  /** How many mapped rows the preview shows. */
  previewRows: z.number().int().min(0).max(1000).default(20),
})

const reportLocation = {
  /** The row as a spreadsheet shows it: the header is row 1. */
  row: z.number(),
  /** The line of the file where that row starts (differs from `row` after values with line breaks). */
  line: z.number(),
}

export const importProblem = z.object({
  ...reportLocation,
  /** The column's header as in the file; null when the problem is the row itself. */
  column: z.string().nullable(),
  field: importField.nullable(),
  value: z.string().nullable(),
  reason: z.string(),
})
export type ImportProblem = z.output<typeof importProblem>

export const importDuplicate = z.object({
  ...reportLocation,
  field: z.enum(['email', 'external_id']),
  value: z.string(),
  /** Same person as an earlier row of the file (that row is imported, this one is not). */
  sameAsRow: z.number().nullable(),
  /** Same person as a learner already in the database. */
  learnerId: z.string().nullable(),
  learnerName: z.string().nullable(),
  action: z.enum(['skip', 'update']),
})
export type ImportDuplicate = z.output<typeof importDuplicate>

export const importReport = z.object({
  fileName: z.string().nullable(),
  /** SHA-256 of the file's bytes: the audit entry names the exact file that was imported. */
  sha256: z.string(),
  bom: z.boolean(),
  delimiter: delimiter.nullable(),
  delimiterDetected: z.boolean(),
  headers: z.array(z.string()),
  columns: z.array(
    z.object({
      /** 1-based, as `#N` in a mapping. */
      number: z.number(),
      header: z.string(),
      field: importField.nullable(),
      /** suggested: recognised from the header; mapped: set by the caller; ignored: mapped to 'ignore'. */
      how: z.enum(['suggested', 'mapped', 'ignored', 'unrecognised']),
    }),
  ),
  /** Problems with the whole file (encoding, delimiter, header, broken quotes): nothing can be imported. */
  fileErrors: z.array(
    z.object({ row: z.number().nullable(), line: z.number().nullable(), message: z.string() }),
  ),
  /** Every bad row: one entry per bad value. */
  problems: z.array(importProblem),
  duplicates: z.array(importDuplicate),
  sample: z.array(
    z.object({
      ...reportLocation,
      action: z.enum(['create', 'update', 'skip', 'invalid']),
      values: z.partialRecord(importField, z.string()),
    }),
  ),
  counts: z.object({
    /** Data rows below the header, blank rows included. */
    rows: z.number(),
    blank: z.number(),
    invalid: z.number(),
    duplicatesInFile: z.number(),
    duplicatesExisting: z.number(),
    toCreate: z.number(),
    toUpdate: z.number(),
    toSkip: z.number(),
  }),
  /** Whether `importCommit` with the same input would write (see `blockedBy` when not). */
  canImport: z.boolean(),
  blockedBy: z.string().nullable(),
})
export type ImportReport = z.output<typeof importReport>

export const importResult = z.object({
  importId: z.string(),
  created: z.number(),
  updated: z.number(),
  /** Matched an existing learner under 'update' but every value was already the same. */
  unchanged: z.number(),
  /** Duplicates left out (in the file, or already in the database under 'skip'). */
  skipped: z.number(),
  /** Bad rows left out under `skipInvalid`. */
  invalidSkipped: z.number(),
  cohortsCreated: z.array(z.string()),
  /** Memberships added (new learners, and matched existing learners, put in a cohort). */
  addedToCohorts: z.number(),
  report: importReport,
})
export type ImportResult = z.output<typeof importResult>

// ---- ops -------------------------------------------------------------------------------------

const learnerPatch = z.object({
  id,
  /** Refuse the edit if someone saved a newer version meanwhile. */
  expectedVersion: z.number().int().min(1).optional(),
  givenName: givenNameField.optional(),
  familyName: familyNameField.nullable().optional(),
  email: emailField.nullable().optional(),
  phone: phoneField.nullable().optional(),
  externalId: externalIdField.nullable().optional(),
  notes: notesField.nullable().optional(),
})

export const learnersOps = defineOps({
  'learners.add': {
    summary: 'Add a learner (names stored exactly as typed, NFC), optionally into cohorts by name',
    input: learnerFieldsSchema.extend({
      cohorts: z.array(cohortNameField).max(50).default([]),
    }),
    output: learner,
  },
  'learners.update': {
    summary: 'Change a learner; the previous version is kept in the history',
    input: learnerPatch,
    output: learner,
  },
  'learners.get': {
    summary: 'One learner with cohorts and assessment history',
    readonly: true,
    input: z.object({ id }),
    output: learner.extend({ assessments: z.array(learnerAssessmentSummary) }),
  },
  'learners.list': {
    summary: 'Learners by family then given name; search by name, email or id (any case, accents optional)',
    readonly: true,
    input: z
      .object({
        q: z.string().max(500).nullish(),
        /** Cohort id or exact name. */
        cohort: z.string().max(COHORT_NAME_MAX).nullish(),
        limit: z.number().int().min(1).max(1000).default(50),
        offset: z.number().int().min(0).default(0),
      })
      .default({ limit: 50, offset: 0 }),
    output: z.object({ total: z.number(), limit: z.number(), offset: z.number(), items: z.array(learner) }),
  },
  'learners.history': {
    summary: 'Every version of a learner, newest first',
    readonly: true,
    input: z.object({ id }),
    output: z.object({ learnerId: z.string(), versions: z.array(learnerVersion) }),
  },
  'learners.importPreview': {
    summary: 'Read a CSV of learners and report what an import would do, changing nothing',
    readonly: true,
    input: importInput,
    output: importReport,
  },
  'learners.importCommit': {
    summary: 'Import a CSV of learners: every accepted row in one transaction, or nothing',
    progress: true,
    input: importInput,
    output: importResult,
  },
  'cohorts.list': {
    summary: 'Cohorts with their member counts',
    readonly: true,
    input: z.object({}).strict().default({}),
    output: z.array(cohort),
  },
  'cohorts.create': {
    summary: 'Create a cohort (names are unique)',
    input: z.object({ name: cohortNameField }),
    output: cohort,
  },
  'cohorts.addLearners': {
    summary: 'Put learners in a cohort',
    input: z.object({ cohortId: id, learnerIds: z.array(id).min(1).max(100_000) }),
    output: z.object({ cohortId: z.string(), added: z.number(), alreadyMembers: z.number() }),
  },
  'cohorts.removeLearners': {
    summary: 'Take learners out of a cohort (the learners stay)',
    input: z.object({ cohortId: id, learnerIds: z.array(id).min(1).max(100_000) }),
    output: z.object({ cohortId: z.string(), removed: z.number(), notMembers: z.number() }),
  },
})
