import type { Database } from 'better-sqlite3'
import { recordHash } from '../sync/columns'
import { BLOB_KIND, kindsFor, stmt } from '../sync/record-kinds'

export interface UnacknowledgedCounts {
  /** Per kind, as `planFieldExport(…, { full: false })` counts them (blobs under BLOB_KIND). */
  counts: Record<string, number>
  records: number
  blobs: number
}

/**
 * What the hub has not acknowledged, counted exactly as `planFieldExport` (src/core/sync/export.ts)
 * plans it without `full`: a record is counted unless an ack holds its current hash; an evidence
 * file unless an ack holds its hash. The plan hashes every exportable record (canonical JSON +
 * SHA-256: seconds on 100,000 learners), but a record with no ack is counted whatever its hash,
 * so only acknowledged records are hashed here: on a device that has never synced, none is.
 */
export function countUnacknowledged(sqlite: Database): UnacknowledgedCounts {
  const acked = new Map<string, Map<string, string>>()
  for (const r of stmt(sqlite, `SELECT kind, record_id, hash FROM sync_ack`).all() as {
    kind: string
    record_id: string
    hash: string
  }[]) {
    let m = acked.get(r.kind)
    if (!m) acked.set(r.kind, (m = new Map()))
    m.set(r.record_id, r.hash)
  }
  const counts: Record<string, number> = {}
  let records = 0
  for (const kind of kindsFor(sqlite).filter((k) => k.fieldToHub)) {
    const acks = acked.get(kind.name)
    let n = 0
    for (const [id, data] of kind.loadExportable(sqlite)) {
      const ack = acks?.get(id)
      if (ack === undefined || ack !== recordHash(data)) n++
    }
    if (n) counts[kind.name] = n
    records += n
  }
  const blobAcks = acked.get(BLOB_KIND)
  // The same rows as the plan's evidence query: bytes of signed-off assessments, once each.
  const blobRows = stmt(
    sqlite,
    `SELECT DISTINCT e.sha256 AS sha256, b.size AS size
       FROM evidence e JOIN assessment a ON a.id = e.assessment_id JOIN blob b ON b.sha256 = e.sha256
      WHERE a.state <> 'draft' ORDER BY e.sha256`,
  ).all() as { sha256: string }[]
  let blobs = 0
  for (const b of blobRows) if (blobAcks?.get(b.sha256) !== b.sha256) blobs++
  if (blobs) counts[BLOB_KIND] = blobs
  return { counts, records, blobs }
}
