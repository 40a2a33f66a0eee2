import type { Migration } from '../migrate'

/**
 * The core of 1/5: organization, people, rubrics, assessments, evidence and the audit log.
 *
 * Every syncable record carries a UUIDv7 `id`, the `device_id` that created it and ISO-8601 UTC
 * `created_at` / `updated_at`. Immutability of finalized work is enforced twice: by the services,
 * and by triggers here, so that no code path (or future bug) can rewrite signed-off results.
 */
export const migration0001: Migration = {
  version: 1,
  name: 'core',
  up: (db) => {
    db.exec(`
      CREATE TABLE setting (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE organization (
        id              TEXT PRIMARY KEY,
        device_id       TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        name            TEXT NOT NULL,
        url             TEXT,
        email           TEXT,
        description     TEXT,
        logo            BLOB,
        logo_media_type TEXT
      ) STRICT;

      CREATE TABLE assessor (
        id         TEXT PRIMARY KEY,
        device_id  TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        name       TEXT NOT NULL,
        email      TEXT,
        active     INTEGER NOT NULL DEFAULT 1
      ) STRICT;
      CREATE INDEX assessor_name ON assessor(name);

      CREATE TABLE learner (
        id          TEXT PRIMARY KEY,
        device_id   TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        version     INTEGER NOT NULL DEFAULT 1,
        given_name  TEXT NOT NULL,
        family_name TEXT NOT NULL DEFAULT '',
        email       TEXT,
        email_key   TEXT,
        phone       TEXT,
        external_id TEXT,
        notes       TEXT,
        search_key  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX learner_email_key ON learner(email_key) WHERE email_key IS NOT NULL;
      CREATE INDEX learner_external_id ON learner(external_id) WHERE external_id IS NOT NULL;
      CREATE INDEX learner_sort ON learner(family_name, given_name);

      -- Accent- and case-folded tokens (folded in TypeScript, see core/domain/names.ts) so that
      -- prefix search stays fast at 100,000 learners without ICU.
      CREATE VIRTUAL TABLE learner_fts USING fts5(
        search_key, content='learner', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0'
      );
      CREATE TRIGGER learner_fts_ai AFTER INSERT ON learner BEGIN
        INSERT INTO learner_fts(rowid, search_key) VALUES (new.rowid, new.search_key);
      END;
      CREATE TRIGGER learner_fts_ad AFTER DELETE ON learner BEGIN
        INSERT INTO learner_fts(learner_fts, rowid, search_key) VALUES ('delete', old.rowid, old.search_key);
      END;
      CREATE TRIGGER learner_fts_au AFTER UPDATE OF search_key ON learner BEGIN
        INSERT INTO learner_fts(learner_fts, rowid, search_key) VALUES ('delete', old.rowid, old.search_key);
        INSERT INTO learner_fts(rowid, search_key) VALUES (new.rowid, new.search_key);
      END;

      CREATE TABLE cohort (
        id         TEXT PRIMARY KEY,
        device_id  TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        name       TEXT NOT NULL UNIQUE
      ) STRICT;

      CREATE TABLE learner_cohort (
        learner_id TEXT NOT NULL REFERENCES learner(id),
        cohort_id  TEXT NOT NULL REFERENCES cohort(id),
        device_id  TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (learner_id, cohort_id)
      ) STRICT;
      CREATE INDEX learner_cohort_cohort ON learner_cohort(cohort_id);

      -- Every replaced version of a learner: \`snapshot\` is the JSON of its fields as they were at
      -- \`version\` (see services/learner-records.ts). Rows are never changed; the sync issue merges
      -- concurrent edits from these versions.
      CREATE TABLE learner_history (
        id         TEXT PRIMARY KEY,
        device_id  TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        learner_id TEXT NOT NULL REFERENCES learner(id),
        version    INTEGER NOT NULL,
        snapshot   TEXT NOT NULL
      ) STRICT;
      CREATE INDEX learner_history_learner ON learner_history(learner_id, version);
      CREATE TRIGGER learner_history_no_update BEFORE UPDATE ON learner_history
      BEGIN SELECT RAISE(ABORT, 'learner history is append-only'); END;

      CREATE TABLE achievement (
        id               TEXT PRIMARY KEY,
        device_id        TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL,
        name             TEXT NOT NULL,
        description      TEXT NOT NULL DEFAULT '',
        criteria_narrative TEXT NOT NULL DEFAULT '',
        image            BLOB,
        image_media_type TEXT,
        tags             TEXT NOT NULL DEFAULT '[]',
        achievement_type TEXT NOT NULL DEFAULT 'Assessment',
        alignment        TEXT NOT NULL DEFAULT '[]',
        validity_months  INTEGER
      ) STRICT;

      CREATE TABLE rubric (
        id             TEXT PRIMARY KEY,
        device_id      TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        achievement_id TEXT NOT NULL REFERENCES achievement(id),
        name           TEXT NOT NULL
      ) STRICT;

      -- One row per version. \`content\` is the canonical JSON of criteria, levels and passing rule;
      -- \`content_hash\` is its SHA-256, recorded in every credential issued from it.
      CREATE TABLE rubric_version (
        id           TEXT PRIMARY KEY,
        device_id    TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        rubric_id    TEXT NOT NULL REFERENCES rubric(id),
        version      INTEGER NOT NULL,
        content      TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        change_note  TEXT,
        UNIQUE (rubric_id, version)
      ) STRICT;

      CREATE TABLE assessment (
        id                TEXT PRIMARY KEY,
        device_id         TEXT NOT NULL,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL,
        learner_id        TEXT NOT NULL REFERENCES learner(id),
        rubric_version_id TEXT NOT NULL REFERENCES rubric_version(id),
        assessor_id       TEXT NOT NULL REFERENCES assessor(id),
        assessed_on       TEXT NOT NULL,
        location          TEXT,
        overall_comment   TEXT NOT NULL DEFAULT '',
        state             TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'finalized', 'voided')),
        outcome           TEXT,
        finalized_at      TEXT,
        -- The assessor who signed it off (the audit log records which user account did it).
        finalized_by      TEXT REFERENCES assessor(id),
        voided_at         TEXT,
        void_reason       TEXT,
        supersedes_id     TEXT REFERENCES assessment(id),
        CHECK (state <> 'finalized' OR (outcome IS NOT NULL AND finalized_at IS NOT NULL AND finalized_by IS NOT NULL)),
        CHECK (state <> 'voided' OR (voided_at IS NOT NULL AND void_reason IS NOT NULL AND void_reason <> ''))
      ) STRICT;
      CREATE INDEX assessment_learner ON assessment(learner_id);
      CREATE INDEX assessment_rubric_version ON assessment(rubric_version_id);
      CREATE INDEX assessment_state_date ON assessment(state, assessed_on);
      CREATE INDEX assessment_date ON assessment(assessed_on, created_at);
      CREATE INDEX assessment_supersedes ON assessment(supersedes_id) WHERE supersedes_id IS NOT NULL;

      CREATE TABLE assessment_score (
        assessment_id TEXT NOT NULL REFERENCES assessment(id),
        criterion_id  TEXT NOT NULL,
        level_id      TEXT,
        comment       TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (assessment_id, criterion_id)
      ) STRICT;

      -- Evidence bytes are content-addressed so that sync can ship hashes without bytes.
      CREATE TABLE blob (
        sha256 TEXT PRIMARY KEY,
        size   INTEGER NOT NULL,
        data   BLOB NOT NULL
      ) STRICT;

      CREATE TABLE evidence (
        id            TEXT PRIMARY KEY,
        device_id     TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        assessment_id TEXT NOT NULL REFERENCES assessment(id),
        filename      TEXT NOT NULL,
        media_type    TEXT NOT NULL,
        size          INTEGER NOT NULL,
        sha256        TEXT NOT NULL
      ) STRICT;
      CREATE INDEX evidence_assessment ON evidence(assessment_id);
      CREATE INDEX evidence_sha256 ON evidence(sha256);

      CREATE TABLE audit_log (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        id          TEXT NOT NULL UNIQUE,
        at          TEXT NOT NULL,
        device_id   TEXT NOT NULL,
        actor       TEXT NOT NULL,
        action      TEXT NOT NULL,
        entity_type TEXT NOT NULL,
        entity_id   TEXT NOT NULL,
        details     TEXT NOT NULL DEFAULT '{}',
        prev_hash   TEXT NOT NULL,
        hash        TEXT NOT NULL
      ) STRICT;
      CREATE INDEX audit_entity ON audit_log(entity_type, entity_id);

      -- Signed-off work is frozen. The only change allowed to a finalized assessment is voiding it.
      -- Voiding may set only state, voided_at, void_reason and updated_at.
      CREATE TRIGGER assessment_frozen BEFORE UPDATE ON assessment
      WHEN OLD.state <> 'draft'
        AND NOT (OLD.state = 'finalized' AND NEW.state = 'voided'
                 AND NEW.id = OLD.id AND NEW.device_id = OLD.device_id AND NEW.created_at = OLD.created_at
                 AND NEW.learner_id = OLD.learner_id AND NEW.rubric_version_id = OLD.rubric_version_id
                 AND NEW.assessor_id = OLD.assessor_id AND NEW.assessed_on = OLD.assessed_on
                 AND NEW.location IS OLD.location AND NEW.overall_comment = OLD.overall_comment
                 AND NEW.outcome IS OLD.outcome AND NEW.finalized_at IS OLD.finalized_at
                 AND NEW.finalized_by IS OLD.finalized_by AND NEW.supersedes_id IS OLD.supersedes_id)
      BEGIN SELECT RAISE(ABORT, 'assessment is finalized or voided and cannot be changed'); END;
      CREATE TRIGGER assessment_no_delete BEFORE DELETE ON assessment WHEN OLD.state <> 'draft'
      BEGIN SELECT RAISE(ABORT, 'finalized assessments cannot be deleted'); END;
      CREATE TRIGGER score_frozen_u BEFORE UPDATE ON assessment_score
      WHEN (SELECT state FROM assessment WHERE id = OLD.assessment_id) <> 'draft'
      BEGIN SELECT RAISE(ABORT, 'scores of a finalized assessment cannot be changed'); END;
      CREATE TRIGGER score_frozen_i BEFORE INSERT ON assessment_score
      WHEN (SELECT state FROM assessment WHERE id = NEW.assessment_id) <> 'draft'
      BEGIN SELECT RAISE(ABORT, 'scores of a finalized assessment cannot be changed'); END;
      CREATE TRIGGER score_frozen_d BEFORE DELETE ON assessment_score
      WHEN (SELECT state FROM assessment WHERE id = OLD.assessment_id) <> 'draft'
      BEGIN SELECT RAISE(ABORT, 'scores of a finalized assessment cannot be changed'); END;

      -- Evidence of signed-off work is frozen too; its bytes are content-addressed and never rewritten.
      CREATE TRIGGER evidence_frozen_i BEFORE INSERT ON evidence
      WHEN (SELECT state FROM assessment WHERE id = NEW.assessment_id) <> 'draft'
      BEGIN SELECT RAISE(ABORT, 'evidence of a finalized assessment cannot be changed'); END;
      CREATE TRIGGER evidence_frozen_u BEFORE UPDATE ON evidence
      WHEN (SELECT state FROM assessment WHERE id = OLD.assessment_id) <> 'draft'
        OR (SELECT state FROM assessment WHERE id = NEW.assessment_id) <> 'draft'
      BEGIN SELECT RAISE(ABORT, 'evidence of a finalized assessment cannot be changed'); END;
      CREATE TRIGGER evidence_frozen_d BEFORE DELETE ON evidence
      WHEN (SELECT state FROM assessment WHERE id = OLD.assessment_id) <> 'draft'
      BEGIN SELECT RAISE(ABORT, 'evidence of a finalized assessment cannot be changed'); END;
      CREATE TRIGGER blob_immutable BEFORE UPDATE ON blob
      BEGIN SELECT RAISE(ABORT, 'stored evidence bytes cannot be changed'); END;
      CREATE TRIGGER blob_keep_finalized BEFORE DELETE ON blob
      WHEN EXISTS (SELECT 1 FROM evidence e JOIN assessment a ON a.id = e.assessment_id
                   WHERE e.sha256 = OLD.sha256 AND a.state <> 'draft')
      BEGIN SELECT RAISE(ABORT, 'evidence bytes of a finalized assessment cannot be deleted'); END;

      -- A rubric version that has scored anyone is frozen: editing it makes a new version.
      CREATE TRIGGER rubric_version_frozen BEFORE UPDATE OF content, content_hash, version, rubric_id ON rubric_version
      WHEN EXISTS (SELECT 1 FROM assessment WHERE rubric_version_id = OLD.id)
      BEGIN SELECT RAISE(ABORT, 'rubric version has been used to score and is frozen'); END;

      -- The audit log is append-only; the hash chain detects edits made around these triggers.
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `)
  },
}
