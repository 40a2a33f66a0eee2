import type { Kysely, Selectable } from 'kysely'
import { notFound } from '../../contract/errors'
import type { AchievementTable, DB } from '../db/schema'
import type { RubricContent } from '../domain/rubric-types'
import type { Tx } from './context'

/**
 * Reading stored rubric versions: what assessments (and credentials) score against and record.
 * Shared by the rubrics service and by other features; keep the two functions and their shape stable.
 */

/** OB 3.0 Alignment, as stored with an achievement. */
export interface StoredAlignment {
  targetName: string
  targetUrl: string
  targetCode?: string | null
  targetDescription?: string | null
  targetFramework?: string | null
  targetType?: string | null
}

export interface StoredAchievement {
  id: string
  name: string
  description: string
  criteriaNarrative: string
  achievementType: string
  tags: string[]
  alignment: StoredAlignment[]
  validityMonths: number | null
  image: { mediaType: string; bytes: Uint8Array } | null
  createdAt: string
  updatedAt: string
}

export interface StoredRubricVersion {
  id: string
  rubricId: string
  version: number
  /** Parsed from the canonical JSON in `rubric_version.content`. */
  content: RubricContent
  /** SHA-256 of that canonical JSON, recorded in credentials. */
  contentHash: string
  /** The rubric's name (usually the achievement's). */
  rubricName: string
  changeNote: string | null
  createdAt: string
  achievement: StoredAchievement
}

type AchievementRow = Selectable<AchievementTable>

export function achievementFromRow(row: AchievementRow): StoredAchievement {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    criteriaNarrative: row.criteria_narrative,
    achievementType: row.achievement_type,
    tags: parseJsonArray<string>(row.tags),
    alignment: parseJsonArray<StoredAlignment>(row.alignment),
    validityMonths: row.validity_months,
    image: row.image && row.image_media_type ? { mediaType: row.image_media_type, bytes: row.image } : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export async function loadAchievement(db: Tx, achievementId: string): Promise<StoredAchievement> {
  const row = await db
    .selectFrom('achievement')
    .selectAll()
    .where('id', '=', achievementId)
    .executeTakeFirst()
  if (!row) throw notFound('Achievement', achievementId)
  return achievementFromRow(row)
}

export async function loadRubricVersion(
  db: Kysely<DB> | Tx,
  rubricVersionId: string,
): Promise<StoredRubricVersion> {
  const row = await db
    .selectFrom('rubric_version as v')
    .innerJoin('rubric as r', 'r.id', 'v.rubric_id')
    .select([
      'v.id',
      'v.rubric_id',
      'v.version',
      'v.content',
      'v.content_hash',
      'v.change_note',
      'v.created_at',
      'r.name as rubric_name',
      'r.achievement_id',
    ])
    .where('v.id', '=', rubricVersionId)
    .executeTakeFirst()
  if (!row) throw notFound('Rubric version', rubricVersionId)
  return {
    id: row.id,
    rubricId: row.rubric_id,
    version: row.version,
    content: JSON.parse(row.content) as RubricContent,
    contentHash: row.content_hash,
    rubricName: row.rubric_name,
    changeNote: row.change_note,
    createdAt: row.created_at,
    achievement: await loadAchievement(db, row.achievement_id),
  }
}

/** The given version of a rubric, or its latest when `version` is undefined. */
export async function resolveRubricVersion(
  db: Kysely<DB> | Tx,
  rubricId: string,
  version?: number,
): Promise<StoredRubricVersion> {
  let q = db.selectFrom('rubric_version').select('id').where('rubric_id', '=', rubricId)
  q = version === undefined ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version)
  const row = await q.executeTakeFirst()
  if (!row) {
    const rubric = await db.selectFrom('rubric').select('id').where('id', '=', rubricId).executeTakeFirst()
    throw rubric && version !== undefined
      ? notFound('Rubric version', `${rubricId}@${version}`)
      : notFound('Rubric', rubricId)
  }
  return loadRubricVersion(db, row.id)
}

export { parseRubricRef } from '../../contract/ops/rubrics'

function parseJsonArray<T>(json: string): T[] {
  try {
    const v: unknown = JSON.parse(json)
    return Array.isArray(v) ? (v as T[]) : []
  } catch {
    return []
  }
}
