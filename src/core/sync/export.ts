import type { Database } from 'better-sqlite3'
import { canonicalJson } from '../domain/canonical-json'
import { newId } from '../domain/ids'
import { sha256Hex } from '../node/hash'
import {
  BUNDLE_FORMAT,
  FORMAT_VERSION,
  JWS_TYP_BUNDLE,
  type DeviceCard,
  type Manifest,
  type ManifestRecord,
} from './bundle-format'
import { canonicalRecordJson, recordHash, type SyncRecord } from './columns'
import type { UnlockedIdentity } from './device-keys'
import { encryptCompact, encryptCompactTo, signCompactBytes } from './jose-bytes'
import { AtomicLineWriter } from './line-file'
import { BLOB_KIND, kindsFor, stmt } from './record-kinds'
import type { ProgressEvent } from '../../contract/progress'

/** Read-only: everything here only SELECTs. An export never changes the source database. */

export interface PlannedRecord {
  kind: string
  id: string
  sha256: string
  prev?: string[]
  data: SyncRecord
  /** The canonical JSON of `data` (hashed for `sha256`), kept to be written into the bundle as is. */
  json?: string
}

export interface BlobRef {
  sha256: string
  size: number
}

export interface ExportPlan {
  records: PlannedRecord[]
  blobs: BlobRef[]
  omittedBlobs: BlobRef[]
  counts: Record<string, number>
}

const MAX_PREV = 20
const ackKey = (kind: string, id: string) => `${kind}\u0000${id}`

/** Ack rows by kind+id: what the hub is known to hold. */
function loadAcks(sqlite: Database): Map<string, { hash: string; history: string[] }> {
  const out = new Map<string, { hash: string; history: string[] }>()
  for (const r of stmt(sqlite, `SELECT kind, record_id, hash, history FROM sync_ack`).all() as {
    kind: string
    record_id: string
    hash: string
    history: string
  }[]) {
    out.set(ackKey(r.kind, r.record_id), { hash: r.hash, history: JSON.parse(r.history) as string[] })
  }
  return out
}

/**
 * Field -> hub: every record created or changed since the hub last acknowledged it (or all with
 * `full`), plus the evidence bytes the hub has not acknowledged (or only their hashes).
 */
export function planFieldExport(
  sqlite: Database,
  opts: { full: boolean; withoutEvidence: boolean },
): ExportPlan {
  const acks = loadAcks(sqlite)
  const records: PlannedRecord[] = []
  const counts: Record<string, number> = {}
  for (const kind of kindsFor(sqlite).filter((k) => k.fieldToHub)) {
    for (const [id, data] of kind.loadExportable(sqlite)) {
      const json = canonicalRecordJson(data)
      const sha256 = sha256Hex(json)
      const ack = acks.get(ackKey(kind.name, id))
      if (!opts.full && ack?.hash === sha256) continue
      const planned: PlannedRecord = { kind: kind.name, id, sha256, data, json }
      if (kind.mutability === 'mutable' && ack)
        planned.prev = [ack.hash, ...ack.history.filter((h) => h !== ack.hash)].slice(0, MAX_PREV)
      records.push(planned)
      counts[kind.name] = (counts[kind.name] ?? 0) + 1
    }
  }
  // Bytes of evidence of signed-off assessments, once each.
  const blobRows = stmt(
    sqlite,
    `SELECT DISTINCT e.sha256 AS sha256, b.size AS size
       FROM evidence e JOIN assessment a ON a.id = e.assessment_id JOIN blob b ON b.sha256 = e.sha256
      WHERE a.state <> 'draft' ORDER BY e.sha256`,
  ).all() as BlobRef[]
  const blobs: BlobRef[] = []
  const omittedBlobs: BlobRef[] = []
  for (const b of blobRows) {
    if (!opts.full && acks.get(ackKey(BLOB_KIND, b.sha256))?.hash === b.sha256) continue
    ;(opts.withoutEvidence ? omittedBlobs : blobs).push({ sha256: b.sha256, size: b.size })
  }
  if (blobs.length) counts[BLOB_KIND] = blobs.length
  return { records, blobs, omittedBlobs, counts }
}

/** Hub -> field: the current rubrics (and later trusted keys, status lists): every hub-to-field kind, in full. */
export function planHubUpdate(sqlite: Database): ExportPlan {
  const records: PlannedRecord[] = []
  const counts: Record<string, number> = {}
  for (const kind of kindsFor(sqlite).filter((k) => k.hubToField)) {
    for (const [id, data] of kind.loadExportable(sqlite)) {
      const sha256 = recordHash(data)
      const planned: PlannedRecord = { kind: kind.name, id, sha256, data }
      if (kind.mutability === 'mutable') {
        // Older versions this hub has seen: lets a field device holding one of them fast-forward.
        const known = (
          stmt(
            sqlite,
            `SELECT hash FROM sync_version WHERE kind = ? AND record_id = ? AND hash <> ? ORDER BY received_at DESC`,
          ).all(kind.name, id, sha256) as { hash: string }[]
        ).map((r) => r.hash)
        const prev = [...new Set(known)].slice(0, MAX_PREV)
        if (prev.length) planned.prev = prev
      }
      records.push(planned)
      counts[kind.name] = (counts[kind.name] ?? 0) + 1
    }
  }
  return { records, blobs: [], omittedBlobs: [], counts }
}

/** The highest audit seq of this device: increases with every change it makes. */
export const auditPosition = (sqlite: Database, deviceId: string): number =>
  (
    stmt(sqlite, `SELECT COALESCE(MAX(seq), 0) AS p FROM audit_log WHERE device_id = ?`).get(deviceId) as {
      p: number
    }
  ).p

export interface WriteBundleInput {
  file: string
  type: Manifest['type']
  plan: ExportPlan
  identity: UnlockedIdentity
  from: DeviceCard
  schemaVersion: number
  position: number
  full: boolean
  withoutEvidence: boolean
  createdAt: string
  /** Encrypt to this installation; null writes a signed but unencrypted bundle. */
  recipient: { deviceId: string; encryptJwk: { kid: string } & Record<string, unknown> } | null
  blobBytes: (sha256: string) => Uint8Array
  progress?: (e: ProgressEvent) => void
}

export interface WrittenBundle {
  bundleId: string
  file: string
  sha256: string
  bytes: number
  manifestSha256: string
  encrypted: boolean
}

export async function writeBundle(input: WriteBundleInput): Promise<WrittenBundle> {
  const { plan } = input
  const bundleId = newId()
  const manifestRecords: ManifestRecord[] = plan.records.map((r) => ({
    kind: r.kind,
    id: r.id,
    sha256: r.sha256,
    ...(r.prev ? { prev: r.prev } : {}),
  }))
  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    formatVersion: FORMAT_VERSION,
    bundleId,
    type: input.type,
    createdAt: input.createdAt,
    schemaVersion: input.schemaVersion,
    from: input.from,
    to: input.recipient
      ? { deviceId: input.recipient.deviceId, encryptKid: input.recipient.encryptJwk.kid }
      : null,
    position: input.position,
    full: input.full,
    withoutEvidence: input.withoutEvidence,
    counts: plan.counts,
    records: manifestRecords,
    blobs: plan.blobs,
    omittedBlobs: plan.omittedBlobs,
  }
  // The payload `{ manifest, records: [{ kind, id, data }] }` as JSON, each record's data written as the
  // canonical JSON already made to hash it (the same JSON value; no second serialization of 90 MB).
  // Buffer, not TextEncoder: twice as fast on the tens of MB a large export holds (bench/cases/sync.ts).
  // The JWS is made in one buffer and encrypted to the file in chunks (jose-bytes.ts): no 100+ MB copies.
  const parts: string[] = []
  for (const r of plan.records)
    parts.push(
      `{"kind":${JSON.stringify(r.kind)},"id":${JSON.stringify(r.id)},"data":${r.json ?? JSON.stringify(r.data)}}`,
    )
  const payloadJson = `{"manifest":${JSON.stringify(manifest)},"records":[${parts.join(',')}]}`
  parts.length = 0
  const jws = await signCompactBytes(Buffer.from(payloadJson, 'utf8'), input.identity.signKey, {
    kid: input.identity.signJwk.kid,
    typ: JWS_TYP_BUNDLE,
    jwk: input.from.signJwk,
  })
  const recipient = input.recipient
    ? { jwk: input.recipient.encryptJwk, kid: input.recipient.encryptJwk.kid }
    : null
  const writer = new AtomicLineWriter(input.file)
  try {
    writer.line(
      JSON.stringify({ format: BUNDLE_FORMAT, formatVersion: FORMAT_VERSION, encrypted: recipient !== null }),
    )
    if (recipient) {
      await encryptCompactTo(jws, recipient, 'JWS', (part) => writer.part(part))
      writer.line('')
    } else writer.line(jws)
    const total = plan.blobs.length
    for (const [i, b] of plan.blobs.entries()) {
      const bytes = input.blobBytes(b.sha256)
      // Never ship bytes that no longer match their address (local disk damage): the hub would refuse the bundle.
      if (sha256Hex(bytes) !== b.sha256)
        throw new Error(`evidence ${b.sha256} is damaged in this database (its bytes no longer match)`)
      writer.line(
        recipient ? await encryptCompact(bytes, recipient) : Buffer.from(bytes).toString('base64url'),
      )
      input.progress?.({ step: 'export.evidence', done: i + 1, total })
    }
    const sha256 = writer.commit()
    return {
      bundleId,
      file: input.file,
      sha256,
      bytes: writer.bytes,
      manifestSha256: sha256Hex(canonicalJson(manifest)),
      encrypted: recipient !== null,
    }
  } catch (e) {
    writer.abort()
    throw e
  }
}
