import fs from 'node:fs'
import path from 'node:path'
import type Database from 'better-sqlite3'
import type { RubricContent } from '../../src/core/domain/rubric-types'
import { newId } from '../../src/core/domain/ids'
import { foldForSearch } from '../../src/core/domain/names'
import { resourcePath } from '../../src/core/node/resources'

/** A small valid rubric: max 2×3 + 1×3 = 9; passing 60 %; "Safe isolation" must be Competent. */
export function baseContent(): RubricContent {
  const levels = () => [
    { id: 'not-yet', label: 'Not yet', description: 'Cannot do it yet', points: 0 },
    { id: 'developing', label: 'Developing', description: 'Needs help', points: 1 },
    { id: 'competent', label: 'Competent', description: 'Does it unaided', points: 2 },
    { id: 'expert', label: 'Expert', description: 'Could teach it', points: 3 },
  ]
  return {
    criteria: [
      {
        id: 'isolation',
        title: 'Safe isolation',
        description: 'Isolates and proves dead',
        weight: 2,
        critical: true,
        minLevelId: 'competent',
        levels: levels(),
      },
      {
        id: 'termination',
        title: 'Cable termination',
        description: 'Terminates cables',
        weight: 1,
        critical: false,
        minLevelId: null,
        levels: levels(),
      },
    ],
    passing: { minTotal: 60, unit: 'percent' },
  }
}

export const EXAMPLES_DIR = resourcePath('examples')

/** Every example rubric file: [file name, text]. */
export function exampleFiles(): [string, string][] {
  return fs
    .readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.rubric.json'))
    .sort()
    .map((f) => [f, fs.readFileSync(path.join(EXAMPLES_DIR, f), 'utf8')])
}

/** A file document around some content, for service tests. */
export function fileFor(
  content: RubricContent,
  extra: { rubric?: Record<string, unknown>; achievement?: Record<string, unknown> } = {},
) {
  return {
    format: 'tessera.rubric',
    formatVersion: 1,
    rubric: { name: 'Electrical safety', ...extra.rubric },
    achievement: { name: 'Electrical Safety Basics', ...extra.achievement },
    ...content,
  }
}

/**
 * The assessments service is another feature; a minimal draft assessment row is enough to make a
 * rubric version "used". Inserted with the columns of migration 0001.
 */
export function insertDraftAssessment(
  sqlite: Database.Database,
  rubricVersionId: string,
  assessorId: string,
): string {
  const now = new Date().toISOString()
  const learnerId = newId()
  sqlite
    .prepare(
      `INSERT INTO learner (id, device_id, created_at, updated_at, given_name, family_name, search_key)
       VALUES (?, 'test-device', ?, ?, 'Amina', 'Yusuf', ?)`,
    )
    .run(learnerId, now, now, foldForSearch('Amina Yusuf'))
  const id = newId()
  sqlite
    .prepare(
      `INSERT INTO assessment (id, device_id, created_at, updated_at, learner_id, rubric_version_id, assessor_id, assessed_on)
       VALUES (?, 'test-device', ?, ?, ?, ?, ?, '2026-03-14')`,
    )
    .run(id, now, now, learnerId, rubricVersionId, assessorId)
  return id
}

export const auditRows = (sqlite: Database.Database, entityId?: string) =>
  (entityId
    ? sqlite
        .prepare(
          `SELECT action, entity_type, entity_id, details FROM audit_log WHERE entity_id = ? ORDER BY seq`,
        )
        .all(entityId)
    : sqlite.prepare(`SELECT action, entity_type, entity_id, details FROM audit_log ORDER BY seq`).all()) as {
    action: string
    entity_type: string
    entity_id: string
    details: string
  }[]

/** A 1×1 PNG. */
export const PNG_1PX_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
