import type Database from 'better-sqlite3'
import type { Tessera } from '../../src/core/app'
import { canonicalJson } from '../../src/core/domain/canonical-json'
import { newId } from '../../src/core/domain/ids'
import { foldForSearch } from '../../src/core/domain/names'
import type { RubricContent, RubricLevel } from '../../src/core/domain/rubric-types'
import { sha256Hex } from '../../src/core/node/hash'
import { openInitializedTessera } from '../helpers/temp-db'

/**
 * Learners and rubrics are written by other features; these tests insert their rows with plain SQL
 * (the columns of migration 0001) so that assessments can be tested on their own.
 */

const levels = (): RubricLevel[] => [
  { id: 'not-yet', label: 'Not yet', description: 'Cannot do it yet', points: 0 },
  { id: 'developing', label: 'Developing', description: 'Needs help', points: 1 },
  { id: 'competent', label: 'Competent', description: 'Does it unaided', points: 2 },
  { id: 'expert', label: 'Expert', description: 'Could teach it', points: 3 },
]

/** Max = 2×3 + 1.5×3 + 0.5×3 = 12; passing 70 % = 8.4; "Safe isolation" must be Competent or better. */
export const safetyRubric: RubricContent = {
  criteria: [
    {
      id: 'isolation',
      title: 'Safe isolation',
      description: 'Isolates and proves dead before work',
      weight: 2,
      critical: true,
      minLevelId: 'competent',
      levels: levels(),
    },
    {
      id: 'termination',
      title: 'Cable termination',
      description: 'Terminates cables',
      weight: 1.5,
      critical: false,
      minLevelId: null,
      levels: levels(),
    },
    {
      id: 'housekeeping',
      title: 'Housekeeping',
      description: 'Leaves the work area safe',
      weight: 0.5,
      critical: false,
      minLevelId: null,
      levels: levels(),
    },
  ],
  passing: { minTotal: 70, unit: 'percent' },
}

const nowIso = () => new Date().toISOString()

export function insertLearner(
  sqlite: Database.Database,
  given: string,
  family = '',
  extra: { externalId?: string } = {},
): string {
  const id = newId()
  const now = nowIso()
  sqlite
    .prepare(
      `INSERT INTO learner (id, device_id, created_at, updated_at, given_name, family_name, external_id, search_key)
       VALUES (?, 'test-device', ?, ?, ?, ?, ?, ?)`,
    )
    .run(id, now, now, given, family, extra.externalId ?? null, foldForSearch(`${given} ${family}`))
  return id
}

export function insertRubric(
  sqlite: Database.Database,
  content: RubricContent,
  name = 'Electrical safety',
): { rubricId: string; versionId: string } {
  const now = nowIso()
  const achievementId = newId()
  const rubricId = newId()
  sqlite
    .prepare(
      `INSERT INTO achievement (id, device_id, created_at, updated_at, name) VALUES (?, 'test-device', ?, ?, ?)`,
    )
    .run(achievementId, now, now, name)
  sqlite
    .prepare(
      `INSERT INTO rubric (id, device_id, created_at, updated_at, achievement_id, name) VALUES (?, 'test-device', ?, ?, ?, ?)`,
    )
    .run(rubricId, now, now, achievementId, name)
  return { rubricId, versionId: insertRubricVersion(sqlite, rubricId, 1, content) }
}

export function insertRubricVersion(
  sqlite: Database.Database,
  rubricId: string,
  version: number,
  content: RubricContent,
): string {
  const id = newId()
  const now = nowIso()
  const json = canonicalJson(content)
  sqlite
    .prepare(
      `INSERT INTO rubric_version (id, device_id, created_at, updated_at, rubric_id, version, content, content_hash)
       VALUES (?, 'test-device', ?, ?, ?, ?, ?, ?)`,
    )
    .run(id, now, now, rubricId, version, json, sha256Hex(json))
  return id
}

export interface World {
  t: Tessera
  sqlite: Database.Database
  learnerId: string
  assessorId: string
  rubricId: string
  versionId: string
}

/** An initialized database with one learner, one assessor and the safety rubric. */
export async function world(opts: { evidenceMaxBytes?: number } = {}): Promise<World> {
  const t = await openInitializedTessera(opts)
  const sqlite = t.ctx.database.sqlite
  const learnerId = insertLearner(sqlite, 'Amina', 'Yusuf', { externalId: 'NS-0042' })
  const { id: assessorId } = await t.call('assessors.add', { name: 'R. Okafor' })
  const { rubricId, versionId } = insertRubric(sqlite, safetyRubric)
  return { t, sqlite, learnerId, assessorId, rubricId, versionId }
}

export async function draft(w: World, assessedOn = '2026-03-14') {
  return w.t.call('assessments.create', {
    learnerId: w.learnerId,
    rubricId: w.rubricId,
    assessorId: w.assessorId,
    assessedOn,
  })
}

/** Total 2×2 + 1.5×3 + 0.5×1 = 9 of 12 (75 %): a pass. */
export const passingScores = [
  { criterionId: 'isolation', levelId: 'competent' },
  { criterionId: 'termination', levelId: 'expert' },
  { criterionId: 'housekeeping', levelId: 'developing' },
]

export async function finalized(w: World, scores = passingScores) {
  const a = await draft(w)
  await w.t.call('assessments.saveDraft', { id: a.id, scores })
  return w.t.call('assessments.finalize', { id: a.id })
}

export const auditActions = (sqlite: Database.Database, entityId: string): string[] =>
  (
    sqlite.prepare(`SELECT action FROM audit_log WHERE entity_id = ? ORDER BY seq`).all(entityId) as {
      action: string
    }[]
  ).map((r) => r.action)

export const count = (sqlite: Database.Database, table: string): number =>
  (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n

/** A tiny valid PNG (1×1 pixel). */
export const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)
