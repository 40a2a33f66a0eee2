import { conflict, notFound, TesseraError } from '../../contract/errors'
import type { Learner, LearnerFields, learnersOps } from '../../contract/ops/learners'
import { newId } from '../domain/ids'
import { appendAudit } from './audit'
import { isoNow, type CallContext, type ServiceContext, type Tx } from './context'
import type { FeatureHandlers } from './handlers'
import { tombstoneMemberships } from './tombstones'
import { commitImport, prepareImport } from './learner-import'
import { listLearnerRows } from './learner-list'
import {
  changedFields,
  cohortsOf,
  columnsFor,
  fieldsOf,
  findOrCreateCohorts,
  historyRow,
  newLearnerRow,
  toLearner,
  type LearnerRow,
  type LearnerSnapshot,
} from './learner-records'

/** Audit details name ids and changed field names, never personal values: the log can never be edited. */
const MAX_IDS_IN_AUDIT = 100

export function learnersHandlers(ctx: ServiceContext): FeatureHandlers<typeof learnersOps> {
  const { db } = ctx

  const getRow = async (tx: Tx, id: string): Promise<LearnerRow> => {
    const row = await tx.selectFrom('learner').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) throw notFound('Learner', id)
    return row
  }

  const withCohorts = async (tx: Tx, row: LearnerRow): Promise<Learner> =>
    toLearner(row, (await cohortsOf(tx, [row.id])).get(row.id) ?? [])

  /** External ids identify one person in another system, so two learners may not share one. */
  const assertExternalIdFree = async (
    tx: Tx,
    externalId: string | null,
    exceptId?: string,
  ): Promise<void> => {
    if (!externalId) return
    let q = tx
      .selectFrom('learner')
      .select(['id', 'given_name', 'family_name'])
      .where('external_id', '=', externalId)
    if (exceptId) q = q.where('id', '<>', exceptId)
    const other = await q.executeTakeFirst()
    if (other) {
      throw conflict(
        `The external id "${externalId}" already belongs to ${[other.given_name, other.family_name].filter(Boolean).join(' ')} (${other.id})`,
        {
          field: 'externalId',
          learnerId: other.id,
        },
      )
    }
  }

  const resolveCohortId = async (tx: Tx, idOrName: string): Promise<string> => {
    const c = await tx
      .selectFrom('cohort')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName.normalize('NFC').trim())]))
      .executeTakeFirst()
    if (!c) throw notFound('Cohort', idOrName)
    return c.id
  }

  const cohortSummary = async (tx: Tx, id: string) => {
    const c = await tx
      .selectFrom('cohort')
      .leftJoin('learner_cohort', 'learner_cohort.cohort_id', 'cohort.id')
      .select((eb) => [
        'cohort.id',
        'cohort.name',
        'cohort.created_at',
        eb.fn.count<number>('learner_cohort.learner_id').as('n'),
      ])
      .where('cohort.id', '=', id)
      .groupBy('cohort.id')
      .executeTakeFirst()
    if (!c) throw notFound('Cohort', id)
    return { id: c.id, name: c.name, memberCount: Number(c.n), createdAt: c.created_at }
  }

  const auditCohortsCreated = async (
    tx: Tx,
    call: CallContext,
    created: { id: string; name: string }[],
  ): Promise<void> => {
    for (const c of created) {
      await appendAudit(tx, ctx, call, {
        action: 'cohort.create',
        entityType: 'cohort',
        entityId: c.id,
        details: { name: c.name },
      })
    }
  }

  /** Learners that do not exist, for a clear not_found instead of a foreign-key failure. */
  const missingLearners = async (tx: Tx, ids: string[]): Promise<string[]> => {
    const found = new Set<string>()
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await tx
        .selectFrom('learner')
        .select('id')
        .where('id', 'in', ids.slice(i, i + 500))
        .execute()
      for (const r of rows) found.add(r.id)
    }
    return ids.filter((id) => !found.has(id))
  }

  return {
    'learners.add': async ({ cohorts: cohortNames, ...fields }, call) => {
      const row = newLearnerRow(ctx, fields)
      await db.transaction().execute(async (trx) => {
        await assertExternalIdFree(trx, fields.externalId)
        await trx.insertInto('learner').values(row).execute()
        const { cohorts, created } = await findOrCreateCohorts(trx, ctx, cohortNames)
        await auditCohortsCreated(trx, call, created)
        for (const cohortId of new Set(cohorts.values())) {
          await trx
            .insertInto('learner_cohort')
            .values({
              learner_id: row.id,
              cohort_id: cohortId,
              device_id: ctx.deviceId,
              created_at: row.created_at,
            })
            .execute()
        }
        await appendAudit(trx, ctx, call, {
          action: 'learner.create',
          entityType: 'learner',
          entityId: row.id,
          details: { version: 1, cohortIds: [...new Set(cohorts.values())] },
        })
      })
      return withCohorts(db, row)
    },

    'learners.update': async ({ id, expectedVersion, ...patch }, call) => {
      return db.transaction().execute(async (trx) => {
        const current = await getRow(trx, id)
        if (expectedVersion !== undefined && expectedVersion !== current.version) {
          throw conflict(
            `Learner ${id} was changed meanwhile (now version ${current.version}, you edited version ${expectedVersion}); reload it and edit again`,
            { currentVersion: current.version },
          )
        }
        const before = fieldsOf(current)
        const after: LearnerFields = {
          givenName: patch.givenName ?? before.givenName,
          familyName: patch.familyName === undefined ? before.familyName : (patch.familyName ?? ''),
          email: patch.email === undefined ? before.email : patch.email,
          phone: patch.phone === undefined ? before.phone : patch.phone,
          externalId: patch.externalId === undefined ? before.externalId : patch.externalId,
          notes: patch.notes === undefined ? before.notes : patch.notes,
        }
        const changed = changedFields(before, after)
        if (changed.length === 0) return withCohorts(trx, current)
        if (changed.includes('externalId')) await assertExternalIdFree(trx, after.externalId, id)
        const now = isoNow(ctx)
        await trx
          .insertInto('learner_history')
          .values(historyRow(ctx, current, now))
          .execute()
        const r = await trx
          .updateTable('learner')
          .set({ ...columnsFor(after), version: current.version + 1, updated_at: now })
          .where('id', '=', id)
          .where('version', '=', current.version)
          .executeTakeFirst()
        if (Number(r.numUpdatedRows) !== 1)
          throw conflict(`Learner ${id} was changed meanwhile; reload it and edit again`)
        await appendAudit(trx, ctx, call, {
          action: 'learner.update',
          entityType: 'learner',
          entityId: id,
          details: { version: current.version + 1, changed },
        })
        return withCohorts(trx, await getRow(trx, id))
      })
    },

    'learners.get': async ({ id }) => {
      const row = await getRow(db, id)
      const assessments = await db
        .selectFrom('assessment')
        .innerJoin('rubric_version', 'rubric_version.id', 'assessment.rubric_version_id')
        .innerJoin('rubric', 'rubric.id', 'rubric_version.rubric_id')
        .select([
          'assessment.id',
          'assessment.assessed_on',
          'assessment.state',
          'assessment.outcome',
          'rubric.name as rubric_name',
          'rubric_version.version as rubric_version',
        ])
        .where('assessment.learner_id', '=', id)
        .orderBy('assessment.assessed_on', 'desc')
        .orderBy('assessment.created_at', 'desc')
        .execute()
      return {
        ...(await withCohorts(db, row)),
        assessments: assessments.map((a) => ({
          id: a.id,
          assessedOn: a.assessed_on,
          rubricName: a.rubric_name,
          rubricVersion: a.rubric_version,
          state: a.state,
          passed: a.state === 'draft' ? null : passedOf(a.outcome),
        })),
      }
    },

    'learners.list': async ({ q, cohort, limit, offset }) => {
      const cohortId = cohort ? await resolveCohortId(db, cohort) : null
      const { rows, total } = await listLearnerRows(db, { q, cohortId, limit, offset })
      const cohorts = await cohortsOf(
        db,
        rows.map((r) => r.id),
      )
      return { total, limit, offset, items: rows.map((r) => toLearner(r, cohorts.get(r.id) ?? [])) }
    },

    'learners.history': async ({ id }) => {
      const current = await getRow(db, id)
      const older = await db
        .selectFrom('learner_history')
        .select(['version', 'snapshot'])
        .where('learner_id', '=', id)
        .orderBy('version', 'desc')
        .orderBy('created_at', 'desc')
        .execute()
      const { updatedAt, ...fields } = { ...fieldsOf(current), updatedAt: current.updated_at }
      return {
        learnerId: id,
        versions: [
          { version: current.version, current: true, ...fields, updatedAt },
          ...older.map((h) => {
            const s = JSON.parse(h.snapshot) as LearnerSnapshot
            return {
              version: h.version,
              current: false,
              givenName: s.givenName,
              familyName: s.familyName,
              email: s.email,
              phone: s.phone,
              externalId: s.externalId,
              notes: s.notes,
              updatedAt: s.updatedAt,
            }
          }),
        ],
      }
    },

    'learners.importPreview': async (args) => (await prepareImport(db, args)).report,

    'learners.importCommit': (args, call) => commitImport(ctx, args, call),

    'cohorts.list': async () => {
      const rows = await db
        .selectFrom('cohort')
        .leftJoin('learner_cohort', 'learner_cohort.cohort_id', 'cohort.id')
        .select((eb) => [
          'cohort.id',
          'cohort.name',
          'cohort.created_at',
          eb.fn.count<number>('learner_cohort.learner_id').as('n'),
        ])
        .groupBy('cohort.id')
        .orderBy('cohort.name')
        .execute()
      return rows.map((c) => ({ id: c.id, name: c.name, memberCount: Number(c.n), createdAt: c.created_at }))
    },

    'cohorts.create': async ({ name }, call) => {
      const id = newId()
      await db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('cohort')
          .select('id')
          .where('name', '=', name)
          .executeTakeFirst()
        if (existing) throw conflict(`A cohort named "${name}" already exists`, { cohortId: existing.id })
        const now = isoNow(ctx)
        await trx
          .insertInto('cohort')
          .values({ id, device_id: ctx.deviceId, created_at: now, updated_at: now, name })
          .execute()
        await appendAudit(trx, ctx, call, {
          action: 'cohort.create',
          entityType: 'cohort',
          entityId: id,
          details: { name },
        })
      })
      return cohortSummary(db, id)
    },

    'cohorts.addLearners': async ({ cohortId, learnerIds }, call) => {
      const ids = [...new Set(learnerIds)]
      return db.transaction().execute(async (trx) => {
        await cohortSummary(trx, cohortId)
        const missing = await missingLearners(trx, ids)
        if (missing.length) {
          throw new TesseraError(
            'not_found',
            `${missing.length} of the learners do not exist: ${missing.slice(0, 5).join(', ')}`,
            {
              issues: missing
                .slice(0, 100)
                .map((m) => ({ path: ['learnerIds', learnerIds.indexOf(m)], message: 'no such learner' })),
            },
          )
        }
        const now = isoNow(ctx)
        let added = 0
        for (let i = 0; i < ids.length; i += 500) {
          const r = await trx
            .insertInto('learner_cohort')
            .values(
              ids.slice(i, i + 500).map((learner_id) => ({
                learner_id,
                cohort_id: cohortId,
                device_id: ctx.deviceId,
                created_at: now,
              })),
            )
            .onConflict((oc) => oc.columns(['learner_id', 'cohort_id']).doNothing())
            .executeTakeFirst()
          added += Number(r.numInsertedOrUpdatedRows ?? 0)
        }
        if (added > 0) {
          await appendAudit(trx, ctx, call, {
            action: 'cohort.addLearners',
            entityType: 'cohort',
            entityId: cohortId,
            details: { added, ...(ids.length <= MAX_IDS_IN_AUDIT ? { learnerIds: ids } : {}) },
          })
        }
        return { cohortId, added, alreadyMembers: ids.length - added }
      })
    },

    'cohorts.removeLearners': async ({ cohortId, learnerIds }, call) => {
      const ids = [...new Set(learnerIds)]
      return db.transaction().execute(async (trx) => {
        await cohortSummary(trx, cohortId)
        let removed = 0
        for (let i = 0; i < ids.length; i += 500) {
          const chunk = ids.slice(i, i + 500)
          // The removal must reach the hub too: a tombstone per membership, in this transaction.
          const members = await trx
            .selectFrom('learner_cohort')
            .selectAll()
            .where('cohort_id', '=', cohortId)
            .where('learner_id', 'in', chunk)
            .execute()
          await tombstoneMemberships(trx, ctx, call, members)
          const r = await trx
            .deleteFrom('learner_cohort')
            .where('cohort_id', '=', cohortId)
            .where('learner_id', 'in', chunk)
            .executeTakeFirst()
          removed += Number(r.numDeletedRows)
        }
        if (removed > 0) {
          await appendAudit(trx, ctx, call, {
            action: 'cohort.removeLearners',
            entityType: 'cohort',
            entityId: cohortId,
            details: { removed, ...(ids.length <= MAX_IDS_IN_AUDIT ? { learnerIds: ids } : {}) },
          })
        }
        return { cohortId, removed, notMembers: ids.length - removed }
      })
    },
  }
}

/** `passed` from a stored Outcome (core/domain/outcome.ts); null when absent or unreadable. */
function passedOf(outcome: string | null): boolean | null {
  if (!outcome) return null
  try {
    const o = JSON.parse(outcome) as { passed?: unknown }
    return typeof o.passed === 'boolean' ? o.passed : null
  } catch {
    return null
  }
}
