import type { ImportDuplicate, ImportProblem, LearnerFields } from '../../contract/ops/learners'
import type { LearnerFileAnalysis, LearnerRow } from './learner-file'

/** A learner already in the database that a row may be the same person as. */
export interface ExistingLearner {
  id: string
  version: number
  fields: LearnerFields
  emailKey: string | null
  /** When its current version was written (kept with the version in the history on update). */
  updatedAt: string
}

export interface ExistingLookup {
  byEmailKey: Map<string, ExistingLearner[]>
  byExternalId: Map<string, ExistingLearner[]>
}

export type PlannedAction =
  | { kind: 'create'; row: LearnerRow }
  | { kind: 'update'; row: LearnerRow; learner: ExistingLearner }
  /** `learner` is null for a repeat of an earlier row of the same file. */
  | { kind: 'skip'; row: LearnerRow; learner: ExistingLearner | null }

export interface ImportPlan {
  actions: PlannedAction[]
  duplicates: ImportDuplicate[]
  /** Rows refused by the plan (a row matching two different existing learners under 'update'). */
  problems: ImportProblem[]
  duplicatesInFile: number
  duplicatesExisting: number
}

const displayName = (f: LearnerFields): string => [f.givenName, f.familyName].filter(Boolean).join(' ')

/**
 * Decides, row by row in file order, what an import does:
 * - a row with the same email (any case) or external id as an EARLIER valid row of the file is the
 *   same person listed twice: it is skipped and reported (the first row wins, whatever the option);
 * - a row matching a learner already in the database is skipped or updates that learner
 *   (`onDuplicate`); matching two different learners (one by email, another by external id) cannot be
 *   updated safely and is a row problem under 'update';
 * - any other row creates a learner.
 */
export function planLearnerImport(
  analysis: Pick<LearnerFileAnalysis, 'rows'>,
  existing: ExistingLookup,
  onDuplicate: 'skip' | 'update',
): ImportPlan {
  const plan: ImportPlan = {
    actions: [],
    duplicates: [],
    problems: [],
    duplicatesInFile: 0,
    duplicatesExisting: 0,
  }
  const firstRowByEmail = new Map<string, number>()
  const firstRowByExternalId = new Map<string, number>()

  for (const row of analysis.rows) {
    const at = { row: row.row, line: row.line }
    const email = row.emailKey
    const ext = row.fields.externalId
    const sameEmailRow = email ? firstRowByEmail.get(email) : undefined
    const sameExtRow = ext ? firstRowByExternalId.get(ext) : undefined
    if (sameEmailRow !== undefined || sameExtRow !== undefined) {
      plan.duplicatesInFile++
      if (sameEmailRow !== undefined && email) {
        plan.duplicates.push(inFile(at, 'email', row.fields.email ?? email, sameEmailRow))
      }
      if (sameExtRow !== undefined && ext) plan.duplicates.push(inFile(at, 'external_id', ext, sameExtRow))
      plan.actions.push({ kind: 'skip', row, learner: null })
      continue
    }
    if (email) firstRowByEmail.set(email, row.row)
    if (ext) firstRowByExternalId.set(ext, row.row)

    const byEmail = email ? (existing.byEmailKey.get(email) ?? []) : []
    const byExt = ext ? (existing.byExternalId.get(ext) ?? []) : []
    const matches = new Map<string, ExistingLearner>()
    for (const l of [...byExt, ...byEmail]) matches.set(l.id, l)
    if (matches.size === 0) {
      plan.actions.push({ kind: 'create', row })
      continue
    }
    plan.duplicatesExisting++
    for (const l of byEmail)
      plan.duplicates.push(existingDup(at, 'email', row.fields.email ?? '', l, onDuplicate))
    for (const l of byExt) plan.duplicates.push(existingDup(at, 'external_id', ext ?? '', l, onDuplicate))
    const [first] = matches.values()
    if (onDuplicate === 'skip') {
      plan.actions.push({ kind: 'skip', row, learner: first ?? null })
    } else if (matches.size > 1) {
      plan.problems.push({
        ...at,
        column: null,
        field: null,
        value: null,
        reason:
          `matches ${matches.size} different learners already in the database ` +
          `(${[...matches.values()].map((l) => `${displayName(l.fields)} ${l.id}`).join('; ')}); update them one by one`,
      })
    } else if (first) {
      plan.actions.push({ kind: 'update', row, learner: first })
    }
  }
  return plan
}

const inFile = (
  at: { row: number; line: number },
  field: 'email' | 'external_id',
  value: string,
  sameAsRow: number,
): ImportDuplicate => ({
  ...at,
  field,
  value,
  sameAsRow,
  learnerId: null,
  learnerName: null,
  action: 'skip',
})

const existingDup = (
  at: { row: number; line: number },
  field: 'email' | 'external_id',
  value: string,
  l: ExistingLearner,
  action: 'skip' | 'update',
): ImportDuplicate => ({
  ...at,
  field,
  value,
  sameAsRow: null,
  learnerId: l.id,
  learnerName: displayName(l.fields),
  action,
})

/**
 * The fields an update writes: only those with a value in the file, so a blank cell never erases
 * what is already known. Returns null when nothing would change.
 */
export function mergeForUpdate(current: LearnerFields, row: LearnerRow): LearnerFields | null {
  const next: LearnerFields = { ...current }
  if (row.present.has('given_name')) next.givenName = row.fields.givenName
  if (row.present.has('family_name')) next.familyName = row.fields.familyName
  if (row.present.has('email')) next.email = row.fields.email
  if (row.present.has('phone')) next.phone = row.fields.phone
  if (row.present.has('external_id')) next.externalId = row.fields.externalId
  if (row.present.has('notes')) next.notes = row.fields.notes
  const changed = (Object.keys(next) as (keyof LearnerFields)[]).some((k) => next[k] !== current[k])
  return changed ? next : null
}
