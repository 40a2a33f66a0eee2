import type { Migration } from '../migrate'

/**
 * Credentials (2/5): the issuer keys this organization signs with, public keys of other
 * organizations it trusts, every credential issued, and the Bitstring Status Lists that carry
 * revocations (see docs/credentials.md).
 *
 * What is signed never changes: triggers freeze an issued credential (its JSON, JWT and QR token
 * and every fact about it); the only later change is revoking it, once. Keys are never deleted
 * (retired keys still verify old credentials) and their public half never changes.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'credentials',
  up: (db) => {
    db.exec(`
      -- One row per key. Keys are made in pairs (a "generation"): an Ed25519 key whose did:key is
      -- the issuer id (Data Integrity proofs, QR tokens, status lists) and a P-256 key for VC-JWTs
      -- (ES256); both rows carry the Ed25519 key's did:key as issuer_id. \`private_envelope\` is the
      -- passphrase envelope (crypto/keystore.ts) as opaque text the desktop shell may wrap again;
      -- it is NULL for keys of the same organization that arrived from another device by sync.
      CREATE TABLE issuer_key (
        id               TEXT PRIMARY KEY,
        device_id        TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL,
        type             TEXT NOT NULL CHECK (type IN ('Ed25519', 'P-256')),
        issuer_id        TEXT NOT NULL,
        public_jwk       TEXT NOT NULL,
        private_envelope TEXT,
        retired_at       TEXT
      ) STRICT;
      CREATE INDEX issuer_key_issuer ON issuer_key(issuer_id);
      CREATE TRIGGER issuer_key_frozen BEFORE UPDATE ON issuer_key
      WHEN NEW.id IS NOT OLD.id OR NEW.device_id IS NOT OLD.device_id OR NEW.created_at IS NOT OLD.created_at
        OR NEW.type IS NOT OLD.type OR NEW.issuer_id IS NOT OLD.issuer_id OR NEW.public_jwk IS NOT OLD.public_jwk
        OR (OLD.retired_at IS NOT NULL AND NEW.retired_at IS NOT OLD.retired_at)
        OR (OLD.private_envelope IS NOT NULL AND NEW.private_envelope IS NULL)
      BEGIN SELECT RAISE(ABORT, 'issuer keys cannot be changed, only retired'); END;
      CREATE TRIGGER issuer_key_no_delete BEFORE DELETE ON issuer_key
      BEGIN SELECT RAISE(ABORT, 'issuer keys are kept: retired keys still verify old credentials'); END;

      -- Public keys of other organizations (or a hub) this installation trusts as issuers, imported
      -- from their \`tessera keys export-public\` file. id = the key's RFC 7638 thumbprint.
      CREATE TABLE trusted_key (
        id          TEXT PRIMARY KEY,
        device_id   TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        owner_name  TEXT NOT NULL,
        owner_url   TEXT,
        issuer_id   TEXT NOT NULL,
        type        TEXT NOT NULL CHECK (type IN ('Ed25519', 'P-256')),
        public_jwk  TEXT NOT NULL,
        retired_at  TEXT,
        imported_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX trusted_key_issuer ON trusted_key(issuer_id);
      CREATE TRIGGER trusted_key_frozen BEFORE UPDATE ON trusted_key
      WHEN NEW.id IS NOT OLD.id OR NEW.issuer_id IS NOT OLD.issuer_id OR NEW.type IS NOT OLD.type
        OR NEW.public_jwk IS NOT OLD.public_jwk
      BEGIN SELECT RAISE(ABORT, 'a trusted key cannot be changed into another key'); END;

      -- Bitstring Status Lists. Owned lists are allocated and signed here; their bits are derived
      -- from the credential rows (revoked_at), and \`signed_json\` is the latest signed
      -- BitstringStatusListCredential. Lists of other devices or organizations are held (owned = 0)
      -- only as their latest signed copy, so verification can check revocation offline.
      CREATE TABLE status_list (
        id          TEXT PRIMARY KEY,
        device_id   TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        url         TEXT NOT NULL UNIQUE,
        purpose     TEXT NOT NULL DEFAULT 'revocation' CHECK (purpose IN ('revocation', 'suspension')),
        size        INTEGER NOT NULL,
        owned       INTEGER NOT NULL DEFAULT 0 CHECK (owned IN (0, 1)),
        issuer_id   TEXT,
        signed_json TEXT,
        signed_at   TEXT
      ) STRICT;
      CREATE TRIGGER status_list_frozen BEFORE UPDATE ON status_list
      WHEN NEW.id IS NOT OLD.id OR NEW.url IS NOT OLD.url OR NEW.purpose IS NOT OLD.purpose
        OR NEW.size IS NOT OLD.size OR NEW.device_id IS NOT OLD.device_id OR NEW.created_at IS NOT OLD.created_at
      BEGIN SELECT RAISE(ABORT, 'a status list keeps its URL, purpose and size for ever'); END;
      CREATE TRIGGER status_list_no_delete BEFORE DELETE ON status_list
      BEGIN SELECT RAISE(ABORT, 'status lists are kept: issued credentials point to them'); END;

      -- Every credential issued. \`json\` (Data Integrity proof), \`jwt\` and \`qr_token\` are exactly
      -- what was signed. A re-issue is a new row pointing to the one it replaces (supersedes_id),
      -- which is revoked in the same transaction: at most one unrevoked credential per assessment.
      CREATE TABLE credential (
        id                TEXT PRIMARY KEY,
        device_id         TEXT NOT NULL,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL,
        assessment_id     TEXT NOT NULL REFERENCES assessment(id),
        learner_id        TEXT NOT NULL REFERENCES learner(id),
        achievement_id    TEXT NOT NULL REFERENCES achievement(id),
        rubric_version_id TEXT NOT NULL REFERENCES rubric_version(id),
        issuer_id         TEXT NOT NULL,
        issued_at         TEXT NOT NULL,
        awarded_at        TEXT NOT NULL,
        valid_from        TEXT NOT NULL,
        valid_until       TEXT,
        status_list_id    TEXT NOT NULL REFERENCES status_list(id),
        status_index      INTEGER NOT NULL CHECK (status_index >= 0),
        json              TEXT NOT NULL,
        jwt               TEXT NOT NULL,
        qr_token          TEXT NOT NULL,
        supersedes_id     TEXT REFERENCES credential(id),
        revoked_at        TEXT,
        revocation_reason TEXT,
        CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL)),
        CHECK (revocation_reason IS NULL OR revocation_reason <> ''),
        UNIQUE (status_list_id, status_index)
      ) STRICT;
      CREATE UNIQUE INDEX credential_one_active ON credential(assessment_id) WHERE revoked_at IS NULL;
      CREATE INDEX credential_assessment ON credential(assessment_id);
      CREATE INDEX credential_learner ON credential(learner_id);
      CREATE INDEX credential_achievement ON credential(achievement_id);
      CREATE INDEX credential_issued ON credential(issued_at);
      CREATE INDEX credential_supersedes ON credential(supersedes_id) WHERE supersedes_id IS NOT NULL;

      -- Signed means frozen: the only change ever allowed is revoking it (once), which may set only
      -- revoked_at, revocation_reason and updated_at.
      CREATE TRIGGER credential_frozen BEFORE UPDATE ON credential
      WHEN OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL
        OR NEW.id IS NOT OLD.id OR NEW.device_id IS NOT OLD.device_id OR NEW.created_at IS NOT OLD.created_at
        OR NEW.assessment_id IS NOT OLD.assessment_id OR NEW.learner_id IS NOT OLD.learner_id
        OR NEW.achievement_id IS NOT OLD.achievement_id OR NEW.rubric_version_id IS NOT OLD.rubric_version_id
        OR NEW.issuer_id IS NOT OLD.issuer_id OR NEW.issued_at IS NOT OLD.issued_at
        OR NEW.awarded_at IS NOT OLD.awarded_at OR NEW.valid_from IS NOT OLD.valid_from
        OR NEW.valid_until IS NOT OLD.valid_until OR NEW.status_list_id IS NOT OLD.status_list_id
        OR NEW.status_index IS NOT OLD.status_index OR NEW.json IS NOT OLD.json OR NEW.jwt IS NOT OLD.jwt
        OR NEW.qr_token IS NOT OLD.qr_token OR NEW.supersedes_id IS NOT OLD.supersedes_id
      BEGIN SELECT RAISE(ABORT, 'an issued credential cannot be changed; it can only be revoked, once'); END;
      CREATE TRIGGER credential_no_delete BEFORE DELETE ON credential
      BEGIN SELECT RAISE(ABORT, 'issued credentials cannot be deleted; revoke them instead'); END;
    `)
  },
}
