import type { Database, Statement } from 'better-sqlite3'
import { z } from 'zod'
import { canonicalJson } from '../domain/canonical-json'
import { revocationReasonFor } from '../domain/revocation-reasons'
import { auditEntryHash } from '../services/audit'
import {
  quoteIdent,
  recordHash,
  type ColumnInfo,
  recordSchema,
  recordToRow,
  rowToRecord,
  sameAsRow,
  sortedColumns,
  tableColumns,
  withMember,
  type SyncRecord,
} from './columns'
import { credentialRecordKinds } from './credential-kinds'

/**
 * THE registry of record kinds that travel between installations.
 *
 * Each kind says: which table, how a record is identified and serialised canonically (every column
 * as JSON, BLOBs as base64; the SHA-256 of its canonical JSON is its hash), which records may leave
 * a device, whether it is mutable (edits become versions) or immutable once final (a differing copy
 * is a conflict), which records it points to, and how to write it. "Changed since the last
 * acknowledged export" is decided generically: a record is exported while its current hash differs
 * from the hash the hub acknowledged in a signed receipt (table `sync_ack`), which is immune to
 * clock skew and catches any change however it was made.
 *
 * To add a kind (credentials, revocations, issuer keys, status lists): append a `tableKind({...})`
 * to `recordKinds` below with its table, order, mutability and directions. See docs/sync-format.md.
 */

export interface Ref {
  kind: string
  id: string
}

/** Facts shared by the kinds while one bundle is applied (one transaction). */
export interface ApplyScratch {
  /** Assessments inserted by this bundle: their credentials' revocations are settled at the end. */
  finalizeLater: Map<string, SyncRecord>
  /** Of those, the ones inserted as drafts (so their evidence can be written), given their state at the end. */
  drafts?: Set<string>
  /** Assessments that have evidence records in this bundle (they are inserted as drafts first). */
  withEvidence?: Set<string>
}

export type Transition = 'forward' | 'stale' | 'different'

export interface ClashResolution {
  /** The record to write (the incoming one, possibly adjusted). */
  record: SyncRecord
  reason: string
  /** Held records (same kind) to change first so that `record` fits. */
  heldChanges?: { id: string; before: SyncRecord; after: SyncRecord }[]
}

export interface RecordKind {
  name: string
  /** Apply order: kinds others point to come first. */
  order: number
  table: string
  /** Mutable: an edit is a new version (kept in `sync_version`). Immutable: a differing copy is a conflict. */
  mutability: 'mutable' | 'immutable'
  /** Travels in field exports (field -> hub). */
  fieldToHub: boolean
  /** Travels in hub update bundles and enrollment files (hub -> field). */
  hubToField: boolean
  /**
   * SQL condition on the kind's table (its own columns, unqualified) that the rows `loadExportable`
   * returns meet; none when every row may leave. Lets SQLite count them (sync.status).
   */
  exportableWhere?: string
  /** Every record that may leave this installation now, keyed by id. */
  loadExportable(sqlite: Database): Map<string, SyncRecord>
  /** The record with this id as held here (exportable or not). */
  loadHeld(sqlite: Database, id: string): SyncRecord | undefined
  /**
   * `loadHeld` of many ids in one query: the records held, keyed by the id asked for. A kind that
   * overrides `loadHeld` must override this too (or leave it undefined).
   */
  loadHeldMany?(sqlite: Database, ids: readonly string[]): Map<string, SyncRecord>
  /**
   * Which of `ids` have a row here, read in one query without reading the rows. Only a hint of which
   * records an import may find already held: apply.ts compares every such record with the copy held.
   */
  heldIds?(sqlite: Database, ids: readonly string[]): Set<string>
  /**
   * Which of `records` are held here with exactly that content (`loadHeld` of its id would give a
   * record equal to it, member for member), read in one query without making the held records. With
   * `extra`, each record has that many members more, which the caller compares. A kind that overrides
   * `loadHeld` must override this too (or leave it undefined).
   */
  sameAsHeldMany?(
    sqlite: Database,
    records: readonly { id: string; data: SyncRecord }[],
    extra?: number,
  ): Set<string>
  /** Validates an incoming record (strict: unknown members are refused). */
  schema(sqlite: Database): z.ZodType<SyncRecord>
  idOf(record: SyncRecord): string
  /** Records this one points to; each must be in the same bundle or already held. */
  references(record: SyncRecord): Ref[]
  insert(sqlite: Database, record: SyncRecord, scratch: ApplyScratch): void
  /** Mutable kinds: replace the held record by a newer version. */
  replace?(sqlite: Database, record: SyncRecord): void
  /** Immutable kinds with a legal lifecycle step (finalized -> voided): classify a differing copy. */
  transition?(held: SyncRecord, incoming: SyncRecord): Transition
  advance?(sqlite: Database, incoming: SyncRecord): void
  /** Two copies that differ in bytes but mean the same (e.g. the same cohort membership made twice). */
  equivalent?(held: SyncRecord, incoming: SyncRecord): boolean
  /**
   * A UNIQUE column of `record` is already taken by another record: what to write instead, and why.
   * The outcome must not depend on arrival order, so a kind may instead make the held record step
   * aside (`heldChanges`, applied by the engine and recorded as versions and conflicts).
   */
  resolveClash?(sqlite: Database, record: SyncRecord): ClashResolution | null
  /** Why this new record cannot be written (it is then kept as a conflict), or null. */
  blockedReason?(sqlite: Database, record: SyncRecord): string | null
  /**
   * A removal of this record made later than it is held here (a tombstone): the record is not
   * written, and counts as a duplicate, whatever order the two arrived in.
   */
  removedLater?(sqlite: Database, record: SyncRecord): boolean
  /** After every kind of the bundle was applied. */
  finish?(sqlite: Database, scratch: ApplyScratch): void
}

// ---------------------------------------------------------------------------------------------
// Statement cache: the apply loop runs the same few statements thousands of times.

type AnyStatement = Statement<unknown[], unknown>
const statements = new WeakMap<Database, Map<string, AnyStatement>>()
export function stmt(sqlite: Database, sqlText: string): AnyStatement {
  let m = statements.get(sqlite)
  if (!m) {
    m = new Map()
    statements.set(sqlite, m)
  }
  let s = m.get(sqlText)
  if (!s) {
    s = sqlite.prepare<unknown[], unknown>(sqlText)
    m.set(sqlText, s)
  }
  return s
}

const idText = z.string().min(1, 'is required').max(200, 'must be at most 200 characters')
const dateTime = z.iso.datetime({ offset: true, message: 'must be an ISO date-time' })
const COMMON_OVERRIDES = { id: idText, device_id: idText, created_at: dateTime, updated_at: dateTime }

// ---------------------------------------------------------------------------------------------
// A kind backed by one table.

export interface TableKindSpec {
  name: string
  order: number
  table: string
  mutability: 'mutable' | 'immutable'
  fieldToHub?: boolean
  hubToField?: boolean
  /** Primary key columns; the id of a composite key is its values joined by '/'. Default ['id']. */
  key?: readonly string[]
  /** SQL condition (on the table's own columns) a record must meet to be exported. */
  exportableWhere?: string
  /** Columns local to one database (never sent, never compared). */
  omit?: readonly string[]
  overrides?: Record<string, z.ZodType>
  refine?: (r: SyncRecord, ctx: z.RefinementCtx) => void
  references?: (r: SyncRecord) => Ref[]
  equivalent?: RecordKind['equivalent']
  resolveClash?: RecordKind['resolveClash']
  blockedReason?: RecordKind['blockedReason']
  transition?: RecordKind['transition']
  advance?: RecordKind['advance']
  removedLater?: RecordKind['removedLater']
}

export function tableKind(spec: TableKindSpec): RecordKind {
  const key = spec.key ?? ['id']
  const omit = spec.omit ?? []
  const colsCache = new WeakMap<Database, ColumnInfo[]>()
  const cols = (sqlite: Database): ColumnInfo[] => {
    let c = colsCache.get(sqlite)
    if (!c) {
      c = tableColumns(sqlite, spec.table).filter((col) => !omit.includes(col.name))
      colsCache.set(sqlite, c)
    }
    return c
  }
  const table = quoteIdent(spec.table)
  const keyWhere = key.map((k) => `${quoteIdent(k)} = ?`).join(' AND ')
  const idOf = (r: SyncRecord) => key.map((k) => String(r[k])).join('/')
  const keyValues = (id: string) => (key.length === 1 ? [id] : id.split('/'))
  const schemas = new WeakMap<Database, z.ZodType<SyncRecord>>()
  const heldMany = new WeakMap<Database, Statement<unknown[], unknown[]>>()
  const heldIdsOf = new WeakMap<Database, Statement<unknown[], unknown[]>>()
  // The ids as one JSON parameter, joined on the key: one query, not one per record.
  const joinOnKey =
    key.length === 1
      ? `t.${quoteIdent(key[0]!)} = j.value`
      : key.map((k, i) => `t.${quoteIdent(k)} = j.value ->> ${i}`).join(' AND ')

  /**
   * The rows held of `ids`: raw arrays, `ids` index first, then the columns in canonical order. One
   * at a time (a re-import compares tens of thousands: held all at once, they outlive the young
   * generation and cost fresh memory and a full collection).
   */
  const heldRows = (sqlite: Database, ids: readonly string[]): IterableIterator<unknown[]> => {
    let many = heldMany.get(sqlite)
    if (!many) {
      many = sqlite
        .prepare<unknown[], unknown[]>(
          `SELECT j.key, ${sortedColumns(cols(sqlite))
            .map((col) => `t.${quoteIdent(col.name)}`)
            .join(', ')} FROM json_each(?) j CROSS JOIN ${table} t ON ${joinOnKey}`,
        )
        .raw(true)
      heldMany.set(sqlite, many)
    }
    return many.iterate(JSON.stringify(key.length === 1 ? ids : ids.map(keyValues)))
  }

  return {
    name: spec.name,
    order: spec.order,
    table: spec.table,
    mutability: spec.mutability,
    fieldToHub: spec.fieldToHub ?? true,
    hubToField: spec.hubToField ?? false,
    exportableWhere: spec.exportableWhere,
    idOf,
    references: spec.references ?? (() => []),
    equivalent: spec.equivalent,
    resolveClash: spec.resolveClash,
    blockedReason: spec.blockedReason,
    transition: spec.transition,
    advance: spec.advance,
    removedLater: spec.removedLater,

    loadExportable(sqlite) {
      const c = cols(sqlite)
      const where = spec.exportableWhere ? ` WHERE ${spec.exportableWhere}` : ''
      const rows = stmt(
        sqlite,
        `SELECT * FROM ${quoteIdent(spec.table)}${where} ORDER BY ${key.map(quoteIdent).join(', ')}`,
      ).all() as Record<string, unknown>[]
      const out = new Map<string, SyncRecord>()
      for (const row of rows) {
        const rec = rowToRecord(c, row)
        out.set(idOf(rec), rec)
      }
      return out
    },

    loadHeld(sqlite, id) {
      const row = stmt(sqlite, `SELECT * FROM ${table} WHERE ${keyWhere}`).get(...keyValues(id)) as
        Record<string, unknown> | undefined
      return row ? rowToRecord(cols(sqlite), row) : undefined
    },

    loadHeldMany(sqlite, ids) {
      const out = new Map<string, SyncRecord>()
      if (ids.length === 0) return out
      const c = sortedColumns(cols(sqlite))
      const rows = heldRows(sqlite, ids)
      for (const row of rows) {
        const rec: SyncRecord = {}
        for (let i = 0; i < c.length; i++) {
          const v = row[i + 1]
          rec[c[i]!.name] = v instanceof Uint8Array ? Buffer.from(v).toString('base64') : (v ?? null)
        }
        out.set(ids[Number(row[0])]!, rec)
      }
      return out
    },

    sameAsHeldMany(sqlite, records, extra = 0) {
      const out = new Set<string>()
      if (records.length === 0) return out
      const c = sortedColumns(cols(sqlite))
      for (const row of heldRows(
        sqlite,
        records.map((r) => r.id),
      )) {
        const rec = records[Number(row[0])]!
        if (sameAsRow(c, row, 1, rec.data, extra)) out.add(rec.id)
      }
      return out
    },

    heldIds(sqlite, ids) {
      const out = new Set<string>()
      if (ids.length === 0) return out
      let query = heldIdsOf.get(sqlite)
      if (!query) {
        query = sqlite
          .prepare<unknown[], unknown[]>(
            `SELECT j.key FROM json_each(?) j CROSS JOIN ${table} t ON ${joinOnKey}`,
          )
          .raw(true)
        heldIdsOf.set(sqlite, query)
      }
      for (const row of query.all(JSON.stringify(key.length === 1 ? ids : ids.map(keyValues))))
        out.add(ids[Number(row[0])]!)
      return out
    },

    schema(sqlite) {
      let s = schemas.get(sqlite)
      if (!s) {
        const base = recordSchema(cols(sqlite), {
          overrides: { ...pick(COMMON_OVERRIDES, cols(sqlite)), ...spec.overrides },
        })
        s = (spec.refine ? base.superRefine(spec.refine) : base) as z.ZodType<SyncRecord>
        schemas.set(sqlite, s)
      }
      return s
    },

    insert(sqlite, record) {
      insertRow(sqlite, spec.table, cols(sqlite), record)
    },

    replace(sqlite, record) {
      const row = recordToRow(cols(sqlite), record)
      const names = Object.keys(row).filter((n) => !key.includes(n))
      stmt(
        sqlite,
        `UPDATE ${quoteIdent(spec.table)} SET ${names.map((n) => `${quoteIdent(n)} = ?`).join(', ')} WHERE ${keyWhere}`,
      ).run(...names.map((n) => row[n]), ...keyValues(idOf(record)))
    },
  }
}

const fullInserts = new WeakMap<Database, Map<string, AnyStatement>>()

/**
 * Inserts a record into `table`. A record that carries every column (what this version exports) goes
 * through one prepared statement per table, its values bound as an array; one that lacks some (an
 * older sender) names only the columns it has.
 */
function insertRow(
  sqlite: Database,
  table: string,
  cols: readonly ColumnInfo[],
  record: SyncRecord,
  extra?: { name: string; value: unknown },
): void {
  let complete = true
  for (const c of cols) if (!(c.name in record)) complete = false
  if (complete) {
    let byTable = fullInserts.get(sqlite)
    if (!byTable) fullInserts.set(sqlite, (byTable = new Map()))
    const cacheKey = `${table}\u0000${extra?.name ?? ''}`
    let insert = byTable.get(cacheKey)
    if (!insert) {
      const names = [...(extra ? [extra.name] : []), ...cols.map((c) => c.name)]
      insert = sqlite.prepare<unknown[], unknown>(
        `INSERT INTO ${quoteIdent(table)} (${names.map(quoteIdent).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
      )
      byTable.set(cacheKey, insert)
    }
    const values: unknown[] = extra ? [extra.value] : []
    for (const c of cols) {
      const v = record[c.name]
      values.push(c.type === 'BLOB' && typeof v === 'string' ? Buffer.from(v, 'base64') : v)
    }
    insert.run(values)
    return
  }
  const row = { ...(extra ? { [extra.name]: extra.value } : {}), ...recordToRow(cols, record) }
  const names = Object.keys(row)
  stmt(
    sqlite,
    `INSERT INTO ${quoteIdent(table)} (${names.map(quoteIdent).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
  ).run(...names.map((n) => row[n]))
}

function pick(overrides: Record<string, z.ZodType>, cols: { name: string }[]): Record<string, z.ZodType> {
  const out: Record<string, z.ZodType> = {}
  for (const c of cols) if (overrides[c.name]) out[c.name] = overrides[c.name]!
  return out
}

const ref = (kind: string, id: unknown): Ref[] => (typeof id === 'string' && id !== '' ? [{ kind, id }] : [])

// ---------------------------------------------------------------------------------------------
// Assessments: the record carries its scores; finalized work is immutable except for voiding.

const ASSESSMENT_LIFECYCLE_COLUMNS = ['state', 'voided_at', 'void_reason', 'updated_at']
const SCORE_OMIT = ['assessment_id']

function assessmentKind(): RecordKind {
  const base = tableKind({
    name: 'assessment',
    order: 90,
    table: 'assessment',
    mutability: 'immutable',
    // Drafts stay on the device: only signed-off work is sent, once (and again if voided).
    exportableWhere: `state <> 'draft'`,
    overrides: {
      state: z.enum(['finalized', 'voided'], {
        message: 'must be finalized or voided (drafts are not synced)',
      }),
    },
  })
  const scoreCols = (sqlite: Database) =>
    tableColumns(sqlite, 'assessment_score').filter((c) => !SCORE_OMIT.includes(c.name))
  const scoresOf = (sqlite: Database, id: string): SyncRecord[] =>
    (
      stmt(sqlite, `SELECT * FROM assessment_score WHERE assessment_id = ? ORDER BY criterion_id`).all(
        id,
      ) as Record<string, unknown>[]
    ).map((r) => rowToRecord(scoreCols(sqlite), r))
  const schemas = new WeakMap<Database, z.ZodType<SyncRecord>>()
  const coreOf = (r: SyncRecord) => {
    const out = { ...r }
    for (const c of ASSESSMENT_LIFECYCLE_COLUMNS) delete out[c]
    return canonicalJson(out)
  }

  return {
    ...base,
    references: (r) => [
      ...ref('learner', r.learner_id),
      ...ref('rubric_version', r.rubric_version_id),
      ...ref('assessor', r.assessor_id),
      ...ref('assessor', r.finalized_by),
      ...ref('assessment', r.supersedes_id),
    ],

    loadExportable(sqlite) {
      const out = base.loadExportable(sqlite)
      const scores = stmt(
        sqlite,
        `SELECT s.* FROM assessment_score s JOIN assessment a ON a.id = s.assessment_id WHERE a.state <> 'draft' ORDER BY s.assessment_id, s.criterion_id`,
      ).all() as Record<string, unknown>[]
      const cols = scoreCols(sqlite)
      // `scores` in its canonical place among the columns: the record's JSON is its canonical JSON.
      for (const [id, rec] of out) out.set(id, withMember(rec, 'scores', []))
      for (const s of scores)
        (out.get(String(s.assessment_id))?.scores as SyncRecord[] | undefined)?.push(rowToRecord(cols, s))
      return out
    },

    loadHeld(sqlite, id) {
      const rec = base.loadHeld(sqlite, id)
      if (rec) rec.scores = scoresOf(sqlite, id)
      return rec
    },

    loadHeldMany(sqlite, ids) {
      const out = base.loadHeldMany!(sqlite, ids)
      if (out.size === 0) return out
      const byId = new Map<string, SyncRecord[]>()
      for (const rec of out.values()) {
        const scores: SyncRecord[] = []
        rec.scores = scores
        byId.set(String(rec.id), scores)
      }
      const cols = scoreCols(sqlite)
      const rows = stmt(
        sqlite,
        `SELECT s.* FROM json_each(?) j CROSS JOIN assessment_score s ON s.assessment_id = j.value ORDER BY s.assessment_id, s.criterion_id`,
      ).all(JSON.stringify([...byId.keys()])) as Record<string, unknown>[]
      for (const r of rows) byId.get(String(r.assessment_id))?.push(rowToRecord(cols, r))
      return out
    },

    sameAsHeldMany(sqlite, records) {
      // The assessment's own columns first, then the scores of those that match, in the order
      // `loadHeldMany` gives them (criterion_id).
      const own = base.sameAsHeldMany!(sqlite, records, 1)
      const scoresById = new Map<string, unknown[]>()
      for (const r of records) {
        if (!own.has(r.id)) continue
        const scores = r.data.scores
        if (Array.isArray(scores)) scoresById.set(r.id, scores)
        else own.delete(r.id)
      }
      if (scoresById.size === 0) return own
      const sorted = sortedColumns(scoreCols(sqlite))
      const rows = stmt(
        sqlite,
        `SELECT s.assessment_id, ${sorted.map((c) => `s.${quoteIdent(c.name)}`).join(', ')} FROM json_each(?) j CROSS JOIN assessment_score s ON s.assessment_id = j.value ORDER BY s.assessment_id, s.criterion_id`,
      )
        .raw(true)
        .iterate(JSON.stringify([...scoresById.keys()])) as IterableIterator<unknown[]>
      const seen = new Map<string, number>()
      for (const row of rows) {
        const id = String(row[0])
        const scores = scoresById.get(id)
        if (!scores) continue
        const i = seen.get(id) ?? 0
        seen.set(id, i + 1)
        if (!sameAsRow(sorted, row, 1, scores[i])) own.delete(id)
      }
      for (const [id, scores] of scoresById) if ((seen.get(id) ?? 0) !== scores.length) own.delete(id)
      return own
    },

    schema(sqlite) {
      let s = schemas.get(sqlite)
      if (!s) {
        const score = recordSchema(scoreCols(sqlite))
        const own = recordSchema(tableColumns(sqlite, 'assessment'), {
          overrides: {
            ...pick(COMMON_OVERRIDES, tableColumns(sqlite, 'assessment')),
            state: z.enum(['finalized', 'voided'], {
              message: 'must be finalized or voided (drafts are not synced)',
            }),
          },
          extra: { scores: z.array(score) },
        })
        s = own.superRefine((r, ctx) => {
          const seen = new Set<string>()
          for (const [i, sc] of (r.scores as SyncRecord[]).entries()) {
            const c = String(sc.criterion_id)
            if (seen.has(c))
              ctx.addIssue({
                code: 'custom',
                path: ['scores', i, 'criterion_id'],
                message: `criterion ${c} is scored twice`,
              })
            seen.add(c)
          }
          if (r.state === 'finalized' && (r.outcome == null || r.finalized_at == null)) {
            ctx.addIssue({
              code: 'custom',
              path: ['outcome'],
              message: 'a finalized assessment needs its outcome and finalized_at',
            })
          }
          if (r.state === 'voided' && (r.voided_at == null || !r.void_reason)) {
            ctx.addIssue({
              code: 'custom',
              path: ['void_reason'],
              message: 'a voided assessment needs voided_at and void_reason',
            })
          }
        }) as unknown as z.ZodType<SyncRecord>
        schemas.set(sqlite, s)
      }
      return s
    },

    insert(sqlite, record, scratch) {
      // Scores and evidence may only be written to a draft (triggers of 0001). Scores are written
      // first, while the assessment does not exist yet (foreign keys are deferred to COMMIT), so it
      // is inserted with its real state at once; only one with evidence in this bundle is inserted
      // as a draft and given its state in `finish`, after its evidence.
      const { scores, ...own } = record
      const id = String(own.id)
      const cols = scoreCols(sqlite)
      const asDraft = scratch.withEvidence?.has(id) ?? true
      if (asDraft) base.insert(sqlite, { ...own, state: 'draft' }, scratch)
      for (const sc of (scores as SyncRecord[] | undefined) ?? [])
        insertRow(sqlite, 'assessment_score', cols, sc, { name: 'assessment_id', value: own.id })
      if (!asDraft) base.insert(sqlite, own, scratch)
      else (scratch.drafts ??= new Set()).add(id)
      scratch.finalizeLater.set(id, own)
    },

    finish(sqlite, scratch) {
      for (const [id, rec] of scratch.finalizeLater) {
        if (scratch.drafts?.has(id) === true)
          stmt(sqlite, `UPDATE assessment SET state = ? WHERE id = ?`).run(rec.state, id)
        revokeHeldCredentials(sqlite, rec)
      }
      scratch.finalizeLater.clear()
      scratch.drafts?.clear()
    },

    transition(held, incoming) {
      if (coreOf(held) !== coreOf(incoming)) return 'different'
      if (held.state === 'finalized' && incoming.state === 'voided') return 'forward'
      if (held.state === 'voided' && incoming.state === 'finalized') return 'stale'
      return 'different'
    },

    advance(sqlite, incoming) {
      stmt(
        sqlite,
        `UPDATE assessment SET state = ?, voided_at = ?, void_reason = ?, updated_at = ? WHERE id = ?`,
      ).run(
        incoming.state,
        incoming.voided_at ?? null,
        incoming.void_reason ?? null,
        incoming.updated_at,
        incoming.id,
      )
      revokeHeldCredentials(sqlite, incoming)
    },

    replace: undefined,
  }
}

/**
 * A voided assessment, or a finalized correction, arriving here: credentials held here for the
 * voided (or corrected) assessment that are still valid — e.g. issued at this hub — are revoked, as
 * the device that voided it revoked its own (services/assessment-credentials.ts), with the same
 * time and reason, so the result is the same whichever copy arrives first. Owned status lists are
 * re-signed at the next `credentials.statusList` (no passphrase is asked during an import).
 */
function revokeHeldCredentials(sqlite: Database, rec: SyncRecord): void {
  let target: string
  let at: string
  let reason: string
  if (rec.state === 'voided' && rec.voided_at != null) {
    target = String(rec.id)
    at = String(rec.voided_at)
    reason = revocationReasonFor({
      kind: 'voided',
      assessmentId: target,
      voidReason: String(rec.void_reason),
    })
  } else if (rec.state === 'finalized' && rec.supersedes_id != null && rec.finalized_at != null) {
    target = String(rec.supersedes_id)
    at = String(rec.finalized_at)
    reason = revocationReasonFor({ kind: 'corrected', assessmentId: target, correctionId: String(rec.id) })
  } else return
  stmt(
    sqlite,
    `UPDATE credential SET revoked_at = ?, revocation_reason = ?, updated_at = ? WHERE assessment_id = ? AND revoked_at IS NULL`,
  ).run(at, reason, at, target)
}

// ---------------------------------------------------------------------------------------------
// Audit entries: append-only, each device's hash chain kept intact (see apply.ts for the order).

function auditKind(): RecordKind {
  const base = tableKind({
    name: 'audit',
    order: 1000,
    table: 'audit_log',
    mutability: 'immutable',
    // seq is local to one database; the chain is carried by prev_hash/hash.
    omit: ['seq'],
    overrides: {
      at: dateTime,
      prev_hash: z.string().regex(/^[0-9a-f]{64}$/),
      hash: z.string().regex(/^[0-9a-f]{64}$/),
    },
    refine: (r, ctx) => {
      const expected = auditEntryHash(r as never)
      if (expected !== r.hash)
        ctx.addIssue({
          code: 'custom',
          path: ['hash'],
          message: 'does not match the entry: the entry was altered',
        })
    },
  })
  return {
    ...base,
    // The chain order of one device is its seq order.
    loadExportable(sqlite) {
      const rows = stmt(sqlite, `SELECT * FROM audit_log ORDER BY seq`).all() as Record<string, unknown>[]
      const cols = tableColumns(sqlite, 'audit_log').filter((c) => c.name !== 'seq')
      const out = new Map<string, SyncRecord>()
      for (const r of rows) out.set(String(r.id), rowToRecord(cols, r))
      return out
    },
    insert(sqlite, record, scratch) {
      base.insert(sqlite, record, scratch)
    },
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * A cohort name is UNIQUE. Two devices that each made a cohort under one name keep both: the cohort
 * with the lower id keeps the name and the other is marked with its device, whichever arrived first
 * (so every hub ends up the same). A conflict is opened so a person can merge them.
 */
function cohortNameClash(sqlite: Database, record: SyncRecord): ClashResolution | null {
  const clash = stmt(sqlite, `SELECT * FROM cohort WHERE name = ? AND id <> ?`).get(
    record.name,
    record.id,
  ) as Record<string, unknown> | undefined
  if (!clash) return null
  const marked = (r: SyncRecord): string => {
    const base = `${String(r.name)} (from device ${String(r.device_id).slice(-8)})`
    let name = base
    for (let i = 2; stmt(sqlite, `SELECT 1 FROM cohort WHERE name = ?`).get(name); i++) name = `${base} ${i}`
    return name
  }
  const reason = `name_taken: two cohorts are called "${String(record.name)}"; the one with the lower id keeps the name`
  if (String(record.id) < String(clash.id)) {
    const before = rowToRecord(tableColumns(sqlite, 'cohort'), clash)
    return {
      record,
      reason,
      heldChanges: [{ id: String(clash.id), before, after: { ...before, name: marked(before) } }],
    }
  }
  return { record: { ...record, name: marked(record) }, reason }
}

/** Two devices made the same version number of one rubric: the later arrival gets the next number. */
function renumberClashingRubricVersion(sqlite: Database, record: SyncRecord): ClashResolution | null {
  const clash = stmt(
    sqlite,
    `SELECT id FROM rubric_version WHERE rubric_id = ? AND version = ? AND id <> ?`,
  ).get(record.rubric_id, record.version, record.id)
  if (!clash) return null
  const next = (
    stmt(sqlite, `SELECT COALESCE(MAX(version), 0) + 1 AS v FROM rubric_version WHERE rubric_id = ?`).get(
      record.rubric_id,
    ) as {
      v: number
    }
  ).v
  return {
    record: { ...record, version: next },
    reason: `version_number_taken: version ${String(record.version)} of this rubric already exists here; kept as version ${next}`,
  }
}

function evidenceBlockedReason(sqlite: Database, record: SyncRecord): string | null {
  const a = stmt(sqlite, `SELECT state FROM assessment WHERE id = ?`).get(record.assessment_id) as
    { state: string } | undefined
  return a && a.state !== 'draft'
    ? 'evidence_after_finalization: the assessment held here is already signed off without it'
    : null
}

// ---------------------------------------------------------------------------------------------
// Cohort memberships and their removals (tombstones, migration 0004).
//
// A membership is present where the latest event about it is an addition: it survives a tombstone
// only if it was made strictly later (a removal wins a tie). Both sides keep what that needs: the
// membership row carries the latest addition (`created_at`), tombstones are kept for ever. So a
// tombstone arriving before the membership it removes, twice, or in any order gives the same result.

const MEMBERSHIP_KEY = ['learner_id', 'cohort_id'] as const
const membershipIdOf = (r: SyncRecord): string => `${String(r.learner_id)}/${String(r.cohort_id)}`
const instant = (iso: unknown): number => Date.parse(String(iso))

/** The latest removal of this record held here (time of the latest tombstone), or undefined. */
function latestRemoval(sqlite: Database, kind: string, id: string): number | undefined {
  const rows = stmt(sqlite, `SELECT created_at FROM tombstone WHERE target_kind = ? AND target_id = ?`).all(
    kind,
    id,
  ) as { created_at: string }[]
  return rows.length ? Math.max(...rows.map((r) => instant(r.created_at))) : undefined
}

/** Is `a` a later addition than `b`: by time, then by hash so every installation picks the same one. */
function laterAddition(a: SyncRecord, b: SyncRecord): boolean {
  const ta = instant(a.created_at)
  const tb = instant(b.created_at)
  if (ta !== tb) return ta > tb
  return recordHash(a) > recordHash(b)
}

function learnerCohortKind(): RecordKind {
  return tableKind({
    name: 'learner_cohort',
    order: 70,
    table: 'learner_cohort',
    mutability: 'immutable',
    key: MEMBERSHIP_KEY,
    references: (r) => [...ref('learner', r.learner_id), ...ref('cohort', r.cohort_id)],
    // The same learner put in the same cohort on two devices (or again after a removal) is one
    // membership; the copy held records its latest addition, which decides against removals.
    transition: (held, incoming) => (laterAddition(incoming, held) ? 'forward' : 'stale'),
    advance(sqlite, incoming) {
      stmt(
        sqlite,
        `UPDATE learner_cohort SET device_id = ?, created_at = ? WHERE learner_id = ? AND cohort_id = ?`,
      ).run(incoming.device_id, incoming.created_at, incoming.learner_id, incoming.cohort_id)
    },
    removedLater(sqlite, record) {
      const removedAt = latestRemoval(sqlite, 'learner_cohort', membershipIdOf(record))
      return removedAt !== undefined && removedAt >= instant(record.created_at)
    },
  })
}

/** Kinds a tombstone may remove, and how (only these: see the CHECK of migration 0004). */
const REMOVABLE: Record<string, { remove(sqlite: Database, targetId: string, removedAt: number): void }> = {
  learner_cohort: {
    remove(sqlite, targetId, removedAt) {
      const [learnerId, cohortId] = targetId.split('/')
      const held = stmt(
        sqlite,
        `SELECT created_at FROM learner_cohort WHERE learner_id = ? AND cohort_id = ?`,
      ).get(learnerId, cohortId) as { created_at: string } | undefined
      // Added again after this removal: the later addition stays.
      if (!held || instant(held.created_at) > removedAt) return
      stmt(sqlite, `DELETE FROM learner_cohort WHERE learner_id = ? AND cohort_id = ?`).run(
        learnerId,
        cohortId,
      )
    },
  },
}

function tombstoneKind(): RecordKind {
  const base = tableKind({
    name: 'tombstone',
    order: 75,
    table: 'tombstone',
    mutability: 'immutable',
    overrides: {
      target_kind: z.enum(Object.keys(REMOVABLE) as [string, ...string[]], {
        message: `must be a kind whose removal syncs (${Object.keys(REMOVABLE).join(', ')})`,
      }),
      target_id: idText,
      target_hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256'),
    },
    refine(r, ctx) {
      if (r.target_kind === 'learner_cohort' && !/^[^/]+\/[^/]+$/.test(String(r.target_id)))
        ctx.addIssue({ code: 'custom', path: ['target_id'], message: 'must be learner_id/cohort_id' })
    },
  })
  return {
    ...base,
    insert(sqlite, record, scratch) {
      base.insert(sqlite, record, scratch)
      REMOVABLE[String(record.target_kind)]!.remove(
        sqlite,
        String(record.target_id),
        instant(record.created_at),
      )
    },
    replace: undefined,
  }
}

/**
 * Every kind, in apply order. Blobs (evidence bytes) are not records: they travel as separate parts
 * of a bundle, addressed by SHA-256 (see bundle-format.ts).
 */
export const recordKinds: RecordKind[] = [
  tableKind({ name: 'assessor', order: 10, table: 'assessor', mutability: 'mutable' }),
  tableKind({
    name: 'achievement',
    order: 20,
    table: 'achievement',
    mutability: 'mutable',
    hubToField: true,
  }),
  tableKind({
    name: 'rubric',
    order: 30,
    table: 'rubric',
    mutability: 'mutable',
    hubToField: true,
    references: (r) => ref('achievement', r.achievement_id),
  }),
  tableKind({
    name: 'rubric_version',
    order: 40,
    table: 'rubric_version',
    mutability: 'immutable',
    hubToField: true,
    references: (r) => ref('rubric', r.rubric_id),
    resolveClash: renumberClashingRubricVersion,
  }),
  tableKind({ name: 'learner', order: 50, table: 'learner', mutability: 'mutable' }),
  // Each saved learner edit leaves the previous version here (append-only): edits from two devices
  // arrive as two history rows, so both versions are kept.
  tableKind({
    name: 'learner_history',
    order: 55,
    table: 'learner_history',
    mutability: 'immutable',
    references: (r) => ref('learner', r.learner_id),
  }),
  tableKind({
    name: 'cohort',
    order: 60,
    table: 'cohort',
    mutability: 'mutable',
    resolveClash: cohortNameClash,
  }),
  learnerCohortKind(),
  tombstoneKind(),
  assessmentKind(),
  tableKind({
    name: 'evidence',
    order: 100,
    table: 'evidence',
    mutability: 'immutable',
    // Correlated (one primary-key look-up per evidence row), not `IN (SELECT …)`, which first lists
    // every signed-off assessment: 170 ms on 50,000. `assessment_id` is the evidence row's column.
    exportableWhere: `EXISTS (SELECT 1 FROM assessment a WHERE a.id = assessment_id AND a.state <> 'draft')`,
    overrides: { sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256') },
    references: (r) => ref('assessment', r.assessment_id),
    blockedReason: evidenceBlockedReason,
  }),
  ...credentialRecordKinds(),
  auditKind(),
].sort((a, b) => a.order - b.order)

/**
 * Kinds whose table exists in this database. A kind whose table arrives with a later migration
 * (e.g. `learner_history`) is simply absent from older databases.
 */
export function kindsFor(sqlite: Database): RecordKind[] {
  const tables = new Set(
    (sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map(
      (r) => r.name,
    ),
  )
  return recordKinds.filter((k) => tables.has(k.table))
}

export const kindByName = (name: string): RecordKind | undefined => recordKinds.find((k) => k.name === name)

/** The kind name used for evidence bytes in manifests and receipts. */
export const BLOB_KIND = 'blob'
