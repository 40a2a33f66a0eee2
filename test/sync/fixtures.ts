import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { openTessera, type OpenTesseraOptions, type Tessera } from '../../src/core/app'
import { canonicalJson } from '../../src/core/domain/canonical-json'
import { newId } from '../../src/core/domain/ids'
import type { RubricContent, RubricLevel } from '../../src/core/domain/rubric-types'
import { sha256Hex } from '../../src/core/node/hash'
import { recordHash } from '../../src/core/sync/columns'
import { kindsFor } from '../../src/core/sync/record-kinds'
import { tempDir } from '../helpers/temp-db'

export const PASSPHRASE = 'correct horse battery staple'
export const secrets = { passphrase: async () => PASSPHRASE }
export const cliEnv = { TESSERA_PASSPHRASE: PASSPHRASE }

const opened: Tessera[] = []

/** Opens a real database file with the test passphrase; `closeAll()` closes what is still open. */
export function open(
  dbFile: string,
  actor = 'test-user',
  more: Omit<OpenTesseraOptions, 'dbFile' | 'secrets' | 'actor'> = {},
): Tessera {
  const t = openTessera({ ...more, dbFile, secrets, actor })
  opened.push(t)
  return t
}

export function closeAll(): void {
  for (const t of opened.splice(0)) t.close()
}

export async function initialized(
  dbFile: string,
  orgName = 'Northside Skills Trust',
  more: Parameters<typeof open>[2] = {},
): Promise<Tessera> {
  const t = open(dbFile, undefined, more)
  await t.call('system.init', { organization: { name: orgName } })
  return t
}

const levels = (): RubricLevel[] => [
  { id: 'not-yet', label: 'Not yet', description: 'Cannot do it yet', points: 0 },
  { id: 'competent', label: 'Competent', description: 'Does it unaided', points: 2 },
  { id: 'expert', label: 'Expert', description: 'Could teach it', points: 3 },
]

export const weldingRubric: RubricContent = {
  criteria: [
    {
      id: 'prep',
      title: 'Joint preparation',
      description: 'Cleans and fits the joint',
      weight: 1,
      critical: false,
      minLevelId: null,
      levels: levels(),
    },
    {
      id: 'bead',
      title: 'Weld bead',
      description: 'Even bead, full penetration',
      weight: 2,
      critical: true,
      minLevelId: 'competent',
      levels: levels(),
    },
  ],
  passing: { minTotal: 60, unit: 'percent' },
}

/**
 * A rubric at the hub. Rubric ops (rubrics.import) are still being written, so the rows are inserted
 * with SQL (the columns of migration 0001); replace with `rubrics.import` of resources/examples once it lands.
 */
export function insertRubric(
  t: Tessera,
  name = 'MIG welding',
  content: RubricContent = weldingRubric,
): { rubricId: string; versionId: string } {
  const sqlite = t.ctx.database.sqlite
  const now = new Date().toISOString()
  const achievementId = newId()
  const rubricId = newId()
  const versionId = newId()
  const json = canonicalJson(content)
  const dev = t.ctx.deviceId
  sqlite
    .prepare(`INSERT INTO achievement (id, device_id, created_at, updated_at, name) VALUES (?, ?, ?, ?, ?)`)
    .run(achievementId, dev, now, now, name)
  sqlite
    .prepare(
      `INSERT INTO rubric (id, device_id, created_at, updated_at, achievement_id, name) VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .run(rubricId, dev, now, now, achievementId, name)
  sqlite
    .prepare(
      `INSERT INTO rubric_version (id, device_id, created_at, updated_at, rubric_id, version, content, content_hash) VALUES (?, ?, ?, ?, ?, 1, ?, ?)`,
    )
    .run(versionId, dev, now, now, rubricId, json, sha256Hex(json))
  return { rubricId, versionId }
}

export const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)

/** A finalized assessment made through the public ops: learner (+cohort), assessor, scores, evidence. */
export async function assess(
  t: Tessera,
  opts: {
    given: string
    family?: string
    cohort?: string
    assessor?: string
    rubricId: string
    pass?: boolean
    evidence?: Buffer
    learnerId?: string
  },
): Promise<{ learnerId: string; assessmentId: string }> {
  const learnerId =
    opts.learnerId ??
    (
      await t.call('learners.add', {
        givenName: opts.given,
        familyName: opts.family ?? '',
        cohorts: opts.cohort ? [opts.cohort] : [],
      })
    ).id
  const assessor = await t.call('assessors.findOrCreate', { name: opts.assessor ?? 'R. Okafor' })
  const a = await t.call('assessments.create', {
    learnerId,
    rubricId: opts.rubricId,
    assessorId: assessor.id,
    assessedOn: '2026-03-14',
  })
  await t.call('assessments.saveDraft', {
    id: a.id,
    scores: [
      { criterionId: 'prep', levelId: 'competent' },
      { criterionId: 'bead', levelId: opts.pass === false ? 'not-yet' : 'expert' },
    ],
    overallComment: `Assessed ${opts.given}`,
  })
  if (opts.evidence) {
    await t.call('evidence.add', {
      assessmentId: a.id,
      filename: 'bead.png',
      mediaType: 'image/png',
      dataBase64: opts.evidence.toString('base64'),
    })
  }
  await t.call('assessments.finalize', { id: a.id })
  return { learnerId, assessmentId: a.id }
}

/** A unique small PNG-like payload (valid PNG header + a marker) so every evidence file has its own hash. */
export const evidenceBytes = (marker: string): Buffer =>
  Buffer.concat([PNG_1PX, Buffer.from(`tEXt${marker}`)])

export interface SyncWorld {
  dir: string
  hubFile: string
  aFile: string
  bFile: string
  enrollFile: string
  rubricId: string
}

/**
 * A hub and two field devices, each a real database file, paired through an enrollment file.
 * Every database is closed on return (so CLI processes or copies can use the files).
 */
export async function syncWorld(dir = tempDir('tessera-sync-')): Promise<SyncWorld> {
  const hubFile = path.join(dir, 'hub.db')
  const aFile = path.join(dir, 'field-a.db')
  const bFile = path.join(dir, 'field-b.db')
  const enrollFile = path.join(dir, 'enroll.tsb')
  const hub = await initialized(hubFile)
  const { rubricId } = insertRubric(hub)
  await hub.call('sync.hubEnrollFile', { outFile: enrollFile, name: 'Central office' })
  hub.close()
  for (const [file, name] of [
    [aFile, 'Field laptop A'],
    [bFile, 'Field laptop B'],
  ] as const) {
    const f = await initialized(file)
    await f.call('sync.hubJoin', { file: enrollFile, name })
    f.close()
  }
  return { dir, hubFile, aFile, bFile, enrollFile, rubricId }
}

/** Every record of every syncable kind this database holds, as `kind id hash` strings (sorted). */
export function recordSet(file: string, opts: { excludeDevice?: string; kinds?: string[] } = {}): string[] {
  const db = new Database(file, { readonly: true })
  try {
    const out: string[] = []
    for (const kind of kindsFor(db)) {
      if (opts.kinds && !opts.kinds.includes(kind.name)) continue
      for (const [id, rec] of kind.loadExportable(db)) {
        if (opts.excludeDevice && kind.name === 'audit' && rec.device_id === opts.excludeDevice) continue
        out.push(`${kind.name} ${id} ${recordHash(rec)}`)
      }
    }
    for (const b of db.prepare(`SELECT sha256 FROM blob ORDER BY sha256`).all() as { sha256: string }[])
      out.push(`blob ${b.sha256}`)
    return out.sort()
  } finally {
    db.close()
  }
}

/** Conflicts as order-independent facts: kind, record, the two hashes (sorted) and the reason code. */
export function conflictSet(file: string): string[] {
  const db = new Database(file, { readonly: true })
  try {
    return (
      db
        .prepare(`SELECT kind, record_id, held_hash, incoming_hash, reason, status FROM sync_conflict`)
        .all() as Record<string, string>[]
    )
      .map(
        (c) =>
          `${c.kind} ${c.record_id} ${[c.held_hash, c.incoming_hash].sort().join(' ')} ${c.reason!.split(':')[0]} ${c.status}`,
      )
      .sort()
  } finally {
    db.close()
  }
}

/** A logical dump of every table (all rows, all columns, in a stable order). */
export function logicalDump(file: string): string {
  const db = new Database(file, { readonly: true })
  try {
    const tables = (
      db
        .prepare(
          `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'learner_fts%' ORDER BY name`,
        )
        .all() as { name: string }[]
    ).map((r) => r.name)
    const parts: string[] = []
    for (const t of tables) {
      const rows = db.prepare(`SELECT * FROM "${t}"`).all() as Record<string, unknown>[]
      const lines = rows
        .map((r) =>
          JSON.stringify(r, (_k, v: unknown) =>
            v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v,
          ),
        )
        .sort()
      parts.push(`## ${t}\n${lines.join('\n')}`)
    }
    return parts.join('\n')
  } finally {
    db.close()
  }
}

export const deviceIdOf = (file: string): string => {
  const db = new Database(file, { readonly: true })
  try {
    return (db.prepare(`SELECT value FROM setting WHERE key = 'device_id'`).get() as { value: string }).value
  } finally {
    db.close()
  }
}

/**
 * The bytes of a database file and of its WAL: what "byte-for-byte unchanged" compares. A missing
 * and a zero-byte WAL are the same state (no frames; a read-only connection may leave an empty one).
 */
export function fileState(file: string): { db: string; wal: string | null } {
  const wal = fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`) : null
  return { db: sha256Hex(fs.readFileSync(file)), wal: wal && wal.length > 0 ? sha256Hex(wal) : null }
}
