import type { Migration } from '../migrate'

/**
 * Offline sync (4/5): this installation's device keys, the devices it knows, the hub it is paired
 * with, what the hub has acknowledged, what bundles arrived, every version of mutable records
 * received, conflicts kept side by side for a person, and audit entries waiting for their predecessor.
 *
 * See docs/sync-format.md. Nothing here is itself synced: these tables describe the sync.
 */
export const migration0002: Migration = {
  version: 2,
  name: 'sync',
  up: (db) => {
    db.exec(`
      -- This installation's identity for sync: an Ed25519 signing key (bundles, receipts) and a P-256
      -- ECDH key (bundles encrypted to it). Private keys only inside a passphrase envelope
      -- (scrypt + AES-256-GCM, crypto/keystore.ts). At most one row.
      CREATE TABLE sync_identity (
        device_id          TEXT PRIMARY KEY,
        name               TEXT NOT NULL,
        role               TEXT NOT NULL DEFAULT 'field' CHECK (role IN ('field', 'hub')),
        sign_kid           TEXT NOT NULL,
        sign_public_jwk    TEXT NOT NULL,
        encrypt_kid        TEXT NOT NULL,
        encrypt_public_jwk TEXT NOT NULL,
        private_keys       TEXT NOT NULL,
        created_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER sync_identity_single BEFORE INSERT ON sync_identity
      WHEN (SELECT COUNT(*) FROM sync_identity) > 0
      BEGIN SELECT RAISE(ABORT, 'this installation already has a sync identity'); END;

      -- Other installations whose signatures this one accepts: field devices (at a hub) or the hub.
      CREATE TABLE sync_device (
        device_id          TEXT PRIMARY KEY,
        name               TEXT NOT NULL,
        role               TEXT NOT NULL CHECK (role IN ('field', 'hub')),
        sign_kid           TEXT NOT NULL UNIQUE,
        sign_public_jwk    TEXT NOT NULL,
        encrypt_kid        TEXT,
        encrypt_public_jwk TEXT,
        status             TEXT NOT NULL CHECK (status IN ('trusted', 'revoked')),
        trusted_at         TEXT NOT NULL,
        trusted_by         TEXT NOT NULL,
        revoked_at         TEXT,
        revoked_by         TEXT,
        revoke_reason      TEXT,
        last_bundle_at     TEXT,
        created_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL
      ) STRICT;

      -- The hub a field device hands its data to (at most one).
      CREATE TABLE sync_pairing (
        slot              INTEGER PRIMARY KEY CHECK (slot = 1),
        hub_device_id     TEXT NOT NULL REFERENCES sync_device(device_id),
        paired_at         TEXT NOT NULL,
        enrollment_sha256 TEXT NOT NULL
      ) STRICT;

      -- Sending side: the version of each record the other side is known to hold, from a signed receipt
      -- ('accepted' | 'duplicate' | 'conflict') or because it came from there ('received').
      -- A record needs exporting while its current canonical hash differs from \`hash\`.
      CREATE TABLE sync_ack (
        kind       TEXT NOT NULL,
        record_id  TEXT NOT NULL,
        hash       TEXT NOT NULL,
        status     TEXT NOT NULL CHECK (status IN ('accepted', 'duplicate', 'conflict', 'received')),
        -- Earlier acknowledged hashes, newest first: the ancestry sent with the next edit.
        history    TEXT NOT NULL DEFAULT '[]',
        receipt_id TEXT,
        acked_at   TEXT NOT NULL,
        PRIMARY KEY (kind, record_id)
      ) STRICT, WITHOUT ROWID;

      -- Receipts imported on a field device (a second import of the same receipt changes nothing).
      CREATE TABLE sync_receipt (
        receipt_id    TEXT PRIMARY KEY,
        bundle_id     TEXT NOT NULL,
        hub_device_id TEXT NOT NULL,
        issued_at     TEXT NOT NULL,
        imported_at   TEXT NOT NULL,
        counts        TEXT NOT NULL
      ) STRICT;

      -- Bundles imported here; a bundle id seen before is not applied again (its receipt is re-issued).
      CREATE TABLE sync_bundle (
        bundle_id       TEXT PRIMARY KEY,
        from_device_id  TEXT NOT NULL,
        type            TEXT NOT NULL CHECK (type IN ('field-export', 'hub-update')),
        manifest_sha256 TEXT NOT NULL,
        file_sha256     TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        position        INTEGER NOT NULL,
        imported_at     TEXT NOT NULL,
        imported_by     TEXT NOT NULL,
        counts          TEXT NOT NULL,
        receipt         TEXT
      ) STRICT;
      CREATE INDEX sync_bundle_device ON sync_bundle(from_device_id, imported_at);

      -- Every version of a mutable record (learner, cohort, assessor, achievement, rubric) received here:
      -- edits are kept as versions, never lost. \`position\` orders one device's own versions;
      -- \`ancestors\` are the hashes the sender says this version was based on.
      CREATE TABLE sync_version (
        kind           TEXT NOT NULL,
        record_id      TEXT NOT NULL,
        hash           TEXT NOT NULL,
        from_device_id TEXT NOT NULL,
        position       INTEGER NOT NULL,
        ancestors      TEXT NOT NULL DEFAULT '[]',
        content        TEXT NOT NULL,
        disposition    TEXT NOT NULL,
        bundle_id      TEXT,
        received_at    TEXT NOT NULL,
        PRIMARY KEY (kind, record_id, hash, from_device_id)
      ) STRICT, WITHOUT ROWID;

      -- Same id, different content: both versions kept for a person to resolve. Never overwritten silently.
      CREATE TABLE sync_conflict (
        id               TEXT PRIMARY KEY,
        kind             TEXT NOT NULL,
        record_id        TEXT NOT NULL,
        reason           TEXT NOT NULL,
        held_hash        TEXT NOT NULL,
        held_content     TEXT NOT NULL,
        incoming_hash    TEXT NOT NULL,
        incoming_content TEXT NOT NULL,
        -- Which of the two the record table holds now: 'held' or 'incoming'.
        current          TEXT NOT NULL CHECK (current IN ('held', 'incoming')),
        from_device_id   TEXT NOT NULL,
        bundle_id        TEXT NOT NULL,
        status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
        resolution       TEXT,
        resolution_note  TEXT,
        resolved_by      TEXT,
        resolved_at      TEXT,
        created_at       TEXT NOT NULL,
        UNIQUE (kind, record_id, incoming_hash)
      ) STRICT;
      CREATE INDEX sync_conflict_status ON sync_conflict(status, created_at);

      -- Audit entries whose predecessor in their device's chain has not arrived yet; moved into
      -- audit_log (in chain order) as soon as it does, so every chain stays verifiable.
      CREATE TABLE sync_audit_pending (
        id          TEXT PRIMARY KEY,
        device_id   TEXT NOT NULL,
        prev_hash   TEXT NOT NULL,
        entry       TEXT NOT NULL,
        bundle_id   TEXT NOT NULL,
        received_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX sync_audit_pending_link ON sync_audit_pending(device_id, prev_hash);
    `)
  },
}
