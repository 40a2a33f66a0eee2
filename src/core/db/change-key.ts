import type { Database, Statement } from 'better-sqlite3'

const statements = new WeakMap<Database, Statement<[], { c: number; v: number }>>()

/**
 * A value that changes whenever the database does, read without touching any table:
 * `total_changes()` counts this connection's own writes, `data_version` moves when another
 * connection (the CLI, a second window) commits. Caches of derived figures (sync counts, the
 * verifier's trust list) are kept while it stays the same.
 */
export function databaseChangeKey(sqlite: Database): string {
  let statement = statements.get(sqlite)
  if (!statement) {
    statement = sqlite.prepare(
      'SELECT total_changes() AS c, (SELECT data_version FROM pragma_data_version) AS v',
    )
    statements.set(sqlite, statement)
  }
  const { c, v } = statement.get()!
  return `${c}:${v}`
}
