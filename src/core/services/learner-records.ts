import type { Selectable } from 'kysely'
import type { Learner, LearnerFields } from '../../contract/ops/learners'
import { canonicalJson } from '../domain/canonical-json'
import { newId } from '../domain/ids'
import { learnerSearchKey } from '../domain/learner-search'
import { emailKey } from '../domain/names'
import type { LearnerTable } from '../db/schema'
import { isoNow, type ServiceContext, type Tx } from './context'

export type LearnerRow = Selectable<LearnerTable>

/** The editable fields of one version, as kept in `learner_history.snapshot`. */
export interface LearnerSnapshot {
  version: number
  givenName: string
  familyName: string
  email: string | null
  phone: string | null
  externalId: string | null
  notes: string | null
  /** When this version was written. */
  updatedAt: string
}

export const EDITABLE = ['givenName', 'familyName', 'email', 'phone', 'externalId', 'notes'] as const
export type EditableField = (typeof EDITABLE)[number]

export const fieldsOf = (r: LearnerRow): LearnerFields => ({
  givenName: r.given_name,
  familyName: r.family_name,
  email: r.email,
  phone: r.phone,
  externalId: r.external_id,
  notes: r.notes,
})

export const snapshotOf = (r: LearnerRow): LearnerSnapshot => ({
  version: r.version,
  ...fieldsOf(r),
  updatedAt: r.updated_at,
})

export const toLearner = (r: LearnerRow, cohorts: { id: string; name: string }[]): Learner => ({
  id: r.id,
  ...fieldsOf(r),
  version: r.version,
  deviceId: r.device_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  cohorts,
})

/** The stored columns derived from the fields: NFC text as typed, plus the email and search keys. */
export const columnsFor = (f: LearnerFields) => ({
  given_name: f.givenName,
  family_name: f.familyName,
  email: f.email,
  email_key: emailKey(f.email),
  phone: f.phone,
  external_id: f.externalId,
  notes: f.notes,
  search_key: learnerSearchKey(f),
})

export const newLearnerRow = (ctx: ServiceContext, f: LearnerFields, now = isoNow(ctx)): LearnerRow => ({
  id: newId(),
  device_id: ctx.deviceId,
  created_at: now,
  updated_at: now,
  version: 1,
  ...columnsFor(f),
})

/** The fields whose values differ. */
export const changedFields = (before: LearnerFields, after: LearnerFields): EditableField[] =>
  EDITABLE.filter((k) => before[k] !== after[k])

export const historyRow = (ctx: ServiceContext, previous: LearnerRow, now: string) => ({
  id: newId(),
  device_id: ctx.deviceId,
  created_at: now,
  updated_at: now,
  learner_id: previous.id,
  version: previous.version,
  snapshot: canonicalJson(snapshotOf(previous)),
})

/** Cohorts of each learner, by name. One query for a whole page. */
export async function cohortsOf(
  tx: Tx,
  learnerIds: string[],
): Promise<Map<string, { id: string; name: string }[]>> {
  const out = new Map<string, { id: string; name: string }[]>()
  for (let i = 0; i < learnerIds.length; i += 500) {
    const rows = await tx
      .selectFrom('learner_cohort')
      .innerJoin('cohort', 'cohort.id', 'learner_cohort.cohort_id')
      .select(['learner_cohort.learner_id', 'cohort.id', 'cohort.name'])
      .where('learner_cohort.learner_id', 'in', learnerIds.slice(i, i + 500))
      .orderBy('cohort.name')
      .execute()
    for (const r of rows) {
      const list = out.get(r.learner_id) ?? []
      list.push({ id: r.id, name: r.name })
      out.set(r.learner_id, list)
    }
  }
  return out
}

/** Cohorts by exact name, created when missing. Returns them in input order and which were new. */
export async function findOrCreateCohorts(
  tx: Tx,
  ctx: ServiceContext,
  names: string[],
): Promise<{ cohorts: Map<string, string>; created: { id: string; name: string }[] }> {
  const unique = [...new Set(names)]
  const cohorts = new Map<string, string>()
  const created: { id: string; name: string }[] = []
  if (unique.length === 0) return { cohorts, created }
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await tx
      .selectFrom('cohort')
      .select(['id', 'name'])
      .where('name', 'in', unique.slice(i, i + 500))
      .execute()
    for (const r of rows) cohorts.set(r.name, r.id)
  }
  const now = isoNow(ctx)
  for (const name of unique) {
    if (cohorts.has(name)) continue
    const id = newId()
    await tx
      .insertInto('cohort')
      .values({ id, device_id: ctx.deviceId, created_at: now, updated_at: now, name })
      .execute()
    cohorts.set(name, id)
    created.push({ id, name })
  }
  return { cohorts, created }
}
