import type { Database } from 'better-sqlite3'
import { databaseChangeKey } from './change-key'

/**
 * A figure derived from many rows (sync counts, dashboard totals, the verifier's trust list), read
 * again only when the database has changed (db/change-key.ts: this connection's writes and other
 * connections' commits). `read` may be synchronous or return a promise; a pending promise is shared
 * by the callers that ask meanwhile, and one that fails is forgotten.
 *
 * The value is kept under the key taken BEFORE the read: anything committed while reading moves the
 * key, so a value that may be stale is never served again. Inside an open transaction nothing is
 * served or kept: what is read may still be rolled back, and `total_changes()` does not move back.
 * Callers whose reads may interleave with other ops (async reads) hold the connection while calling;
 * the arguments say how to read (e.g. that held connection), never what: they are not part of the key.
 */
export function keptUntilChange<A extends unknown[], T>(
  sqlite: Database,
  read: (...args: A) => T,
): (...args: A) => T {
  let kept: { key: string; value: T } | undefined
  return (...args) => {
    if (sqlite.inTransaction) return read(...args)
    const key = databaseChangeKey(sqlite)
    if (kept?.key === key) return kept.value
    const value = read(...args)
    const entry = { key, value }
    kept = entry
    if (value instanceof Promise)
      value.catch(() => {
        if (kept === entry) kept = undefined
      })
    return value
  }
}
