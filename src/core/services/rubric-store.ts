import type { Kysely } from 'kysely'
import { notFound } from '../../contract/errors'
import type { DB } from '../db/schema'
import type { RubricContent } from '../domain/rubric-types'

/**
 * Reading stored rubric versions: what assessments (and later credentials) score against.
 *
 * MINIMAL VERSION written by the assessments work so it was not blocked; the rubrics feature owns
 * this file and may replace it, keeping these two functions and the returned shape.
 */
export interface StoredRubricVersion {
  id: string
  rubricId: string
  version: number
  /** Parsed from the canonical JSON in `rubric_version.content`. */
  content: RubricContent
  /** SHA-256 of that canonical JSON, recorded in credentials. */
  contentHash: string
  achievement: { id: string; name: string }
}

export async function loadRubricVersion(
  db: Kysely<DB>,
  rubricVersionId: string,
): Promise<StoredRubricVersion> {
  const row = await db
    .selectFrom('rubric_version as v')
    .innerJoin('rubric as r', 'r.id', 'v.rubric_id')
    .innerJoin('achievement as a', 'a.id', 'r.achievement_id')
    .select([
      'v.id',
      'v.rubric_id',
      'v.version',
      'v.content',
      'v.content_hash',
      'a.id as achievement_id',
      'a.name as achievement_name',
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
    achievement: { id: row.achievement_id, name: row.achievement_name },
  }
}

/** The given version of a rubric, or its latest when `version` is undefined. */
export async function resolveRubricVersion(
  db: Kysely<DB>,
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
