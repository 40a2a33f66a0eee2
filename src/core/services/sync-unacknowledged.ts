import type { Database } from 'better-sqlite3'
import { quoteIdent, recordHash } from '../sync/columns'
import { BLOB_KIND, kindsFor, stmt, type RecordKind } from '../sync/record-kinds'

export interface UnacknowledgedCounts {
  /** Per kind, as `planFieldExport(…, { full: false })` counts them (blobs under BLOB_KIND). */
  counts: Record<string, number>
  records: number
  blobs: number
}

/** How many records of `kind` may leave this installation now, counted by SQLite. */
export function countExportable(sqlite: Database, kind: RecordKind): number {
  const where = kind.exportableWhere
  const row = stmt(
    sqlite,
    `SELECT count(*) AS n FROM ${quoteIdent(kind.table)}${where ? ` WHERE ${where}` : ''}`,
  ).get() as {
    n: number
  }
  return row.n
}

/**
 * Acknowledged records loaded and hashed per step: as many as take about STEP_MS, learned as the
 * count goes (an assessment with its scores costs ten times a learner).
 */
const STEP_MS = 8
const FIRST_STEP_RECORDS = 200
/** Rows counted per step (count(*) of 100,000 rows is up to 130 ms on an old laptop). */
const STEP_ROWS = 10_000
const LOWEST_ROWID = -(2n ** 63n)

/** `countExportable` in steps of STEP_ROWS rows, in rowid order (one step for a table without rowid). */
function* countExportableSteps(sqlite: Database, kind: RecordKind): Generator<void, number, void> {
  const withoutRowid = stmt(sqlite, `SELECT wr FROM pragma_table_list WHERE name = ?`).pluck().get(kind.table)
  if (withoutRowid !== 0) return countExportable(sqlite, kind)
  const where = kind.exportableWhere
  const page = stmt(
    sqlite,
    `SELECT count(*) AS n, max(rowid) AS last FROM (SELECT rowid FROM ${quoteIdent(kind.table)}
      WHERE rowid > ?${where ? ` AND (${where})` : ''} ORDER BY rowid LIMIT ${STEP_ROWS})`,
  )
  let n = 0
  for (let after: number | bigint = LOWEST_ROWID; ; yield) {
    const { n: counted, last } = page.get(after) as { n: number; last: number | null }
    n += counted
    if (counted < STEP_ROWS || last === null) return n
    after = last
  }
}

/**
 * What the hub has not acknowledged, counted exactly as `planFieldExport` (src/core/sync/export.ts)
 * plans it without `full`: a record is counted unless an ack holds its current hash; an evidence
 * file unless an ack holds its hash. The plan loads and hashes every exportable record (seconds on
 * 100,000 learners), but a record with no ack is counted whatever it holds: a kind none of whose
 * records has an ack (every kind, on a device that has never synced) is counted by SQLite without
 * loading a record, and only the records of the other kinds are loaded, only acknowledged ones hashed.
 */
export function countUnacknowledged(sqlite: Database): UnacknowledgedCounts {
  const steps = unacknowledgedSteps(sqlite)
  for (;;) {
    const r = steps.next()
    if (r.done) return r.value
  }
}

/**
 * `countUnacknowledged` in steps of a few hundred records: the caller may let other work run between
 * two steps (see unacknowledged-counter.ts), provided nothing the steps read changes meanwhile (one
 * read transaction around them all). A kind with acks is counted as its exportable records (SQLite's
 * count) less those an ack holds the current hash of: only the acknowledged records are read, by id,
 * in pages of the acks' primary key.
 */
export function* unacknowledgedSteps(sqlite: Database): Generator<void, UnacknowledgedCounts, void> {
  const counts: Record<string, number> = {}
  let records = 0
  for (const kind of kindsFor(sqlite).filter((k) => k.fieldToHub)) {
    const hasAcks = stmt(sqlite, `SELECT 1 FROM sync_ack WHERE kind = ? LIMIT 1`).get(kind.name)
    let n = yield* countExportableSteps(sqlite, kind)
    yield
    if (hasAcks && kind.loadHeldMany) {
      let size = FIRST_STEP_RECORDS
      for (let after = ''; ; yield) {
        const started = performance.now()
        const page = stmt(
          sqlite,
          `SELECT record_id, hash FROM sync_ack WHERE kind = ? AND record_id > ? ORDER BY record_id LIMIT ?`,
        ).all(kind.name, after, size) as { record_id: string; hash: string }[]
        if (page.length === 0) break
        after = page[page.length - 1]!.record_id
        n -= currentAmong(sqlite, kind, page)
        const took = performance.now() - started
        size = Math.round(Math.min(5000, Math.max(20, (size * STEP_MS) / Math.max(took, 0.5))))
      }
    } else if (hasAcks) {
      // A kind without `loadHeldMany` (none today): every exportable record, in one step.
      const acks = new Map(
        (
          stmt(sqlite, `SELECT record_id, hash FROM sync_ack WHERE kind = ?`).all(kind.name) as {
            record_id: string
            hash: string
          }[]
        ).map((a) => [a.record_id, a.hash]),
      )
      for (const [id, data] of kind.loadExportable(sqlite)) if (acks.get(id) === recordHash(data)) n--
      yield
    }
    if (n) counts[kind.name] = n
    records += n
  }
  const blobAcks = new Map(
    (
      stmt(sqlite, `SELECT record_id, hash FROM sync_ack WHERE kind = ?`).all(BLOB_KIND) as {
        record_id: string
        hash: string
      }[]
    ).map((a) => [a.record_id, a.hash]),
  )
  // The same rows as the plan's evidence query: bytes of signed-off assessments, once each.
  const blobRows = stmt(
    sqlite,
    `SELECT DISTINCT e.sha256 AS sha256, b.size AS size
       FROM evidence e JOIN assessment a ON a.id = e.assessment_id JOIN blob b ON b.sha256 = e.sha256
      WHERE a.state <> 'draft' ORDER BY e.sha256`,
  ).all() as { sha256: string }[]
  let blobs = 0
  for (const b of blobRows) if (blobAcks.get(b.sha256) !== b.sha256) blobs++
  if (blobs) counts[BLOB_KIND] = blobs
  return { counts, records, blobs }
}

/** How many of `acks` name an exportable record of `kind` whose hash is the one acknowledged. */
function currentAmong(
  sqlite: Database,
  kind: RecordKind,
  acks: { record_id: string; hash: string }[],
): number {
  const ids = acks.map((a) => a.record_id)
  const held = kind.loadHeldMany!(sqlite, ids)
  const where = kind.exportableWhere
  // Only kinds keyed by `id` leave rows out (exportableWhere).
  const exportable = where
    ? new Set(
        stmt(
          sqlite,
          `SELECT t.id FROM json_each(?) j CROSS JOIN ${quoteIdent(kind.table)} t ON t.id = j.value WHERE ${where}`,
        )
          .pluck()
          .all(JSON.stringify(ids)) as string[],
      )
    : undefined
  let current = 0
  for (const a of acks) {
    const data = held.get(a.record_id)
    if (data && (!exportable || exportable.has(a.record_id)) && recordHash(data) === a.hash) current++
  }
  return current
}
