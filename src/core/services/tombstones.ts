import type { Selectable } from 'kysely'
import type { LearnerCohortTable } from '../db/schema'
import { newId } from '../domain/ids'
import { recordHash } from '../sync/columns'
import { isoNow, type CallContext, type ServiceContext, type Tx } from './context'

/**
 * Removing a synced record leaves a tombstone (migration 0004) in the same transaction, so the
 * removal travels to the hub like any other record (docs/sync-format.md, "Removals").
 */

type MembershipRow = Selectable<LearnerCohortTable>

/** The id sync gives a membership: its composite key joined by '/'. */
export const membershipId = (r: { learner_id: string; cohort_id: string }): string =>
  `${r.learner_id}/${r.cohort_id}`

/**
 * Records the removal of these memberships (call it in the transaction that deletes them). A
 * tombstone is never dated before the membership it removes: the hub orders them by time.
 */
export async function tombstoneMemberships(
  trx: Tx,
  ctx: ServiceContext,
  call: CallContext | undefined,
  removed: readonly MembershipRow[],
): Promise<void> {
  if (removed.length === 0) return
  const now = isoNow(ctx)
  const removedBy = call?.actor ?? ctx.defaultActor
  const rows = removed.map((m) => {
    const at = m.created_at > now ? m.created_at : now
    return {
      id: newId(),
      device_id: ctx.deviceId,
      created_at: at,
      updated_at: at,
      target_kind: 'learner_cohort' as const,
      target_id: membershipId(m),
      target_hash: recordHash({ ...m }),
      removed_by: removedBy,
    }
  })
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto('tombstone')
      .values(rows.slice(i, i + 500))
      .execute()
  }
}
