import { hash } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import { z } from 'zod'
import { canonicalJson } from '../domain/canonical-json'

/**
 * Sync records are rows as plain JSON: one member per column (snake_case, as in SQL), BLOB columns
 * as standard base64. Columns are read from the live schema (PRAGMA table_info) rather than listed by
 * hand, so a column another engineer adds to `learner` or `assessment` travels without touching sync,
 * and a record from a newer schema with a column this database lacks is refused by validation.
 */
export type SyncRecord = Record<string, unknown>

export type ColumnType = 'TEXT' | 'INTEGER' | 'REAL' | 'BLOB' | 'ANY'

export interface ColumnInfo {
  name: string
  type: ColumnType
  notNull: boolean
  hasDefault: boolean
}

const cache = new WeakMap<Database, Map<string, ColumnInfo[]>>()

export function tableColumns(sqlite: Database, table: string): ColumnInfo[] {
  let byTable = cache.get(sqlite)
  if (!byTable) {
    byTable = new Map()
    cache.set(sqlite, byTable)
  }
  const known = byTable.get(table)
  if (known) return known
  const rows = sqlite.pragma(`table_info(${quoteIdent(table)})`) as {
    name: string
    type: string
    notnull: number
    dflt_value: unknown
    pk: number
  }[]
  if (rows.length === 0) throw new Error(`sync: table ${table} does not exist`)
  const cols = rows.map((r) => ({
    name: r.name,
    type: normaliseType(r.type),
    // An INTEGER PRIMARY KEY may be omitted (rowid); every other PK column is required.
    notNull: r.notnull === 1 || r.pk > 0,
    hasDefault: r.dflt_value !== null,
  }))
  byTable.set(table, cols)
  return cols
}

function normaliseType(t: string): ColumnType {
  const u = t.toUpperCase()
  if (u === 'TEXT' || u === 'INTEGER' || u === 'REAL' || u === 'BLOB') return u
  return 'ANY'
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`

const byName = new WeakMap<readonly ColumnInfo[], readonly ColumnInfo[]>()
/** The columns in canonical (sorted) name order. */
export function sortedColumns(cols: readonly ColumnInfo[]): readonly ColumnInfo[] {
  let sorted = byName.get(cols)
  if (!sorted) {
    sorted = [...cols].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    byName.set(cols, sorted)
  }
  return sorted
}

/**
 * A database row as a sync record: BLOBs become base64, `omit` columns are left out. Its members are
 * in canonical order, so its canonical JSON is plain JSON.stringify (see `canonicalRecordJson`).
 */
export function rowToRecord(
  cols: readonly ColumnInfo[],
  row: Record<string, unknown>,
  omit: readonly string[] = [],
): SyncRecord {
  const out: SyncRecord = {}
  for (const c of sortedColumns(cols)) {
    if (omit.includes(c.name)) continue
    const v = row[c.name]
    out[c.name] = v instanceof Uint8Array ? Buffer.from(v).toString('base64') : (v ?? null)
  }
  return out
}

/**
 * Whether `record` is exactly what `rowToRecord` makes of a row read raw (`row[at + i]` is the value of
 * `sorted[i]`), without making it: the same members, no other, equal values (what `sameJson` of the two
 * says). `extra` members (e.g. an assessment's scores) are present, but left to the caller to compare.
 */
export function sameAsRow(
  sorted: readonly ColumnInfo[],
  row: readonly unknown[],
  at: number,
  record: unknown,
  extra = 0,
): boolean {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return false
  const r = record as SyncRecord
  let n = 0
  for (const k in r) if (r[k] !== undefined) n++
  if (n !== sorted.length + extra) return false
  for (let i = 0; i < sorted.length; i++) {
    const v = row[at + i]
    const mine = r[sorted[i]!.name]
    if (v instanceof Uint8Array) {
      if (typeof mine !== 'string' || Buffer.from(v).toString('base64') !== mine) return false
    } else if ((v ?? null) !== mine) return false
  }
  return true
}

/** The column values to write for a record: base64 back to bytes; only columns the record carries. */
export function recordToRow(cols: readonly ColumnInfo[], record: SyncRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const c of cols) {
    if (!(c.name in record)) continue
    const v = record[c.name]
    out[c.name] = c.type === 'BLOB' && typeof v === 'string' ? Buffer.from(v, 'base64') : v
  }
  return out
}

/** `record` with one more member, placed in canonical order (so the record stays canonical). */
export function withMember(record: SyncRecord, name: string, value: unknown): SyncRecord {
  const out: SyncRecord = {}
  let placed = false
  for (const k in record) {
    if (!placed && name < k) {
      out[name] = value
      placed = true
    }
    if (k !== name) out[k] = record[k]
  }
  if (!placed) out[name] = value
  return out
}

/**
 * Whether JSON.stringify of `value` is already its canonical JSON: every object's members in
 * ascending order (as canonicalJson sorts them; V8 would put integer-like names first, so those are
 * left to canonicalJson), no undefined member. Checked without copying anything.
 */
function isCanonical(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true
  if (Array.isArray(value)) {
    for (const v of value) if (!isCanonical(v)) return false
    return true
  }
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return false
  const o = value as Record<string, unknown>
  let prev: string | null = null
  for (const k in o) {
    if (prev !== null && !(prev < k)) return false
    const c = k.charCodeAt(0)
    if (c >= 0x30 && c <= 0x39) return false
    const v = o[k]
    if (v === undefined || !isCanonical(v)) return false
    prev = k
  }
  return true
}

/**
 * The canonical JSON of a record (domain/canonical-json.ts), without copying it when it is already in
 * canonical order: what rowToRecord makes and what an exporter of this version sends.
 */
export const canonicalRecordJson = (record: unknown): string =>
  isCanonical(record) ? JSON.stringify(record) : canonicalJson(record)

/**
 * SHA-256 (hex) of a record's canonical JSON: what manifests, receipts and conflict checks compare.
 * One-shot `crypto.hash` (no Hash object per record: an import hashes every record of its bundle).
 */
export const recordHash = (record: SyncRecord): string => hash('sha256', canonicalRecordJson(record), 'hex')

/** `held` restricted to the members `like` has, so a sender one schema behind is compared fairly. */
export function projectLike(held: SyncRecord, like: SyncRecord): SyncRecord {
  const out: SyncRecord = {}
  for (const k of Object.keys(like)) if (k in held) out[k] = held[k]
  return out
}

const base64Text = z.base64({ message: 'must be base64' })

function columnSchema(c: ColumnInfo): z.ZodType {
  let s: z.ZodType
  switch (c.type) {
    case 'TEXT':
      s = z.string({ message: 'must be text' })
      break
    case 'INTEGER':
      s = z
        .number({ message: 'must be a number' })
        .int('must be an integer')
        .min(Number.MIN_SAFE_INTEGER)
        .max(Number.MAX_SAFE_INTEGER)
      break
    case 'REAL':
      s = z.number({ message: 'must be a number' })
      break
    case 'BLOB':
      s = base64Text
      break
    default:
      s = z.union([z.string(), z.number(), z.null()])
  }
  if (!c.notNull) s = s.nullable()
  // A sender on an older schema may lack a column that has a default or may be NULL.
  if (c.hasDefault || !c.notNull) s = s.optional()
  return s
}

/**
 * The zod schema of a table's records, from its live columns, with per-kind overrides (ids, enums,
 * dates). Strict: a member this database has no column for is refused (a newer sender).
 */
export function recordSchema(
  cols: readonly ColumnInfo[],
  opts: {
    omit?: readonly string[]
    overrides?: Record<string, z.ZodType>
    extra?: Record<string, z.ZodType>
  } = {},
): z.ZodObject {
  const shape: Record<string, z.ZodType> = {}
  for (const c of cols) {
    if (opts.omit?.includes(c.name)) continue
    shape[c.name] = opts.overrides?.[c.name] ?? columnSchema(c)
  }
  Object.assign(shape, opts.extra ?? {})
  return z.strictObject(shape)
}
