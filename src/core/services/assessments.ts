import { sql, type Selectable } from 'kysely'
import { conflict, invalid, notFound, TesseraError, type ErrorIssue } from '../../contract/errors'
import type {
  AssessmentDetail,
  AssessmentSummary,
  assessmentsOps,
  EvidenceItem,
} from '../../contract/ops/assessments'
import type { OpArgs } from '../../contract/ops'
import type { AssessmentTable, EvidenceTable } from '../db/schema'
import { canonicalJson } from '../domain/canonical-json'
import { contentMatchesMediaType, formatBytes } from '../domain/evidence-media'
import { newId } from '../domain/ids'
import { fullName } from '../domain/names'
import { computeOutcome, type Outcome } from '../domain/outcome'
import type { RubricContent } from '../domain/rubric-types'
import { resolveSheetEntries } from '../domain/score-sheet'
import { sha256Hex } from '../node/hash'
import type { IssuerKeys } from '../crypto/keys'
import { keysToRevokeCredentialsOf, revokeCredentialsOf } from './assessment-credentials'
import { appendAudit } from './audit'
import { isoNow, type CallContext, type ServiceContext, type Tx } from './context'
import type { FeatureHandlers } from './handlers'
import { loadRubricVersion, resolveRubricVersion } from './rubric-store'

type AssessmentRow = Selectable<AssessmentTable>

interface VersionInfo {
  id: string
  rubricId: string
  version: number
  content: RubricContent
  contentHash: string
}

/**
 * Assessments move draft → finalized → voided (a draft may also be voided). Drafts are autosaved
 * and editable; finalized ones are frozen (here, and again by the triggers of migration 0001);
 * a correction is a new draft that supersedes the finalized one. Every write is one transaction
 * together with its audit entry.
 */
export function assessmentsHandlers(ctx: ServiceContext): FeatureHandlers<typeof assessmentsOps> {
  const { db } = ctx

  return {
    'assessments.create': async (args, call) => {
      const id = await db.transaction().execute(async (trx) => {
        await requireLearner(trx, args.learnerId)
        await requireAssessor(trx, args.assessorId, ['assessorId'])
        checkAssessedOn(ctx, args.assessedOn, ['assessedOn'])
        const version = await resolveVersion(trx, args)
        const row = await insertAssessment(trx, ctx, {
          learnerId: args.learnerId,
          rubricVersionId: version.id,
          assessorId: args.assessorId,
          assessedOn: args.assessedOn,
          location: args.location,
          overallComment: '',
          supersedesId: null,
        })
        await appendAudit(trx, ctx, call, {
          action: 'assessment.create',
          entityType: 'assessment',
          entityId: row.id,
          details: {
            learnerId: row.learner_id,
            rubricVersionId: version.id,
            contentHash: version.contentHash,
            assessorId: row.assessor_id,
            assessedOn: row.assessed_on,
          },
        })
        return row.id
      })
      return getDetail(db, id)
    },

    'assessments.saveDraft': async (args, call) =>
      db.transaction().execute(async (trx) => {
        const row = await requireAssessment(trx, args.id)
        requireDraft(row, 'saved')
        const version = await loadVersion(trx, row.rubric_version_id)
        const existing = await loadScores(trx, row.id)
        const issues = checkScorePatch(version.content, args.scores ?? [])
        if (args.assessorId !== undefined && args.assessorId !== row.assessor_id) {
          await requireAssessor(trx, args.assessorId, ['assessorId'])
        }
        if (args.assessedOn !== undefined)
          issues.push(...assessedOnIssues(ctx, args.assessedOn, ['assessedOn']))
        if (issues.length > 0) throw invalid(`Cannot save the draft: ${describeIssues(issues)}`, issues)

        const changedScores: { criterionId: string; levelId: string | null; comment: string }[] = []
        const byCriterion = new Map(existing.map((s) => [s.criterion_id, s]))
        for (const s of args.scores ?? []) {
          const before = byCriterion.get(s.criterionId)
          const next = {
            criterionId: s.criterionId,
            levelId: s.levelId === undefined ? (before?.level_id ?? null) : s.levelId,
            comment: s.comment === undefined ? (before?.comment ?? '') : s.comment,
          }
          if (
            before
              ? before.level_id === next.levelId && before.comment === next.comment
              : next.levelId === null && next.comment === ''
          ) {
            continue
          }
          changedScores.push(next)
          byCriterion.set(s.criterionId, {
            assessment_id: row.id,
            criterion_id: s.criterionId,
            level_id: next.levelId,
            comment: next.comment,
          })
        }

        const patch: {
          overall_comment?: string
          location?: string | null
          assessed_on?: string
          assessor_id?: string
        } = {}
        if (args.overallComment !== undefined && args.overallComment !== row.overall_comment)
          patch.overall_comment = args.overallComment
        if (args.location !== undefined && args.location !== row.location) patch.location = args.location
        if (args.assessedOn !== undefined && args.assessedOn !== row.assessed_on)
          patch.assessed_on = args.assessedOn
        if (args.assessorId !== undefined && args.assessorId !== row.assessor_id)
          patch.assessor_id = args.assessorId

        const changed = changedScores.length > 0 || Object.keys(patch).length > 0
        let updatedAt = row.updated_at
        if (changed) {
          updatedAt = isoNow(ctx)
          await trx
            .updateTable('assessment')
            .set({ ...patch, updated_at: updatedAt })
            .where('id', '=', row.id)
            .execute()
          for (const s of changedScores) {
            await trx
              .insertInto('assessment_score')
              .values({
                assessment_id: row.id,
                criterion_id: s.criterionId,
                level_id: s.levelId,
                comment: s.comment,
              })
              .onConflict((oc) =>
                oc
                  .columns(['assessment_id', 'criterion_id'])
                  .doUpdateSet({ level_id: s.levelId, comment: s.comment }),
              )
              .execute()
          }
          await appendAudit(trx, ctx, call, {
            action: 'assessment.update',
            entityType: 'assessment',
            entityId: row.id,
            details: {
              fields: Object.keys(patch),
              ...(patch.assessed_on !== undefined ? { assessedOn: patch.assessed_on } : {}),
              ...(patch.assessor_id !== undefined ? { assessorId: patch.assessor_id } : {}),
              scores: changedScores.map((s) => ({ criterionId: s.criterionId, levelId: s.levelId })),
            },
          })
        }
        const outcome = computeOutcome(
          version.content,
          [...byCriterion.values()].map((s) => ({ criterionId: s.criterion_id, levelId: s.level_id })),
        )
        return { id: row.id, state: row.state, updatedAt, changed, outcome }
      }),

    'assessments.record': async (args, call) => {
      const id = await db.transaction().execute(async (trx) => {
        await requireLearner(trx, args.learnerId)
        const assessorId = args.assessorName
          ? await findOrCreateAssessor(trx, ctx, call, args.assessorName)
          : args.assessorId!
        await requireAssessor(trx, assessorId, ['assessorId'])
        checkAssessedOn(ctx, args.assessedOn, ['assessedOn'])
        const version = await resolveVersion(trx, args)
        const { scores, issues } = resolveSheetEntries(version.content, args.scores)
        if (issues.length > 0) {
          throw invalid(
            `The scores do not fit rubric version ${version.version}: ${describeIssues(issues)}`,
            issues,
          )
        }
        const row = await insertAssessment(trx, ctx, {
          learnerId: args.learnerId,
          rubricVersionId: version.id,
          assessorId,
          assessedOn: args.assessedOn,
          location: args.location,
          overallComment: args.overallComment,
          supersedesId: null,
        })
        for (const s of scores) {
          await trx
            .insertInto('assessment_score')
            .values({
              assessment_id: row.id,
              criterion_id: s.criterionId,
              level_id: s.levelId,
              comment: s.comment,
            })
            .execute()
        }
        await appendAudit(trx, ctx, call, {
          action: 'assessment.create',
          entityType: 'assessment',
          entityId: row.id,
          details: {
            learnerId: row.learner_id,
            rubricVersionId: version.id,
            contentHash: version.contentHash,
            assessorId: row.assessor_id,
            assessedOn: row.assessed_on,
            scores: scores.map((s) => ({ criterionId: s.criterionId, levelId: s.levelId })),
          },
        })
        if (args.finalize) await finalizeDraft(trx, ctx, call, row.id, undefined)
        return row.id
      })
      return getDetail(db, id)
    },

    'assessments.get': async ({ id }) => getDetail(db, id),

    'assessments.list': async (args) => listAssessments(db, args),

    'assessments.finalize': async ({ id, assessorId }, call) => {
      // A correction revokes the credential of the assessment it corrects: the passphrase that
      // re-signs the status list is asked before anything is written.
      const draft = await db
        .selectFrom('assessment')
        .select('supersedes_id')
        .where('id', '=', id)
        .executeTakeFirst()
      const keys = await keysToRevokeCredentialsOf(ctx, draft?.supersedes_id ?? null)
      await db.transaction().execute((trx) => finalizeDraft(trx, ctx, call, id, assessorId, keys))
      return getDetail(db, id)
    },

    'assessments.void': async ({ id, reason }, call) => {
      const keys = await keysToRevokeCredentialsOf(ctx, id)
      await db.transaction().execute(async (trx) => {
        const row = await requireAssessment(trx, id)
        if (row.state === 'voided') {
          throw conflict(`Assessment ${id} was already voided on ${row.voided_at} (${row.void_reason})`, {
            id,
            state: row.state,
          })
        }
        const now = isoNow(ctx)
        await trx
          .updateTable('assessment')
          .set({ state: 'voided', voided_at: now, void_reason: reason, updated_at: now })
          .where('id', '=', id)
          .execute()
        // A void result keeps no valid badge: its credentials are revoked in this transaction.
        const revoked = await revokeCredentialsOf(
          trx,
          ctx,
          call,
          { kind: 'voided', assessmentId: id, voidReason: reason },
          now,
          keys,
        )
        await appendAudit(trx, ctx, call, {
          action: 'assessment.void',
          entityType: 'assessment',
          entityId: id,
          details: {
            reason,
            previousState: row.state,
            ...(revoked.length ? { revokedCredentials: revoked } : {}),
          },
        })
      })
      return getDetail(db, id)
    },

    'assessments.correct': async ({ id, assessorId }, call) => {
      const newIdValue = await db.transaction().execute(async (trx) => {
        const old = await requireAssessment(trx, id)
        if (old.state !== 'finalized') {
          throw conflict(
            old.state === 'draft'
              ? `Assessment ${id} is still a draft: change it directly instead of correcting it`
              : `Assessment ${id} is voided and cannot be corrected; start a new assessment`,
            { id, state: old.state },
          )
        }
        const existing = await trx
          .selectFrom('assessment')
          .select(['id', 'state'])
          .where('supersedes_id', '=', id)
          .where('state', '<>', 'voided')
          .executeTakeFirst()
        if (existing) {
          throw conflict(
            existing.state === 'draft'
              ? `Assessment ${id} already has a correction in progress: draft ${existing.id}`
              : `Assessment ${id} was already corrected by ${existing.id}; correct that one instead`,
            { id, correctionId: existing.id, correctionState: existing.state },
          )
        }
        const correctionAssessor = assessorId ?? old.assessor_id
        if (correctionAssessor !== old.assessor_id)
          await requireAssessor(trx, correctionAssessor, ['assessorId'])
        const row = await insertAssessment(trx, ctx, {
          learnerId: old.learner_id,
          rubricVersionId: old.rubric_version_id,
          assessorId: correctionAssessor,
          assessedOn: old.assessed_on,
          location: old.location,
          overallComment: old.overall_comment,
          supersedesId: old.id,
        })
        const scores = await loadScores(trx, old.id)
        for (const s of scores) {
          await trx
            .insertInto('assessment_score')
            .values({
              assessment_id: row.id,
              criterion_id: s.criterion_id,
              level_id: s.level_id,
              comment: s.comment,
            })
            .execute()
        }
        // Evidence bytes are content-addressed: the correction gets its own rows pointing at the same blobs.
        const evidence = await trx
          .selectFrom('evidence')
          .selectAll()
          .where('assessment_id', '=', old.id)
          .orderBy('created_at')
          .execute()
        for (const e of evidence) {
          await trx
            .insertInto('evidence')
            .values({
              ...e,
              id: newId(),
              device_id: ctx.deviceId,
              created_at: row.created_at,
              updated_at: row.created_at,
              assessment_id: row.id,
            })
            .execute()
        }
        await appendAudit(trx, ctx, call, {
          action: 'assessment.correct',
          entityType: 'assessment',
          entityId: row.id,
          details: {
            supersedesId: old.id,
            assessorId: correctionAssessor,
            copiedScores: scores.length,
            copiedEvidence: evidence.length,
          },
        })
        return row.id
      })
      return getDetail(db, newIdValue)
    },

    'evidence.add': async ({ assessmentId, filename: rawName, mediaType, dataBase64 }, call) => {
      const filename = safeFilename(rawName)
      const size = base64DecodedLength(dataBase64)
      const limit = ctx.limits.evidenceMaxBytes
      if (size > limit) throw evidenceTooLarge(filename, size, limit)
      if (size === 0)
        throw invalid(`${filename} is empty`, [{ path: ['dataBase64'], message: `${filename} is empty` }])
      const bytes = Buffer.from(dataBase64, 'base64')
      if (!contentMatchesMediaType(mediaType, bytes)) {
        const message = `${filename} does not look like ${mediaType}: its content is of another kind`
        throw invalid(message, [{ path: ['mediaType'], message }])
      }
      const sha256 = sha256Hex(bytes)
      const item = await db.transaction().execute(async (trx) => {
        const row = await requireAssessment(trx, assessmentId)
        requireDraft(row, 'given evidence')
        const duplicate = await trx
          .selectFrom('evidence')
          .select(['id', 'filename'])
          .where('assessment_id', '=', assessmentId)
          .where('sha256', '=', sha256)
          .executeTakeFirst()
        if (duplicate) {
          throw conflict(`${filename} is already attached to this assessment as ${duplicate.filename}`, {
            evidenceId: duplicate.id,
          })
        }
        const now = isoNow(ctx)
        await trx
          .insertInto('blob')
          .values({ sha256, size: bytes.length, data: bytes })
          .onConflict((oc) => oc.column('sha256').doNothing())
          .execute()
        const evidence = {
          id: newId(),
          device_id: ctx.deviceId,
          created_at: now,
          updated_at: now,
          assessment_id: assessmentId,
          filename,
          media_type: mediaType,
          size: bytes.length,
          sha256,
        }
        await trx.insertInto('evidence').values(evidence).execute()
        await trx.updateTable('assessment').set({ updated_at: now }).where('id', '=', assessmentId).execute()
        await appendAudit(trx, ctx, call, {
          action: 'evidence.add',
          entityType: 'assessment',
          entityId: assessmentId,
          details: { evidenceId: evidence.id, filename, mediaType, size: bytes.length, sha256 },
        })
        return toEvidenceItem(evidence)
      })
      return item
    },

    'evidence.get': async ({ id }) => {
      const e = await db.selectFrom('evidence').selectAll().where('id', '=', id).executeTakeFirst()
      if (!e) throw notFound('Evidence', id)
      const blob = await db
        .selectFrom('blob')
        .select('data')
        .where('sha256', '=', e.sha256)
        .executeTakeFirst()
      if (!blob) {
        throw new TesseraError(
          'not_found',
          `The bytes of ${e.filename} (${e.sha256}) are not on this device yet`,
          {
            details: { what: 'blob', id: e.sha256 },
          },
        )
      }
      const data = Buffer.from(blob.data)
      if (sha256Hex(data) !== e.sha256) {
        throw new TesseraError(
          'check_failed',
          `The stored bytes of ${e.filename} do not match its SHA-256: the file is damaged`,
          {
            details: { evidenceId: id, sha256: e.sha256 },
          },
        )
      }
      return { ...toEvidenceItem(e), dataBase64: data.toString('base64') }
    },

    'evidence.remove': async ({ id }, call) =>
      db.transaction().execute(async (trx) => {
        const e = await trx.selectFrom('evidence').selectAll().where('id', '=', id).executeTakeFirst()
        if (!e) throw notFound('Evidence', id)
        const row = await requireAssessment(trx, e.assessment_id)
        requireDraft(row, 'changed')
        await trx.deleteFrom('evidence').where('id', '=', id).execute()
        const stillUsed = await trx
          .selectFrom('evidence')
          .select('id')
          .where('sha256', '=', e.sha256)
          .executeTakeFirst()
        if (!stillUsed) await trx.deleteFrom('blob').where('sha256', '=', e.sha256).execute()
        await trx
          .updateTable('assessment')
          .set({ updated_at: isoNow(ctx) })
          .where('id', '=', row.id)
          .execute()
        await appendAudit(trx, ctx, call, {
          action: 'evidence.remove',
          entityType: 'assessment',
          entityId: row.id,
          details: { evidenceId: id, filename: e.filename, sha256: e.sha256 },
        })
        return { id, assessmentId: row.id }
      }),
  }
}

// ---- state rules ---------------------------------------------------------------------------------

async function requireAssessment(tx: Tx, id: string): Promise<AssessmentRow> {
  const row = await tx.selectFrom('assessment').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Assessment', id)
  return row
}

function requireDraft(row: AssessmentRow, verb: string): void {
  if (row.state === 'draft') return
  const how =
    row.state === 'finalized'
      ? `it was finalized on ${row.finalized_at} and is frozen; to change it, make a correction`
      : `it was voided on ${row.voided_at}`
  throw conflict(`Assessment ${row.id} cannot be ${verb}: ${how}`, { id: row.id, state: row.state })
}

async function finalizeDraft(
  tx: Tx,
  ctx: ServiceContext,
  call: CallContext,
  id: string,
  signerId: string | undefined,
  keys?: IssuerKeys,
): Promise<void> {
  const row = await requireAssessment(tx, id)
  if (row.state !== 'draft') {
    throw conflict(
      row.state === 'finalized'
        ? `Assessment ${id} was already finalized on ${row.finalized_at}`
        : `Assessment ${id} was voided on ${row.voided_at} and cannot be finalized`,
      { id, state: row.state },
    )
  }
  if (signerId !== undefined && signerId !== row.assessor_id) {
    throw new TesseraError('forbidden', `Only the assessor of assessment ${id} can sign it off`, {
      details: { id, assessorId: row.assessor_id, signerId },
    })
  }
  const version = await loadVersion(tx, row.rubric_version_id)
  const scores = await loadScores(tx, id)
  const outcome = computeOutcome(
    version.content,
    scores.map((s) => ({ criterionId: s.criterion_id, levelId: s.level_id })),
  )
  const titles = new Map(version.content.criteria.map((c) => [c.id, c.title]))
  const issues: ErrorIssue[] = []
  for (const rule of outcome.failedRules) {
    if (rule.rule === 'incomplete') {
      for (const c of rule.missingCriterionIds)
        issues.push({ path: ['scores', c], message: `"${titles.get(c) ?? c}" is not scored` })
    } else if (rule.rule === 'unknown_level') {
      issues.push({
        path: ['scores', rule.criterionId],
        message: `level ${rule.levelId} is not a level of "${titles.get(rule.criterionId)}"`,
      })
    } else if (rule.rule === 'invalid_rubric') {
      for (const p of rule.problems) issues.push({ path: ['rubric'], message: p })
    }
  }
  if (issues.length > 0) {
    const missing = outcome.failedRules.find((r) => r.rule === 'incomplete')
    const message =
      missing && missing.rule === 'incomplete'
        ? `Cannot finalize assessment ${id}: ${missing.missingCriterionIds.length} of ${version.content.criteria.length} criteria are not scored: ${missing.missingCriterionIds.map((c) => `"${titles.get(c) ?? c}" (${c})`).join(', ')}`
        : `Cannot finalize assessment ${id}: ${describeIssues(issues)}`
    throw invalid(message, issues)
  }
  const now = isoNow(ctx)
  await tx
    .updateTable('assessment')
    .set({
      state: 'finalized',
      outcome: canonicalJson(outcome),
      finalized_at: now,
      finalized_by: row.assessor_id,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute()
  // The corrected assessment's credential no longer stands (the correction may not even pass).
  const revoked = row.supersedes_id
    ? await revokeCredentialsOf(
        tx,
        ctx,
        call,
        { kind: 'corrected', assessmentId: row.supersedes_id, correctionId: id },
        now,
        keys,
      )
    : []
  await appendAudit(tx, ctx, call, {
    action: 'assessment.finalize',
    entityType: 'assessment',
    entityId: id,
    details: {
      finalizedBy: row.assessor_id,
      rubricVersionId: version.id,
      contentHash: version.contentHash,
      total: outcome.total,
      maxTotal: outcome.maxTotal,
      percent: outcome.percent,
      passed: outcome.passed,
      failedRules: outcome.failedRules.map((r) => r.rule),
      ...(revoked.length ? { revokedCredentials: revoked } : {}),
    },
  })
}

// ---- lookups -------------------------------------------------------------------------------------

async function requireLearner(tx: Tx, id: string): Promise<void> {
  const found = await tx.selectFrom('learner').select('id').where('id', '=', id).executeTakeFirst()
  if (!found) throw withPath(notFound('Learner', id), ['learnerId'])
}

async function requireAssessor(tx: Tx, id: string, path: (string | number)[]): Promise<void> {
  const found = await tx
    .selectFrom('assessor')
    .select(['id', 'name', 'active'])
    .where('id', '=', id)
    .executeTakeFirst()
  if (!found) throw withPath(notFound('Assessor', id), path)
  if (found.active !== 1)
    throw invalid(`Assessor ${found.name} is inactive`, [{ path, message: `${found.name} is inactive` }])
}

/** Same rule as `assessors.findOrCreate`, inside the caller's transaction so a refused record creates nobody. */
async function findOrCreateAssessor(
  tx: Tx,
  ctx: ServiceContext,
  call: CallContext,
  name: string,
): Promise<string> {
  const existing = await tx.selectFrom('assessor').select('id').where('name', '=', name).executeTakeFirst()
  if (existing) return existing.id
  const now = isoNow(ctx)
  const id = newId()
  await tx
    .insertInto('assessor')
    .values({ id, device_id: ctx.deviceId, created_at: now, updated_at: now, name, email: null })
    .execute()
  await appendAudit(tx, ctx, call, {
    action: 'assessor.create',
    entityType: 'assessor',
    entityId: id,
    details: { name },
  })
  return id
}

const withPath = (e: TesseraError, path: (string | number)[]): TesseraError =>
  new TesseraError(e.code, e.message, { details: e.details, issues: [{ path, message: e.message }] })

async function resolveVersion(
  tx: Tx,
  ref: { rubricId?: string; version?: number; rubricVersionId?: string },
): Promise<VersionInfo> {
  const v = ref.rubricVersionId
    ? await loadRubricVersion(tx, ref.rubricVersionId)
    : await resolveRubricVersion(tx, ref.rubricId!, ref.version)
  if (!v) {
    throw ref.rubricVersionId
      ? notFound('Rubric version', ref.rubricVersionId)
      : notFound('Rubric', ref.version ? `${ref.rubricId}@${ref.version}` : ref.rubricId!)
  }
  return v
}

async function loadVersion(tx: Tx, id: string): Promise<VersionInfo> {
  const v = await loadRubricVersion(tx, id)
  if (!v) throw notFound('Rubric version', id)
  return v
}

const loadScores = (tx: Tx, assessmentId: string) =>
  tx
    .selectFrom('assessment_score')
    .selectAll()
    .where('assessment_id', '=', assessmentId)
    .orderBy('criterion_id')
    .execute()

// ---- validation ----------------------------------------------------------------------------------

function checkScorePatch(
  content: RubricContent,
  scores: NonNullable<OpArgs<'assessments.saveDraft'>['scores']>,
): ErrorIssue[] {
  const issues: ErrorIssue[] = []
  const seen = new Set<string>()
  scores.forEach((s, i) => {
    const criterion = content.criteria.find((c) => c.id === s.criterionId)
    if (!criterion) {
      issues.push({
        path: ['scores', i, 'criterionId'],
        message: `"${s.criterionId}" is not a criterion of this rubric`,
      })
      return
    }
    if (seen.has(s.criterionId))
      issues.push({ path: ['scores', i, 'criterionId'], message: `"${s.criterionId}" is given twice` })
    seen.add(s.criterionId)
    if (s.levelId !== undefined && s.levelId !== null && !criterion.levels.some((l) => l.id === s.levelId)) {
      issues.push({
        path: ['scores', i, 'levelId'],
        message: `"${s.levelId}" is not a level of "${criterion.title}"`,
      })
    }
  })
  return issues
}

/** A date a day ahead of UTC is allowed: it is already that day somewhere. */
function assessedOnIssues(ctx: ServiceContext, date: string, path: (string | number)[]): ErrorIssue[] {
  const tomorrow = new Date(ctx.now().getTime() + 86_400_000).toISOString().slice(0, 10)
  return date > tomorrow ? [{ path, message: `${date} is in the future` }] : []
}

function checkAssessedOn(ctx: ServiceContext, date: string, path: (string | number)[]): void {
  const issues = assessedOnIssues(ctx, date, path)
  if (issues.length > 0) throw invalid(`The assessment date ${date} is in the future`, issues)
}

const describeIssues = (issues: ErrorIssue[]): string =>
  issues
    .slice(0, 3)
    .map((i) => `${formatPath(i.path)}: ${i.message}`)
    .join('; ') + (issues.length > 3 ? ` (and ${issues.length - 3} more)` : '')

const formatPath = (path: (string | number)[]): string =>
  path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '')

/** Length of the bytes a base64 string decodes to, without decoding it. */
function base64DecodedLength(b64: string): number {
  const s = b64.replace(/\s+/g, '')
  const padding = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0
  return Math.floor((s.length * 3) / 4) - padding
}

/** The size-limit error, shared with the CLI so a too-large file is refused before it is read. */
export function evidenceTooLarge(filename: string, size: number, limit: number): TesseraError {
  const message = `${filename} is ${formatBytes(size)} (${size} bytes); evidence files may be at most ${formatBytes(limit)} (${limit} bytes)`
  return new TesseraError('validation', message, {
    issues: [{ path: ['dataBase64'], message }],
    details: { filename, size, limit },
  })
}

/** Keeps only the last path segment and drops control characters: names come from other machines. */
function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim()
  if (!clean || clean === '.' || clean === '..') {
    throw invalid(`"${name}" is not a usable file name`, [
      { path: ['filename'], message: 'is not a usable file name' },
    ])
  }
  return clean
}

// ---- writing -------------------------------------------------------------------------------------

async function insertAssessment(
  tx: Tx,
  ctx: ServiceContext,
  v: {
    learnerId: string
    rubricVersionId: string
    assessorId: string
    assessedOn: string
    location: string | null
    overallComment: string
    supersedesId: string | null
  },
): Promise<AssessmentRow> {
  const now = isoNow(ctx)
  const row: AssessmentRow = {
    id: newId(),
    device_id: ctx.deviceId,
    created_at: now,
    updated_at: now,
    learner_id: v.learnerId,
    rubric_version_id: v.rubricVersionId,
    assessor_id: v.assessorId,
    assessed_on: v.assessedOn,
    location: v.location,
    overall_comment: v.overallComment,
    state: 'draft',
    outcome: null,
    finalized_at: null,
    finalized_by: null,
    voided_at: null,
    void_reason: null,
    supersedes_id: v.supersedesId,
  }
  await tx.insertInto('assessment').values(row).execute()
  return row
}

// ---- reading -------------------------------------------------------------------------------------

const toEvidenceItem = (e: Selectable<EvidenceTable>): EvidenceItem => ({
  id: e.id,
  assessmentId: e.assessment_id,
  filename: e.filename,
  mediaType: e.media_type,
  size: e.size,
  sha256: e.sha256,
  createdAt: e.created_at,
})

async function supersededBy(tx: Tx, id: string): Promise<string | null> {
  const r = await tx
    .selectFrom('assessment')
    .select('id')
    .where('supersedes_id', '=', id)
    .where('state', '<>', 'voided')
    .orderBy('created_at', 'desc')
    .executeTakeFirst()
  return r?.id ?? null
}

async function getDetail(tx: Tx, id: string): Promise<AssessmentDetail> {
  const row = await requireAssessment(tx, id)
  const learner = await tx
    .selectFrom('learner')
    .selectAll()
    .where('id', '=', row.learner_id)
    .executeTakeFirstOrThrow()
  const assessors = await tx
    .selectFrom('assessor')
    .select(['id', 'name'])
    .where('id', 'in', [row.assessor_id, row.finalized_by ?? row.assessor_id])
    .execute()
  const assessorName = (aid: string) => assessors.find((a) => a.id === aid)?.name ?? aid
  const version = await loadVersion(tx, row.rubric_version_id)
  const rubric = await tx
    .selectFrom('rubric')
    .select('name')
    .where('id', '=', version.rubricId)
    .executeTakeFirst()
  const stored = await loadScores(tx, id)
  const byCriterion = new Map(stored.map((s) => [s.criterion_id, s]))
  const scores = version.content.criteria.map((c) => {
    const s = byCriterion.get(c.id)
    return { criterionId: c.id, levelId: s?.level_id ?? null, comment: s?.comment ?? '' }
  })
  const outcome: Outcome = row.outcome
    ? (JSON.parse(row.outcome) as Outcome)
    : computeOutcome(
        version.content,
        stored.map((s) => ({ criterionId: s.criterion_id, levelId: s.level_id })),
      )
  const evidence = await tx
    .selectFrom('evidence')
    .selectAll()
    .where('assessment_id', '=', id)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  const history = await tx
    .selectFrom('audit_log')
    .select(['at', 'actor', 'action', 'details'])
    .where('entity_type', '=', 'assessment')
    .where('entity_id', '=', id)
    .orderBy('seq')
    .execute()
  return {
    id: row.id,
    state: row.state,
    deviceId: row.device_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    learner: {
      id: learner.id,
      givenName: learner.given_name,
      familyName: learner.family_name,
      fullName: fullName(learner.given_name, learner.family_name),
      email: learner.email,
      externalId: learner.external_id,
    },
    assessor: { id: row.assessor_id, name: assessorName(row.assessor_id) },
    rubric: {
      rubricId: version.rubricId,
      rubricVersionId: version.id,
      name: rubric?.name ?? '',
      version: version.version,
      contentHash: version.contentHash,
      content: version.content,
    },
    assessedOn: row.assessed_on,
    location: row.location,
    overallComment: row.overall_comment,
    scores,
    evidence: evidence.map(toEvidenceItem),
    outcome,
    outcomeFinal: row.outcome !== null,
    finalizedAt: row.finalized_at,
    finalizedBy: row.finalized_by ? { id: row.finalized_by, name: assessorName(row.finalized_by) } : null,
    voidedAt: row.voided_at,
    voidReason: row.void_reason,
    supersedesId: row.supersedes_id,
    supersededById: await supersededBy(tx, id),
    history: history.map((h) => ({
      at: h.at,
      actor: h.actor,
      action: h.action,
      details: JSON.parse(h.details) as Record<string, unknown>,
    })),
  }
}

async function listAssessments(
  tx: Tx,
  args: OpArgs<'assessments.list'>,
): Promise<{ items: AssessmentSummary[]; total: number; limit: number; offset: number }> {
  let base = tx
    .selectFrom('assessment as a')
    .innerJoin('learner as l', 'l.id', 'a.learner_id')
    .innerJoin('rubric_version as rv', 'rv.id', 'a.rubric_version_id')
    .innerJoin('rubric as r', 'r.id', 'rv.rubric_id')
    .innerJoin('assessor as s', 's.id', 'a.assessor_id')
  if (args.state) base = base.where('a.state', '=', args.state)
  if (args.learnerId) base = base.where('a.learner_id', '=', args.learnerId)
  if (args.rubricId) base = base.where('rv.rubric_id', '=', args.rubricId)
  if (args.rubricVersionId) base = base.where('a.rubric_version_id', '=', args.rubricVersionId)
  if (args.assessorId) base = base.where('a.assessor_id', '=', args.assessorId)
  if (args.from) base = base.where('a.assessed_on', '>=', args.from)
  if (args.to) base = base.where('a.assessed_on', '<=', args.to)

  const { n } = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  const rows = await base
    .select([
      'a.id',
      'a.state',
      'a.learner_id',
      'l.given_name',
      'l.family_name',
      'rv.rubric_id',
      'r.name as rubric_name',
      'a.rubric_version_id',
      'rv.version as rubric_version',
      'a.assessor_id',
      's.name as assessor_name',
      'a.assessed_on',
      'a.location',
      'a.outcome',
      'a.finalized_at',
      'a.supersedes_id',
      'a.created_at',
      'a.updated_at',
    ])
    .select(
      sql<
        string | null
      >`(SELECT c.id FROM assessment c WHERE c.supersedes_id = a.id AND c.state <> 'voided' ORDER BY c.created_at DESC LIMIT 1)`.as(
        'superseded_by_id',
      ),
    )
    .orderBy('a.assessed_on', 'desc')
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(args.limit)
    .offset(args.offset)
    .execute()
  const items = rows.map((r): AssessmentSummary => {
    const o = r.outcome ? (JSON.parse(r.outcome) as Outcome) : null
    return {
      id: r.id,
      state: r.state,
      learnerId: r.learner_id,
      learnerName: fullName(r.given_name, r.family_name),
      rubricId: r.rubric_id,
      rubricName: r.rubric_name,
      rubricVersionId: r.rubric_version_id,
      rubricVersion: r.rubric_version,
      assessorId: r.assessor_id,
      assessorName: r.assessor_name,
      assessedOn: r.assessed_on,
      location: r.location,
      passed: o ? o.passed : null,
      total: o ? o.total : null,
      maxTotal: o ? o.maxTotal : null,
      percent: o ? o.percent : null,
      finalizedAt: r.finalized_at,
      supersedesId: r.supersedes_id,
      supersededById: r.superseded_by_id,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }
  })
  return { items, total: Number(n), limit: args.limit, offset: args.offset }
}
