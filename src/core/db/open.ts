import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely'
import { acquireWriteLock } from './lock'
import { migrate, schemaTooNew, schemaVersionOf } from './migrate'
import { migrations } from './migrations'
import type { DB } from './schema'

export interface OpenOptions {
  /** Path of the database file; created (with its folder) when missing, unless readonly. */
  file: string
  /** Open without the write lock and without migrating: for reports, verify, backup. */
  readonly?: boolean
  /**
   * Path of a better_sqlite3.node built for a different ABI (Electron). Node and Electron need
   * different builds; passing the Electron one here keeps node_modules on the Node build for tests.
   */
  nativeBinding?: string
}

export interface TesseraDatabase {
  file: string
  sqlite: Database.Database
  db: Kysely<DB>
  schemaVersion: number
  readonly: boolean
  /**
   * A second, read-only connection to the same file, opened on first use and closed with the
   * database: long reads (the sync counts) run on it inside one read transaction, a consistent
   * snapshot under WAL, without holding the app's connection (kysely has only that one).
   */
  snapshotReader(): Database.Database
  close(): void
}

export const LATEST_SCHEMA_VERSION = migrations.length

/**
 * Opens (and if needed creates and migrates) a Tessera database.
 *
 * Order matters: a file written by a newer Tessera is inspected read-only and refused before
 * anything touches it — even `journal_mode = WAL` rewrites the header.
 */
export function openDatabase(opts: OpenOptions): TesseraDatabase {
  const file = path.resolve(opts.file)
  const exists = fs.existsSync(file)
  const driverOptions = opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}

  if (exists) {
    const probe = new Database(file, { readonly: true, fileMustExist: true, ...driverOptions })
    try {
      const found = schemaVersionOf(probe)
      if (found > LATEST_SCHEMA_VERSION) throw schemaTooNew(file, found, LATEST_SCHEMA_VERSION)
      if (opts.readonly && found < LATEST_SCHEMA_VERSION) {
        throw new Error(
          `${file} needs upgrading (schema ${found} < ${LATEST_SCHEMA_VERSION}); open it once for writing`,
        )
      }
    } finally {
      probe.close()
    }
  } else if (opts.readonly) {
    throw new Error(`${file} does not exist`)
  }

  if (opts.readonly) {
    const sqlite = new Database(file, {
      readonly: true,
      fileMustExist: true,
      timeout: 5000,
      ...driverOptions,
    })
    return wrap(file, sqlite, true, () => undefined, driverOptions)
  }

  fs.mkdirSync(path.dirname(file), { recursive: true })
  const release = acquireWriteLock(file)
  let sqlite: Database.Database | undefined
  try {
    sqlite = new Database(file, { timeout: 5000, ...driverOptions })
    sqlite.pragma('journal_mode = WAL')
    // FULL: a committed assessment or credential survives a power cut, not just a crash.
    sqlite.pragma('synchronous = FULL')
    sqlite.pragma('foreign_keys = ON')
    migrate(sqlite, migrations, file)
    return wrap(file, sqlite, false, release, driverOptions)
  } catch (e) {
    sqlite?.close()
    release()
    throw e
  }
}

function wrap(
  file: string,
  sqlite: Database.Database,
  readonly: boolean,
  release: () => void,
  driverOptions: { nativeBinding?: string },
): TesseraDatabase {
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) })
  let closed = false
  let reader: Database.Database | undefined
  return {
    file,
    sqlite,
    db,
    readonly,
    schemaVersion: schemaVersionOf(sqlite),
    snapshotReader() {
      if (closed) throw new Error(`${file} is closed`)
      reader ??= new Database(file, { readonly: true, fileMustExist: true, timeout: 5000, ...driverOptions })
      return reader
    },
    close() {
      if (closed) return
      closed = true
      // First: a read transaction left open would keep the checkpoint below from emptying the WAL.
      reader?.close()
      if (!readonly) sqlite.pragma('wal_checkpoint(TRUNCATE)')
      sqlite.close()
      release()
    },
  }
}

const STATEMENT_CACHE_LIMIT = 500

/**
 * kysely prepares every query anew; preparing costs about as much as running a small indexed query,
 * so the services' statements are kept prepared (by SQL text, least recently used dropped beyond a
 * bound: generated `IN (?, ?, …)` lists vary). Safe because kysely runs one query at a time on this
 * connection and reads results fully (`all`/`run`); nothing here streams with `iterate`.
 */
function withStatementCache(sqlite: Database.Database): SqliteDatabase {
  const prepared = new Map<string, Database.Statement>()
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let stmt = prepared.get(sql)
      if (stmt) prepared.delete(sql)
      else stmt = sqlite.prepare(sql)
      prepared.set(sql, stmt)
      if (prepared.size > STATEMENT_CACHE_LIMIT) prepared.delete(prepared.keys().next().value!)
      return stmt
    },
  }
}
