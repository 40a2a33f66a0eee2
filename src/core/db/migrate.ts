import type { Database } from 'better-sqlite3'
import { TesseraError } from '../../contract/errors'

export interface Migration {
  /** Becomes `PRAGMA user_version` once applied; strictly increasing, starting at 1. */
  version: number
  name: string
  up: (db: Database) => void
}

export const schemaVersionOf = (db: Database): number => db.pragma('user_version', { simple: true }) as number

export function schemaTooNew(file: string, found: number, supported: number): TesseraError {
  return new TesseraError(
    'schema_too_new',
    `${file} was written by a newer version of Tessera (schema ${found}; this version understands up to ${supported}). ` +
      'It has not been changed. Update Tessera to open it.',
    { details: { file, found, supported } },
  )
}

/**
 * Applies pending migrations, each in its own IMMEDIATE transaction together with its
 * `user_version` bump, so a crash leaves the file at the previous complete version.
 * (kysely's Migrator does not wrap SQLite migrations in a transaction, hence this runner.)
 */
export function migrate(
  db: Database,
  list: readonly Migration[],
  file = 'the database',
): { from: number; to: number } {
  list.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration list is out of order at ${m.name} (version ${m.version})`)
  })
  const latest = list.length
  const from = schemaVersionOf(db)
  if (from > latest) throw schemaTooNew(file, from, latest)
  for (const m of list) {
    db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      const current = schemaVersionOf(db)
      if (current >= m.version) return
      m.up(db)
      db.pragma(`user_version = ${m.version}`)
    }).immediate()
  }
  return { from, to: schemaVersionOf(db) }
}
