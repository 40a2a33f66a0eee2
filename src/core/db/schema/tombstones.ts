/** Tables of migration 0004 (tombstones). See src/core/db/migrations/0004-tombstones.ts. */
import type { SyncColumns } from './core'

/** The record kinds a removal of which is synced. */
export type TombstoneTargetKind = 'learner_cohort'

export interface TombstoneTable extends SyncColumns {
  target_kind: TombstoneTargetKind
  /** The removed record's id (composite keys joined by '/'). */
  target_id: string
  /** SHA-256 of the removed record's canonical JSON, as it was when removed. */
  target_hash: string
  removed_by: string
}

export interface TombstoneTables {
  tombstone: TombstoneTable
}
