import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { TesseraError } from '../../contract/errors'
import { acquireWriteLock } from '../db/lock'
import { schemaVersionOf } from '../db/migrate'
import { LATEST_SCHEMA_VERSION } from '../db/open'

/**
 * Backup uses SQLite's online backup API: a consistent copy page by page, while the app keeps working
 * (it also runs on a read-only connection, so it works while another Tessera process holds the file).
 * Restore checks the candidate completely BEFORE touching the current database, keeps the replaced
 * file as a .bak, and refuses while a running Tessera holds the database.
 */

/** Tables every Tessera database has; a file without them is not a Tessera backup. */
const REQUIRED_TABLES = [
  'setting',
  'organization',
  'learner',
  'rubric',
  'rubric_version',
  'assessment',
  'assessment_score',
  'blob',
  'evidence',
  'audit_log',
]

export interface BackupResult {
  file: string
  bytes: number
  sha256: string
  schemaVersion: number
}

/** The backups folder beside a database: `tessera.db` → `tessera-backups/`. */
export function backupsFolderOf(dbFile: string): string {
  const resolved = path.resolve(dbFile)
  const base = path.basename(resolved).replace(/\.[^.]*$/, '') || 'tessera'
  return path.join(path.dirname(resolved), `${base}-backups`)
}

const stampOf = (now: Date): string =>
  now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')

/** A new file name in the backups folder, e.g. `tessera-backup-20261129T051400Z.db` (never an existing one). */
export function newBackupFile(dbFile: string, now = new Date(), prefix = 'tessera-backup'): string {
  const folder = backupsFolderOf(dbFile)
  const stem = `${prefix}-${stampOf(now)}`
  for (let n = 1; ; n++) {
    const file = path.join(folder, n === 1 ? `${stem}.db` : `${stem}-${n}.db`)
    if (!fs.existsSync(file)) return file
  }
}

/** SHA-256 of a file read in pieces, so a large database is never held in memory at once. */
function sha256OfFile(file: string): string {
  const hash = crypto.createHash('sha256')
  const buf = Buffer.alloc(1024 * 1024)
  const fd = fs.openSync(file, 'r')
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) hash.update(buf.subarray(0, n))
  } finally {
    fs.closeSync(fd)
  }
  return hash.digest('hex')
}

/** Without `outFile` the backup goes to the backups folder beside the database (see backupsFolderOf). */
export async function backupDatabase(
  sqlite: Database.Database,
  outFile: string | undefined,
  nativeBinding?: string,
): Promise<BackupResult> {
  const file = path.resolve(outFile ?? newBackupFile(sqlite.name))
  if (fs.existsSync(file))
    throw new TesseraError(
      'conflict',
      `${file} already exists; choose another name (a backup never overwrites a file)`,
    )
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const tmp = `${file}.partial-${process.pid}`
  try {
    await sqlite.backup(tmp)
    // The copy is a single self-contained file: no WAL beside it.
    const copy = new Database(tmp, nativeBinding ? { nativeBinding } : {})
    try {
      copy.pragma('journal_mode = DELETE')
    } finally {
      copy.close()
    }
    const check = checkCandidate(tmp, nativeBinding)
    const fd = fs.openSync(tmp, 'r')
    fs.fsyncSync(fd)
    fs.closeSync(fd)
    fs.renameSync(tmp, file)
    return {
      file,
      bytes: fs.statSync(file).size,
      sha256: sha256OfFile(file),
      schemaVersion: check.schemaVersion,
    }
  } catch (e) {
    fs.rmSync(tmp, { force: true })
    throw e
  }
}

export interface CandidateCheck {
  schemaVersion: number
  tables: number
}

/** Integrity, schema version and the Tessera tables, read-only. Throws check_failed saying what is wrong. */
export function checkCandidate(file: string, nativeBinding?: string): CandidateCheck {
  if (!fs.existsSync(file)) throw new TesseraError('not_found', `${file} does not exist`)
  let db: Database.Database
  try {
    db = new Database(file, {
      readonly: true,
      fileMustExist: true,
      ...(nativeBinding ? { nativeBinding } : {}),
    })
  } catch (e) {
    throw new TesseraError('check_failed', `${file} cannot be opened as a database: ${(e as Error).message}`)
  }
  try {
    let integrity: string[]
    try {
      integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map(
        (r) => r.integrity_check,
      )
    } catch (e) {
      throw new TesseraError(
        'check_failed',
        `${file} is not a readable SQLite database: ${(e as Error).message}`,
      )
    }
    if (integrity.length !== 1 || integrity[0] !== 'ok') {
      throw new TesseraError(
        'check_failed',
        `${file} is damaged (SQLite integrity check failed): ${integrity.slice(0, 3).join('; ')}`,
      )
    }
    const version = schemaVersionOf(db)
    if (version < 1)
      throw new TesseraError('check_failed', `${file} is not a Tessera database (no schema version)`)
    if (version > LATEST_SCHEMA_VERSION) {
      throw new TesseraError(
        'schema_too_new',
        `${file} was written by a newer Tessera (schema ${version}; this one understands up to ${LATEST_SCHEMA_VERSION})`,
      )
    }
    const tables = new Set(
      (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map(
        (r) => r.name,
      ),
    )
    const missing = REQUIRED_TABLES.filter((t) => !tables.has(t))
    if (missing.length)
      throw new TesseraError(
        'check_failed',
        `${file} is not a Tessera database: tables ${missing.join(', ')} are missing`,
      )
    return { schemaVersion: version, tables: tables.size }
  } finally {
    db.close()
  }
}

export interface RestoreResult {
  restoredFrom: string
  databaseFile: string
  /** Where the database that was replaced was kept (null if there was none). */
  previousKeptAs: string | null
  schemaVersion: number
}

export function restoreDatabase(opts: {
  dbFile: string
  fromFile: string
  now?: Date
  nativeBinding?: string
}): RestoreResult {
  const dbFile = path.resolve(opts.dbFile)
  const fromFile = path.resolve(opts.fromFile)
  if (dbFile === fromFile)
    throw new TesseraError('validation', 'The backup to restore is the database itself')
  const check = checkCandidate(fromFile, opts.nativeBinding)
  // Refuses (code 'locked') while a running Tessera holds the database.
  const release = acquireWriteLock(dbFile)
  const driver = opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}
  try {
    let previousKeptAs: string | null = null
    if (fs.existsSync(dbFile)) {
      const stamp = stampOf(opts.now ?? new Date())
      previousKeptAs = `${dbFile}.${stamp}.bak`
      // Two restores within a second (from the app) must not collide on the name.
      for (let n = 2; fs.existsSync(previousKeptAs); n++) previousKeptAs = `${dbFile}.${stamp}-${n}.bak`
      // A copy through SQLite (not a file copy) so that pages still in the WAL are included.
      const current = new Database(dbFile, { fileMustExist: true, ...driver })
      try {
        current.pragma('wal_checkpoint(TRUNCATE)')
        fs.copyFileSync(dbFile, previousKeptAs, fs.constants.COPYFILE_EXCL)
      } finally {
        current.close()
      }
    }
    const tmp = `${dbFile}.restore-${process.pid}`
    fs.copyFileSync(fromFile, tmp)
    const fd = fs.openSync(tmp, 'r')
    fs.fsyncSync(fd)
    fs.closeSync(fd)
    for (const side of ['-wal', '-shm']) fs.rmSync(dbFile + side, { force: true })
    fs.renameSync(tmp, dbFile)
    return {
      restoredFrom: fromFile,
      databaseFile: dbFile,
      previousKeptAs,
      schemaVersion: check.schemaVersion,
    }
  } finally {
    release()
  }
}

export interface BackupContents {
  schemaVersion: number
  organization: string | null
  deviceId: string | null
  lastChangeAt: string | null
  counts: { learners: number; rubrics: number; assessments: number; credentials: number }
}

/** Checks a backup fully (as restore would), then reads what it holds, read-only. */
export function inspectBackup(file: string, nativeBinding?: string): BackupContents {
  const check = checkCandidate(file, nativeBinding)
  const db = new Database(file, {
    readonly: true,
    fileMustExist: true,
    ...(nativeBinding ? { nativeBinding } : {}),
  })
  try {
    const tables = new Set(
      (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map(
        (r) => r.name,
      ),
    )
    // Table names come from the fixed list below, never from the file.
    const count = (table: string): number =>
      tables.has(table) ? (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n : 0
    const org = db.prepare(`SELECT name FROM organization ORDER BY created_at LIMIT 1`).get() as
      { name: string } | undefined
    const device = db.prepare(`SELECT value FROM setting WHERE key = 'device_id'`).get() as
      { value: string } | undefined
    const last = db.prepare(`SELECT at FROM audit_log ORDER BY seq DESC LIMIT 1`).get() as
      { at: string } | undefined
    return {
      schemaVersion: check.schemaVersion,
      organization: org?.name ?? null,
      deviceId: device?.value ?? null,
      lastChangeAt: last?.at ?? null,
      counts: {
        learners: count('learner'),
        rubrics: count('rubric'),
        assessments: count('assessment'),
        credentials: count('credential'),
      },
    }
  } catch (e) {
    if (e instanceof TesseraError) throw e
    throw new TesseraError(
      'check_failed',
      `${file} cannot be read as a Tessera backup: ${(e as Error).message}`,
    )
  } finally {
    db.close()
  }
}
