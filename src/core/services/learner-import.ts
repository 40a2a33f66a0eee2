import { TesseraError } from '../../contract/errors'
import type { ImportProblem, ImportReport, ImportResult, importInput } from '../../contract/ops/learners'
import type { z } from 'zod'
import { canonicalJson } from '../domain/canonical-json'
import { newId } from '../domain/ids'
import { analyseLearnerFile, type LearnerFileAnalysis } from '../import/learner-file'
import { reportIssues } from '../import/report-issues'
import {
  mergeForUpdate,
  planLearnerImport,
  type ExistingLearner,
  type ExistingLookup,
  type ImportPlan,
} from '../import/learner-import-plan'
import { sha256Hex } from '../node/hash'
import { appendAudit } from './audit'
import { isoNow, type CallContext, type ServiceContext, type Tx } from './context'
import { columnsFor, fieldsOf, findOrCreateCohorts, type LearnerSnapshot } from './learner-records'

type ImportArgs = z.output<typeof importInput>

interface PreparedImport {
  bytes: Uint8Array
  analysis: LearnerFileAnalysis
  plan: ImportPlan
  report: ImportReport
}

/** Reads the file and plans the import against the database as `tx` sees it. Writes nothing. */
export async function prepareImport(tx: Tx, args: ImportArgs): Promise<PreparedImport> {
  const bytes = Buffer.from(args.csvBase64, 'base64')
  const analysis = analyseLearnerFile(bytes, {
    delimiter: args.delimiter,
    mapping: args.mapping,
    sampleSize: args.previewRows,
  })
  const existing = await lookupExisting(tx, analysis)
  const plan = planLearnerImport(analysis, existing, args.onDuplicate)
  return { bytes, analysis, plan, report: buildReport(args, bytes, analysis, plan) }
}

async function lookupExisting(tx: Tx, analysis: LearnerFileAnalysis): Promise<ExistingLookup> {
  const emails = [...new Set(analysis.rows.map((r) => r.emailKey).filter((e): e is string => e !== null))]
  const externalIds = [
    ...new Set(analysis.rows.map((r) => r.fields.externalId).filter((e): e is string => e !== null)),
  ]
  const lookup: ExistingLookup = { byEmailKey: new Map(), byExternalId: new Map() }
  const add = (map: Map<string, ExistingLearner[]>, key: string, l: ExistingLearner): void => {
    const list = map.get(key) ?? []
    list.push(l)
    map.set(key, list)
  }
  const toExisting = (r: Parameters<typeof fieldsOf>[0]): ExistingLearner => ({
    id: r.id,
    version: r.version,
    fields: fieldsOf(r),
    emailKey: r.email_key,
    updatedAt: r.updated_at,
  })
  // Chunks stay under SQLite's bound-parameter limit; each lookup uses a partial index.
  for (let i = 0; i < emails.length; i += 500) {
    const rows = await tx
      .selectFrom('learner')
      .selectAll()
      .where('email_key', 'in', emails.slice(i, i + 500))
      .orderBy('created_at')
      .execute()
    for (const r of rows) add(lookup.byEmailKey, r.email_key!, toExisting(r))
  }
  for (let i = 0; i < externalIds.length; i += 500) {
    const rows = await tx
      .selectFrom('learner')
      .selectAll()
      .where('external_id', 'in', externalIds.slice(i, i + 500))
      .orderBy('created_at')
      .execute()
    for (const r of rows) add(lookup.byExternalId, r.external_id!, toExisting(r))
  }
  return lookup
}

function buildReport(
  args: ImportArgs,
  bytes: Uint8Array,
  analysis: LearnerFileAnalysis,
  plan: ImportPlan,
): ImportReport {
  const problems: ImportProblem[] = [...analysis.problems, ...plan.problems].sort((a, b) => a.row - b.row)
  const invalidRows = new Set([...analysis.invalidRows, ...plan.problems.map((p) => p.row)])
  const actionByRow = new Map(plan.actions.map((a) => [a.row.row, a.kind] as const))
  const count = (kind: 'create' | 'update' | 'skip'): number =>
    plan.actions.filter((a) => a.kind === kind).length
  const counts = {
    rows: analysis.dataRows,
    blank: analysis.blankRows,
    invalid: invalidRows.size,
    duplicatesInFile: plan.duplicatesInFile,
    duplicatesExisting: plan.duplicatesExisting,
    toCreate: count('create'),
    toUpdate: count('update'),
    toSkip: count('skip'),
  }
  let blockedBy: string | null = null
  if (analysis.fileErrors.length) {
    blockedBy = analysis.fileErrors[0]!.message
  } else if (counts.invalid > 0 && !args.skipInvalid) {
    blockedBy = `${counts.invalid} of ${counts.rows - counts.blank} rows ${counts.invalid === 1 ? 'has' : 'have'} problems: fix them, or leave them out (skipInvalid) and import the others`
  } else if (plan.actions.length === 0) {
    blockedBy = `none of the ${counts.rows - counts.blank} rows can be imported`
  }
  return {
    fileName: args.fileName ?? null,
    sha256: sha256Hex(bytes),
    bom: analysis.bom,
    delimiter: analysis.delimiter,
    delimiterDetected: analysis.delimiterDetected,
    headers: analysis.headers,
    columns: analysis.columns,
    fileErrors: analysis.fileErrors,
    problems,
    duplicates: plan.duplicates,
    sample: analysis.sample.map((s) => ({
      row: s.row,
      line: s.line,
      action: invalidRows.has(s.row) ? 'invalid' : (actionByRow.get(s.row) ?? 'invalid'),
      values: s.values,
    })),
    counts,
    canImport: blockedBy === null,
    blockedBy,
  }
}

const PROGRESS_EVERY = 250

/**
 * Writes every planned row in one transaction, or nothing: the plan is re-made inside the
 * transaction (the database may have changed since the preview), and a refused plan, a failing
 * row or a crash rolls everything back. One audit entry records the whole import.
 */
export async function commitImport(
  ctx: ServiceContext,
  args: ImportArgs,
  call: CallContext,
): Promise<ImportResult> {
  const sqlite = ctx.database.sqlite
  return ctx.db.transaction().execute(async (trx) => {
    call.progress?.({ step: 'import.check', done: 0, total: 1 })
    const { plan, report } = await prepareImport(trx, args)
    call.progress?.({ step: 'import.check', done: 1, total: 1 })
    if (!report.canImport) {
      throw new TesseraError('validation', `Nothing was imported: ${report.blockedBy}`, {
        issues: reportIssues(report),
        details: { counts: report.counts },
      })
    }

    const now = isoNow(ctx)
    const cohortNames = [
      ...(args.cohort ? [args.cohort] : []),
      // A repeat of an earlier row joins nothing, so it creates no cohort either.
      ...plan.actions.flatMap((a) =>
        a.row.cohort && (a.kind !== 'skip' || a.learner) ? [a.row.cohort] : [],
      ),
    ]
    const { cohorts, created: cohortsCreated } = await findOrCreateCohorts(trx, ctx, cohortNames)

    // The bulk rows go through prepared statements on the same connection, inside the transaction
    // kysely opened, without kysely compiling and preparing each of the 10,000+ statements anew.
    if (!sqlite.inTransaction) throw new TesseraError('internal', 'import must run inside a transaction')
    const insertLearner = sqlite.prepare(
      `INSERT INTO learner (id, device_id, created_at, updated_at, version, given_name, family_name, email, email_key,
         phone, external_id, notes, search_key)
       VALUES (@id, @device_id, @created_at, @updated_at, 1, @given_name, @family_name, @email, @email_key,
         @phone, @external_id, @notes, @search_key)`,
    )
    const updateLearner = sqlite.prepare(
      `UPDATE learner SET version = version + 1, updated_at = @updated_at, given_name = @given_name,
         family_name = @family_name, email = @email, email_key = @email_key, phone = @phone,
         external_id = @external_id, notes = @notes, search_key = @search_key
       WHERE id = @id AND version = @version`,
    )
    const insertHistory = sqlite.prepare(
      `INSERT INTO learner_history (id, device_id, created_at, updated_at, learner_id, version, snapshot)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    const addMember = sqlite.prepare(
      `INSERT INTO learner_cohort (learner_id, cohort_id, device_id, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (learner_id, cohort_id) DO NOTHING`,
    )

    const result = { created: 0, updated: 0, unchanged: 0, skipped: 0, addedToCohorts: 0 }
    const total = plan.actions.length
    for (let i = 0; i < total; i++) {
      const action = plan.actions[i]!
      let learnerId: string | null
      if (action.kind === 'create') {
        learnerId = newId()
        insertLearner.run({
          id: learnerId,
          device_id: ctx.deviceId,
          created_at: now,
          updated_at: now,
          ...columnsFor(action.row.fields),
        })
        result.created++
      } else if (action.kind === 'update') {
        learnerId = action.learner.id
        const next = mergeForUpdate(action.learner.fields, action.row)
        if (next) {
          const previous: LearnerSnapshot = {
            version: action.learner.version,
            ...action.learner.fields,
            updatedAt: action.learner.updatedAt,
          }
          insertHistory.run(
            newId(),
            ctx.deviceId,
            now,
            now,
            learnerId,
            previous.version,
            canonicalJson(previous),
          )
          const changed = updateLearner.run({
            id: learnerId,
            version: action.learner.version,
            updated_at: now,
            ...columnsFor(next),
          })
          if (changed.changes !== 1)
            throw new TesseraError('conflict', `learner ${learnerId} changed during the import`)
          result.updated++
        } else {
          result.unchanged++
        }
      } else {
        // A repeat of an earlier row is left out entirely; a learner already in the database keeps
        // its record but still joins the cohorts this file puts people in.
        learnerId = action.learner?.id ?? null
        result.skipped++
      }
      if (learnerId) {
        for (const name of new Set([args.cohort, action.row.cohort])) {
          if (!name) continue
          result.addedToCohorts += addMember.run(learnerId, cohorts.get(name)!, ctx.deviceId, now).changes
        }
      }
      if ((i + 1) % PROGRESS_EVERY === 0 || i + 1 === total) {
        call.progress?.({ step: 'import.write', done: i + 1, total })
        // Let the transport deliver the progress event (IPC, HTTP stream) before the next batch.
        await new Promise((resolve) => setTimeout(resolve, 0))
      }
    }

    const importId = newId()
    const invalidSkipped = report.counts.invalid
    await appendAudit(trx, ctx, call, {
      action: 'learners.import',
      entityType: 'learner_import',
      entityId: importId,
      details: {
        fileName: args.fileName ?? null,
        sha256: report.sha256,
        rows: report.counts.rows,
        ...result,
        invalidSkipped,
        onDuplicate: args.onDuplicate,
        cohort: args.cohort,
        cohortsCreated: cohortsCreated.map((c) => c.name),
      },
    })
    return { importId, ...result, invalidSkipped, cohortsCreated: cohortsCreated.map((c) => c.name), report }
  })
}
