import type { Database } from 'better-sqlite3'
import { canonicalJson } from '../domain/canonical-json'
import { newId } from '../domain/ids'
import { sha256Hex } from '../node/hash'
import { GENESIS_HASH } from '../services/audit'
import type { ReceiptStatus } from './bundle-format'
import { projectLike, recordHash, type SyncRecord } from './columns'
import {
  decodeBlob,
  invalidRecords,
  MAX_ISSUES,
  schemaIssues,
  type VerifiedBundle,
  type VerifiedRecord,
} from './verify-bundle'
import { LineReader } from './line-file'
import { BLOB_KIND, kindsFor, stmt, type ApplyScratch, type RecordKind } from './record-kinds'
import type { ProgressEvent } from '../../contract/progress'
import type { ErrorIssue } from '../../contract/errors'

/**
 * Applies a verified bundle. Runs inside ONE write transaction opened by the caller (services/sync.ts):
 * a crash, a kill or any error anywhere leaves the database exactly as it was.
 *
 * Rules (docs/sync-format.md, "Applying"):
 *  - not held -> added ("accepted");
 *  - held with identical content -> "duplicate", nothing changes;
 *  - immutable kinds, different content -> a conflict kept side by side ("conflict"), except legal
 *    lifecycle steps (a finalized assessment later voided) which move forward whatever the order;
 *  - a tombstone removes what it names unless that was made again later; a record arriving after a
 *    later removal of it is not written (so removals hold in any order);
 *  - mutable kinds: a newer version of what is held (same sender at a later audit position, or based
 *    on the held version) replaces it; an older one changes nothing; concurrent edits from two devices
 *    are both kept as versions (`sync_version`), the later edit (updated_at, then hash) is current and
 *    a conflict is opened for a person — so the outcome does not depend on arrival order.
 */

export interface RecordOutcome {
  kind: string
  id: string
  sha256: string
  status: ReceiptStatus
}

export interface ApplyOutcome {
  records: RecordOutcome[]
  conflictIds: string[]
  pendingAudit: number
}

export interface ApplyOptions {
  /** This installation's id: the owner of versions held here that arrived by no bundle. */
  selfDeviceId: string
  now: string
  progress?: (e: ProgressEvent) => void
  /** Test hook (TESSERA_TEST_SLOW_IMPORT_MS): pause after each record, inside the transaction. */
  slowMs?: number
}

const ADJUSTED = 'adjusted_'

export async function applyBundle(
  sqlite: Database,
  bundle: VerifiedBundle,
  opts: ApplyOptions,
): Promise<ApplyOutcome> {
  // Records of one bundle may point to each other in any order (a re-assessment to the one it
  // supersedes); references were checked before the transaction, and are checked again at COMMIT.
  sqlite.pragma('defer_foreign_keys = ON')
  const ctx: Ctx = {
    sqlite,
    bundle,
    sender: bundle.sender.deviceId,
    position: bundle.manifest.position,
    now: opts.now,
    selfDeviceId: opts.selfDeviceId,
    conflictIds: [],
    held: new HeldRecords(sqlite, bundle.records, bundle.sender.deviceId),
  }
  checkHeldRecords(ctx, bundle.records)
  const withEvidence = new Set<string>()
  for (const r of bundle.records)
    if (r.kind.name === 'evidence') withEvidence.add(String(r.data.assessment_id))
  const scratch: ApplyScratch = { finalizeLater: new Map(), withEvidence }
  const outcomes = new Map<VerifiedRecord, RecordOutcome>()
  const byKind = [...bundle.records].sort((a, b) => a.kind.order - b.kind.order)
  const total = byKind.length + bundle.manifest.blobs.length
  let done = 0
  for (const rec of byKind) {
    // Records held here of this kind changed while this bundle was applied: one found identical to
    // its held copy before may no longer be, and is validated before it is applied.
    if (!rec.validated && ctx.held.isStale(rec.kind.name) && !sameAsHeld(ctx, rec)) {
      const issues = schemaIssues(sqlite, rec, bundle.records.indexOf(rec))
      if (issues.length) throw invalidRecords(issues)
      rec.validated = true
    }
    const status =
      rec.kind.name === 'audit'
        ? applyAudit(ctx, rec)
        : rec.kind.mutability === 'mutable'
          ? applyMutable(ctx, rec, scratch)
          : applyImmutable(ctx, rec, scratch)
    outcomes.set(rec, { kind: rec.kind.name, id: rec.id, sha256: rec.sha256, status })
    done++
    opts.progress?.({ step: 'import.apply', done, total })
    if (opts.slowMs) await slowDown(opts.slowMs, done, total)
  }
  for (const kind of kindsFor(sqlite)) kind.finish?.(sqlite, scratch)

  const blobOutcomes = await applyBlobs(sqlite, bundle, (n) =>
    opts.progress?.({ step: 'import.evidence', done: done + n, total }),
  )
  const pendingAudit = (stmt(sqlite, `SELECT COUNT(*) AS n FROM sync_audit_pending`).get() as { n: number }).n

  // Receipt order = manifest order, then blobs.
  const records = bundle.records.map((r) => outcomes.get(r)!).concat(blobOutcomes)
  return { records, conflictIds: ctx.conflictIds, pendingAudit }
}

interface Ctx {
  sqlite: Database
  bundle: VerifiedBundle
  sender: string
  position: number
  now: string
  selfDeviceId: string
  conflictIds: string[]
  held: HeldRecords
}

/**
 * What is held here of the bundle's records, read in bulk: one query per kind (when the apply loop
 * reaches that kind) instead of one or more per record, so that a bundle of records already held
 * (a re-import) costs a few queries. Applying a record changes only that record, except for a few
 * side effects on other held records (a cohort stepping aside, credentials revoked with a voided
 * assessment, memberships removed by a tombstone, waiting audit entries appended): those mark the
 * kind stale, and its records are then read one by one as before.
 */
class HeldRecords {
  private readonly ids = new Map<string, Set<string>>()
  private readonly records = new Map<string, Map<string, SyncRecord>>()
  private readonly versions = new Map<string, Map<string, string>>()
  private readonly stale = new Set<string>()
  /** Records whose id was held when the bundle was verified (not validated then), by kind. */
  private readonly candidates = new Map<string, VerifiedRecord[]>()
  private readonly isCandidate = new Set<VerifiedRecord>()
  /** Of those, the ids held with exactly their content, by kind (`kind.sameAsHeldMany`). */
  private readonly same = new Map<string, Set<string>>()

  constructor(
    private readonly sqlite: Database,
    bundleRecords: readonly VerifiedRecord[],
    private readonly sender: string,
  ) {
    for (const r of bundleRecords) {
      let set = this.ids.get(r.kind.name)
      if (!set) this.ids.set(r.kind.name, (set = new Set()))
      set.add(r.id)
      if (r.validated) continue
      let list = this.candidates.get(r.kind.name)
      if (!list) this.candidates.set(r.kind.name, (list = []))
      list.push(r)
      this.isCandidate.add(r)
    }
  }

  /** `kind.loadHeld(id)`. */
  record(kind: RecordKind, id: string): SyncRecord | undefined {
    const ids = this.ids.get(kind.name)
    if (this.stale.has(kind.name) || !kind.loadHeldMany || !ids?.has(id))
      return kind.loadHeld(this.sqlite, id)
    // Known to be held as it arrives: not in the bulk read below, read alone if ever asked for.
    const same = this.same.get(kind.name)
    if (same?.has(id)) return kind.loadHeld(this.sqlite, id)
    let held = this.records.get(kind.name)
    if (!held) {
      held = kind.loadHeldMany(this.sqlite, same ? [...ids].filter((i) => !same.has(i)) : [...ids])
      this.records.set(kind.name, held)
    }
    return held.get(id)
  }

  /**
   * Whether the record is held here with exactly its content, compared with the held rows as they are
   * read (one query per kind, no held record made: a re-import compares tens of thousands), or
   * undefined where that is not known this way (then compare with `record`).
   */
  identical(rec: VerifiedRecord): boolean | undefined {
    const { kind } = rec
    if (this.stale.has(kind.name) || !kind.sameAsHeldMany || !this.isCandidate.has(rec)) return undefined
    let same = this.same.get(kind.name)
    if (!same) {
      same = kind.sameAsHeldMany(this.sqlite, this.candidates.get(kind.name) ?? [])
      this.same.set(kind.name, same)
    }
    return same.has(rec.id)
  }

  /** The disposition of the version `hash` of this record from the sender, if it arrived before. */
  senderVersion(kind: RecordKind, id: string, hash: string): string | undefined {
    const ids = this.ids.get(kind.name)
    if (this.stale.has(kind.name) || !ids?.has(id))
      return (
        stmt(
          this.sqlite,
          `SELECT disposition FROM sync_version WHERE kind = ? AND record_id = ? AND hash = ? AND from_device_id = ?`,
        ).get(kind.name, id, hash, this.sender) as { disposition: string } | undefined
      )?.disposition
    let seen = this.versions.get(kind.name)
    if (!seen) {
      seen = new Map()
      const rows = stmt(
        this.sqlite,
        `SELECT v.record_id, v.hash, v.disposition FROM json_each(?) j CROSS JOIN sync_version v
          WHERE v.kind = ? AND v.record_id = j.value AND v.from_device_id = ?`,
      ).all(JSON.stringify([...ids]), kind.name, this.sender) as {
        record_id: string
        hash: string
        disposition: string
      }[]
      for (const r of rows) seen.set(`${r.record_id}\u0000${r.hash}`, r.disposition)
      this.versions.set(kind.name, seen)
    }
    return seen.get(`${id}\u0000${hash}`)
  }

  /** Held records of this kind may have changed other than by applying them: read them one by one. */
  markStale(kindName: string): void {
    this.stale.add(kindName)
  }

  isStale(kindName: string): boolean {
    return this.stale.has(kindName)
  }
}

/**
 * The records verify-bundle.ts left unvalidated because their id is held here
 * (VerifiedRecord.validated), checked before anything of the bundle is applied. One identical to its
 * held copy is not validated at all: it is a duplicate and nothing of it is written, and the copy
 * held passed this check (or was made here) when it was written; so a re-import of records already
 * held no longer runs every kind's schema over them. Every other one is validated here, with the
 * issues verify-bundle.ts would have given: an invalid record still refuses the whole bundle, inside
 * this transaction, before any of its records is written.
 */
function checkHeldRecords(ctx: Ctx, records: readonly VerifiedRecord[]): void {
  const issues: ErrorIssue[] = []
  for (const [i, rec] of records.entries()) {
    if (rec.validated || sameAsHeld(ctx, rec)) continue
    issues.push(...schemaIssues(ctx.sqlite, rec, i))
    rec.validated = true
    if (issues.length >= MAX_ISSUES) break
  }
  if (issues.length) throw invalidRecords(issues)
}

/**
 * The record is exactly what is held here: every member, not only those it carries (one from an
 * older sender, lacking members, is validated), or for a mutable kind, the version of the same hash
 * the sender sent before (decided on then; nothing is written again). Its hash was checked against
 * the signed manifest, so a record with other content is never taken for the held one.
 */
function sameAsHeld(ctx: Ctx, rec: VerifiedRecord): boolean {
  if (rec.kind.mutability === 'mutable' && ctx.held.senderVersion(rec.kind, rec.id, rec.sha256) !== undefined)
    return true
  const known = ctx.held.identical(rec)
  if (known !== undefined) return known
  const held = ctx.held.record(rec.kind, rec.id)
  return held !== undefined && sameJson(held, rec.data)
}

/**
 * Whether two JSON values are equal, i.e. have the same canonical JSON (and so the same record hash):
 * what a duplicate is, without serialising and hashing the held copy.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  let n = 0
  for (const k in x) {
    if (x[k] === undefined) continue
    if (!sameJson(x[k], y[k])) return false
    n++
  }
  for (const k in y) if (y[k] !== undefined) n--
  return n === 0
}

async function slowDown(ms: number, done: number, total: number): Promise<void> {
  process.stderr.write(`[test-slow-import] applied ${done}/${total}\n`)
  await new Promise((r) => setTimeout(r, ms))
}

// ---------------------------------------------------------------------------------------------

function write(
  ctx: Ctx,
  kind: RecordKind,
  data: SyncRecord,
  mode: 'insert' | 'replace',
  scratch: ApplyScratch,
): { stored: SyncRecord; reason: string | null } {
  const clash = kind.resolveClash?.(ctx.sqlite, data) ?? null
  for (const h of clash?.heldChanges ?? []) stepAside(ctx, kind, h, clash!.reason)
  const stored = clash?.record ?? data
  if (mode === 'insert') kind.insert(ctx.sqlite, stored, scratch)
  else kind.replace!(ctx.sqlite, stored)
  // A tombstone removes what it names (record-kinds.ts REMOVABLE).
  if (kind.name === 'tombstone') ctx.held.markStale(String(stored.target_kind))
  return { stored, reason: clash && stored !== data ? clash.reason : null }
}

/** A held record changed to make room for an incoming one: kept as a version and shown as a conflict. */
function stepAside(
  ctx: Ctx,
  kind: RecordKind,
  h: { id: string; before: SyncRecord; after: SyncRecord },
  reason: string,
): void {
  ctx.held.markStale(kind.name)
  kind.replace!(ctx.sqlite, h.after)
  const beforeHash = recordHash(h.before)
  const afterHash = recordHash(h.after)
  const origin = (stmt(
    ctx.sqlite,
    `SELECT from_device_id, position FROM sync_version WHERE kind = ? AND record_id = ? AND hash = ? LIMIT 1`,
  ).get(kind.name, h.id, beforeHash) as { from_device_id: string; position: number } | undefined) ?? {
    from_device_id: ctx.selfDeviceId,
    position: 0,
  }
  ledger(
    ctx,
    { kind, id: h.id },
    afterHash,
    h.after,
    origin.from_device_id,
    origin.position,
    [beforeHash],
    'adjusted',
  )
  openConflict(
    ctx,
    { kind: kind.name, id: h.id, hash: beforeHash, content: h.before, fromDevice: origin.from_device_id },
    ADJUSTED + reason,
    { hash: afterHash, content: h.after },
    'held',
  )
}

interface Incoming {
  kind: string
  id: string
  hash: string
  content: SyncRecord
  fromDevice: string
}

const incomingOf = (ctx: Ctx, rec: VerifiedRecord): Incoming => ({
  kind: rec.kind.name,
  id: rec.id,
  hash: rec.sha256,
  content: rec.data,
  fromDevice: ctx.sender,
})

function openConflict(
  ctx: Ctx,
  incoming: Incoming,
  reason: string,
  held: { hash: string; content: SyncRecord | null },
  current: 'held' | 'incoming',
): void {
  const id = newId()
  const r = stmt(
    ctx.sqlite,
    `INSERT INTO sync_conflict (id, kind, record_id, reason, held_hash, held_content, incoming_hash, incoming_content, current,
                                from_device_id, bundle_id, status, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)
     ON CONFLICT (kind, record_id, incoming_hash) DO NOTHING`,
  ).run(
    id,
    incoming.kind,
    incoming.id,
    reason,
    held.hash,
    held.content === null ? 'null' : canonicalJson(held.content),
    incoming.hash,
    canonicalJson(incoming.content),
    current,
    incoming.fromDevice,
    ctx.bundle.manifest.bundleId,
    ctx.now,
  )
  if (r.changes > 0) ctx.conflictIds.push(id)
}

const existingConflict = (ctx: Ctx, rec: VerifiedRecord) =>
  stmt(
    ctx.sqlite,
    `SELECT reason FROM sync_conflict WHERE kind = ? AND record_id = ? AND incoming_hash = ?`,
  ).get(rec.kind.name, rec.id, rec.sha256) as { reason: string } | undefined

// ---------------------------------------------------------------------------------------------
// Immutable kinds.

function applyImmutable(ctx: Ctx, rec: VerifiedRecord, scratch: ApplyScratch): ReceiptStatus {
  const { kind, data } = rec
  if (ctx.held.identical(rec) === true) return 'duplicate'
  const held = ctx.held.record(kind, rec.id)
  if (!held) {
    const prior = existingConflict(ctx, rec)
    if (prior) return 'conflict'
    // Removed here after it was made (a tombstone, possibly from an earlier bundle): stays removed.
    if (kind.removedLater?.(ctx.sqlite, data)) return 'duplicate'
    const blocked = kind.blockedReason?.(ctx.sqlite, data)
    if (blocked) {
      openConflict(ctx, incomingOf(ctx, rec), blocked, { hash: '', content: null }, 'held')
      return 'conflict'
    }
    const { stored, reason } = write(ctx, kind, data, 'insert', scratch)
    if (reason)
      openConflict(
        ctx,
        incomingOf(ctx, rec),
        ADJUSTED + reason,
        { hash: recordHash(stored), content: stored },
        'held',
      )
    return 'accepted'
  }
  const heldView = projectLike(held, data)
  // Same content as held (rec.sha256 is the hash of `data`, checked against the signed manifest).
  if (sameJson(heldView, data)) return 'duplicate'
  if (kind.equivalent?.(heldView, data)) return 'duplicate'
  const step = kind.transition?.(heldView, data) ?? 'different'
  if (step === 'forward') {
    // Moving an assessment forward (voided) revokes credentials held for it.
    if (kind.name === 'assessment') ctx.held.markStale('credential')
    kind.advance!(ctx.sqlite, data)
    return 'accepted'
  }
  if (step === 'stale') return 'duplicate'
  const prior = existingConflict(ctx, rec)
  if (prior) return prior.reason.startsWith(ADJUSTED) ? 'duplicate' : 'conflict'
  openConflict(
    ctx,
    incomingOf(ctx, rec),
    'different_content: the same id arrived with different content; the copy held first stays in place',
    { hash: recordHash(heldView), content: held },
    'held',
  )
  return 'conflict'
}

// ---------------------------------------------------------------------------------------------
// Mutable kinds: versions.

interface LedgerRow {
  from_device_id: string
  position: number
  ancestors: string
  disposition: string
}

function ledger(
  ctx: Ctx,
  rec: { kind: RecordKind; id: string },
  hash: string,
  content: SyncRecord,
  from: string,
  position: number,
  ancestors: string[],
  disposition: string,
): void {
  stmt(
    ctx.sqlite,
    `INSERT INTO sync_version (kind, record_id, hash, from_device_id, position, ancestors, content, disposition, bundle_id, received_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (kind, record_id, hash, from_device_id) DO NOTHING`,
  ).run(
    rec.kind.name,
    rec.id,
    hash,
    from,
    position,
    JSON.stringify(ancestors),
    canonicalJson(content),
    disposition,
    ctx.bundle.manifest.bundleId,
    ctx.now,
  )
}

/** Later edit wins: updated_at, then the hash as a tie-break every installation computes the same way. */
function incomingIsLater(
  incoming: SyncRecord,
  incomingHash: string,
  held: SyncRecord,
  heldHash: string,
): boolean {
  const a = String(incoming.updated_at ?? '')
  const b = String(held.updated_at ?? '')
  if (a !== b) return a > b
  return incomingHash > heldHash
}

function applyMutable(ctx: Ctx, rec: VerifiedRecord, scratch: ApplyScratch): ReceiptStatus {
  const { kind, data, sha256, prev } = rec
  const seen = ctx.held.senderVersion(kind, rec.id, sha256)
  if (seen !== undefined) return seen === 'conflict' ? 'conflict' : 'duplicate'

  const keep = (stored: SyncRecord, reason: string | null, disposition: string) => {
    ledger(ctx, rec, sha256, data, ctx.sender, ctx.position, prev, disposition)
    if (reason) {
      const storedHash = recordHash(projectLike(stored, data))
      // The copy as stored (e.g. renamed) is a version of the same sender at the same position.
      ledger(ctx, rec, storedHash, stored, ctx.sender, ctx.position, [sha256, ...prev], 'adjusted')
      openConflict(
        ctx,
        incomingOf(ctx, rec),
        ADJUSTED + reason,
        { hash: storedHash, content: stored },
        'held',
      )
    }
  }

  const held = ctx.held.record(kind, rec.id)
  if (!held) {
    const { stored, reason } = write(ctx, kind, data, 'insert', scratch)
    keep(stored, reason, 'inserted')
    return 'accepted'
  }
  const heldView = projectLike(held, data)
  if (sameJson(heldView, data)) {
    ledger(ctx, rec, sha256, data, ctx.sender, ctx.position, prev, 'duplicate')
    return 'duplicate'
  }
  const heldHash = recordHash(heldView)

  const heldVersions = stmt(
    ctx.sqlite,
    `SELECT from_device_id, position, ancestors, disposition FROM sync_version WHERE kind = ? AND record_id = ? AND hash = ?`,
  ).all(kind.name, rec.id, heldHash) as LedgerRow[]
  const fromSender = heldVersions.find((v) => v.from_device_id === ctx.sender)
  let relation: 'forward' | 'stale' | 'diverged'
  if (fromSender && ctx.position !== fromSender.position) {
    // One device's own versions are ordered by its audit position.
    relation = ctx.position > fromSender.position ? 'forward' : 'stale'
  } else if (prev.includes(heldHash)) {
    relation = 'forward'
  } else if (
    heldVersions.some((v) => (JSON.parse(v.ancestors) as string[]).includes(sha256)) ||
    stmt(ctx.sqlite, `SELECT 1 FROM sync_version WHERE kind = ? AND record_id = ? AND hash = ? LIMIT 1`).get(
      kind.name,
      rec.id,
      sha256,
    )
  ) {
    relation = 'stale'
  } else {
    relation = 'diverged'
  }

  if (relation === 'forward') {
    const { stored, reason } = write(ctx, kind, data, 'replace', scratch)
    keep(stored, reason, 'updated')
    return 'accepted'
  }
  if (relation === 'stale') {
    ledger(ctx, rec, sha256, data, ctx.sender, ctx.position, prev, 'stale')
    return 'duplicate'
  }

  // Concurrent edits: keep both versions; the later one is current; a person reviews.
  if (heldVersions.length === 0)
    ledger(ctx, rec, heldHash, held, ctx.selfDeviceId, 0, [], 'held-before-conflict')
  const incomingWins = incomingIsLater(data, sha256, heldView, heldHash)
  if (incomingWins) {
    const { stored, reason } = write(ctx, kind, data, 'replace', scratch)
    keep(stored, reason, 'conflict-current')
  } else {
    ledger(ctx, rec, sha256, data, ctx.sender, ctx.position, prev, 'conflict')
  }
  openConflict(
    ctx,
    incomingOf(ctx, rec),
    'concurrent_edit: edited on two devices; both versions are kept and the later edit is current',
    { hash: heldHash, content: held },
    incomingWins ? 'incoming' : 'held',
  )
  return 'conflict'
}

// ---------------------------------------------------------------------------------------------
// Audit entries: each device's chain is appended in link order; an entry whose predecessor has not
// arrived waits in sync_audit_pending, so `doctor` can always verify every chain.

const headOf = (sqlite: Database, deviceId: string): string =>
  (
    stmt(sqlite, `SELECT hash FROM audit_log WHERE device_id = ? ORDER BY seq DESC LIMIT 1`).get(deviceId) as
      { hash: string } | undefined
  )?.hash ?? GENESIS_HASH

function applyAudit(ctx: Ctx, rec: VerifiedRecord): ReceiptStatus {
  const { kind, data } = rec
  if (ctx.held.identical(rec) === true) return 'duplicate'
  const held = ctx.held.record(kind, rec.id)
  if (held) {
    if (sameJson(projectLike(held, data), data)) return 'duplicate'
    if (existingConflict(ctx, rec)) return 'conflict'
    openConflict(
      ctx,
      incomingOf(ctx, rec),
      'different_content: an audit entry with this id is already held with other content',
      { hash: recordHash(held), content: held },
      'held',
    )
    return 'conflict'
  }
  const pending = stmt(ctx.sqlite, `SELECT entry FROM sync_audit_pending WHERE id = ?`).get(rec.id) as
    { entry: string } | undefined
  if (pending) {
    if (sha256Hex(pending.entry) === rec.sha256) return 'duplicate'
    if (existingConflict(ctx, rec)) return 'conflict'
    openConflict(
      ctx,
      incomingOf(ctx, rec),
      'different_content: an audit entry with this id is already waiting with other content',
      { hash: sha256Hex(pending.entry), content: JSON.parse(pending.entry) as SyncRecord },
      'held',
    )
    return 'conflict'
  }
  const deviceId = String(data.device_id)
  if (data.prev_hash === headOf(ctx.sqlite, deviceId)) {
    kind.insert(ctx.sqlite, data, { finalizeLater: new Map() })
    if (drainPendingAudit(ctx.sqlite, kind, deviceId)) ctx.held.markStale(kind.name)
  } else {
    stmt(
      ctx.sqlite,
      `INSERT INTO sync_audit_pending (id, device_id, prev_hash, entry, bundle_id, received_at) VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(rec.id, deviceId, data.prev_hash, canonicalJson(data), ctx.bundle.manifest.bundleId, ctx.now)
  }
  return 'accepted'
}

/** Appends the waiting entries that now follow the chain's head; true if there were any. */
function drainPendingAudit(sqlite: Database, kind: RecordKind, deviceId: string): boolean {
  for (let drained = false; ; drained = true) {
    const next = stmt(
      sqlite,
      `SELECT id, entry FROM sync_audit_pending WHERE device_id = ? AND prev_hash = ? LIMIT 1`,
    ).get(deviceId, headOf(sqlite, deviceId)) as { id: string; entry: string } | undefined
    if (!next) return drained
    kind.insert(sqlite, JSON.parse(next.entry) as SyncRecord, { finalizeLater: new Map() })
    stmt(sqlite, `DELETE FROM sync_audit_pending WHERE id = ?`).run(next.id)
  }
}

// ---------------------------------------------------------------------------------------------
// Evidence bytes: read again from the file (the first pass checked them without keeping them) and
// re-checked against the signed manifest, so a file changed between the passes cannot slip through.

async function applyBlobs(
  sqlite: Database,
  bundle: VerifiedBundle,
  progress: (n: number) => void,
): Promise<RecordOutcome[]> {
  const out: RecordOutcome[] = []
  if (bundle.manifest.blobs.length === 0) return out
  const reader = new LineReader(bundle.file)
  try {
    reader.next()
    reader.next()
    for (const [i, b] of bundle.manifest.blobs.entries()) {
      const line = reader.next()
      if (line === null) throw new Error('the bundle file changed while it was being imported')
      const bytes = await decodeBlob(line, bundle.decryptKey)
      if (bytes.length !== b.size || sha256Hex(bytes) !== b.sha256)
        throw new Error('the bundle file changed while it was being imported')
      const r = stmt(
        sqlite,
        `INSERT INTO blob (sha256, size, data) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
      ).run(b.sha256, b.size, Buffer.from(bytes))
      out.push({
        kind: BLOB_KIND,
        id: b.sha256,
        sha256: b.sha256,
        status: r.changes > 0 ? 'accepted' : 'duplicate',
      })
      progress(i + 1)
    }
  } finally {
    reader.close()
  }
  return out
}
