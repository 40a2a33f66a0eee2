import type { Generated } from 'kysely'

/** Columns every syncable record has: see migration 0001. */
export interface SyncColumns {
  id: string
  device_id: string
  created_at: string
  updated_at: string
}

export interface SettingTable {
  key: string
  value: string
}

export interface OrganizationTable extends SyncColumns {
  name: string
  url: string | null
  email: string | null
  description: string | null
  logo: Uint8Array | null
  logo_media_type: string | null
}

export interface AssessorTable extends SyncColumns {
  name: string
  email: string | null
  active: Generated<number>
}

export interface LearnerTable extends SyncColumns {
  version: Generated<number>
  given_name: string
  family_name: Generated<string>
  email: string | null
  email_key: string | null
  phone: string | null
  external_id: string | null
  notes: string | null
  search_key: string
}

export interface CohortTable extends SyncColumns {
  name: string
}

/** One replaced version of a learner (append-only). */
export interface LearnerHistoryTable extends SyncColumns {
  learner_id: string
  version: number
  /** JSON of `LearnerSnapshot` (services/learner-records.ts). */
  snapshot: string
}

export interface LearnerCohortTable {
  learner_id: string
  cohort_id: string
  device_id: string
  created_at: string
}

export interface AchievementTable extends SyncColumns {
  name: string
  description: Generated<string>
  criteria_narrative: Generated<string>
  image: Uint8Array | null
  image_media_type: string | null
  /** JSON array of strings. */
  tags: Generated<string>
  achievement_type: Generated<string>
  /** JSON array of OB3 Alignment objects. */
  alignment: Generated<string>
  validity_months: number | null
}

export interface RubricTable extends SyncColumns {
  achievement_id: string
  name: string
}

export interface RubricVersionTable extends SyncColumns {
  rubric_id: string
  version: number
  /** Canonical JSON of `RubricContent` (core/domain/rubric.ts). */
  content: string
  content_hash: string
  change_note: string | null
}

export type AssessmentState = 'draft' | 'finalized' | 'voided'

export interface AssessmentTable extends SyncColumns {
  learner_id: string
  rubric_version_id: string
  assessor_id: string
  assessed_on: string
  location: string | null
  overall_comment: Generated<string>
  state: Generated<AssessmentState>
  /** JSON of `Outcome` (core/domain/outcome.ts), fixed at finalization. */
  outcome: string | null
  finalized_at: string | null
  /** The assessor who signed it off. */
  finalized_by: string | null
  voided_at: string | null
  void_reason: string | null
  supersedes_id: string | null
}

export interface AssessmentScoreTable {
  assessment_id: string
  criterion_id: string
  level_id: string | null
  comment: Generated<string>
}

export interface BlobTable {
  sha256: string
  size: number
  data: Uint8Array
}

export interface EvidenceTable extends SyncColumns {
  assessment_id: string
  filename: string
  media_type: string
  size: number
  sha256: string
}

export interface AuditLogTable {
  seq: Generated<number>
  id: string
  at: string
  device_id: string
  actor: string
  action: string
  entity_type: string
  entity_id: string
  details: string
  prev_hash: string
  hash: string
}

export interface CoreTables {
  setting: SettingTable
  organization: OrganizationTable
  assessor: AssessorTable
  learner: LearnerTable
  cohort: CohortTable
  learner_cohort: LearnerCohortTable
  learner_history: LearnerHistoryTable
  achievement: AchievementTable
  rubric: RubricTable
  rubric_version: RubricVersionTable
  assessment: AssessmentTable
  assessment_score: AssessmentScoreTable
  blob: BlobTable
  evidence: EvidenceTable
  audit_log: AuditLogTable
}
