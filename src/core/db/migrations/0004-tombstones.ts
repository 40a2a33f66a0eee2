import type { Migration } from '../migrate'

/**
 * Deletions that sync (issue 5): a removal a person makes to a synced record leaves a tombstone,
 * itself a synced record, so the hub removes the same thing instead of keeping it for ever.
 *
 * Today the only such removal is taking a learner out of a cohort (`learner_cohort`): everything
 * else that can be deleted belongs to a draft (scores, evidence, unused blobs), and drafts never
 * leave their device. See docs/sync-format.md, "Removals (tombstones)".
 *
 * A membership and its removals are ordered by time (last writer wins, a removal wins a tie): a
 * membership survives a tombstone only if it was made strictly later. The trigger keeps that true
 * on one device whatever its clock does: re-adding a membership this installation holds a tombstone
 * for stamps it 1 ms after the latest such tombstone, so a re-add always outlives the removal before it.
 */
export const migration0004: Migration = {
  version: 4,
  name: 'tombstones',
  up: (db) => {
    db.exec(`
      CREATE TABLE tombstone (
        id          TEXT PRIMARY KEY,
        device_id   TEXT NOT NULL,
        -- When it was removed: never earlier than the removed record was made.
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        -- What was removed: its record kind and id (composite ids joined by '/'), and the SHA-256 of
        -- the record as it was when removed.
        target_kind TEXT NOT NULL CHECK (target_kind IN ('learner_cohort')),
        target_id   TEXT NOT NULL,
        target_hash TEXT NOT NULL,
        -- Who removed it (the actor of the call).
        removed_by  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX tombstone_target ON tombstone(target_kind, target_id, created_at);
      CREATE TRIGGER tombstone_no_update BEFORE UPDATE ON tombstone
      BEGIN SELECT RAISE(ABORT, 'tombstones cannot be changed'); END;
      CREATE TRIGGER tombstone_no_delete BEFORE DELETE ON tombstone
      BEGIN SELECT RAISE(ABORT, 'tombstones are kept: they stop an old copy of a removed record coming back'); END;

      CREATE TRIGGER learner_cohort_after_tombstone AFTER INSERT ON learner_cohort
      WHEN NEW.created_at <= (SELECT MAX(created_at) FROM tombstone
                               WHERE target_kind = 'learner_cohort' AND target_id = NEW.learner_id || '/' || NEW.cohort_id)
      BEGIN
        UPDATE learner_cohort
           SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ',
                 (SELECT MAX(created_at) FROM tombstone
                   WHERE target_kind = 'learner_cohort' AND target_id = NEW.learner_id || '/' || NEW.cohort_id),
                 '+0.001 seconds')
         WHERE learner_id = NEW.learner_id AND cohort_id = NEW.cohort_id;
      END;
    `)
  },
}
