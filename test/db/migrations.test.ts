import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { LATEST_SCHEMA_VERSION, openDatabase } from '../../src/core/db/open'
import { migrate, schemaVersionOf } from '../../src/core/db/migrate'
import { migrations } from '../../src/core/db/migrations'
import { tempDir } from '../helpers/temp-db'

const tables = (db: Database.Database): string[] =>
  (
    db
      .prepare(`SELECT name FROM sqlite_master WHERE type IN ('table','trigger','index') ORDER BY name`)
      .all() as { name: string }[]
  ).map((r) => r.name)

describe('migrations', () => {
  it('are numbered 1..n in order', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1))
    expect(LATEST_SCHEMA_VERSION).toBe(migrations.length)
  })

  it('a fresh database gets the latest schema, WAL, foreign keys', () => {
    const file = path.join(tempDir(), 'fresh.db')
    const t = openDatabase({ file })
    expect(t.schemaVersion).toBe(LATEST_SCHEMA_VERSION)
    expect(t.sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(t.sqlite.pragma('foreign_keys', { simple: true })).toBe(1)
    t.close()
  })

  // A database made by each earlier migration upgrades to the same schema as a fresh one.
  it.each(migrations.map((m) => m.version))('a database at schema %i upgrades to the latest', (version) => {
    const dir = tempDir()
    const oldFile = path.join(dir, `v${version}.db`)
    const old = new Database(oldFile)
    migrate(old, migrations.slice(0, version))
    expect(schemaVersionOf(old)).toBe(version)
    old.close()

    const upgraded = openDatabase({ file: oldFile })
    const fresh = openDatabase({ file: path.join(dir, 'fresh.db') })
    expect(upgraded.schemaVersion).toBe(LATEST_SCHEMA_VERSION)
    expect(tables(upgraded.sqlite)).toEqual(tables(fresh.sqlite))
    upgraded.close()
    fresh.close()
  })

  it('a failing migration leaves the file at the previous version', () => {
    const file = path.join(tempDir(), 'broken.db')
    const db = new Database(file)
    const broken = [
      ...migrations,
      {
        version: migrations.length + 1,
        name: 'broken',
        up: (d: Database.Database) => {
          d.exec('CREATE TABLE half_done (x INTEGER)')
          throw new Error('disk on fire')
        },
      },
    ]
    expect(() => migrate(db, broken)).toThrow('disk on fire')
    expect(schemaVersionOf(db)).toBe(migrations.length)
    expect(tables(db)).not.toContain('half_done')
    db.close()
  })

  it('refuses a file written by a newer schema and leaves it byte-for-byte untouched', () => {
    const file = path.join(tempDir(), 'future.db')
    const t = openDatabase({ file })
    t.close()
    const raw = new Database(file)
    raw.pragma('journal_mode = DELETE')
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`)
    raw.close()
    const before = fs.readFileSync(file)
    const siblingsBefore = fs.readdirSync(path.dirname(file)).sort()

    expect(() => openDatabase({ file })).toThrowError(
      expect.objectContaining({
        code: 'schema_too_new',
        message: expect.stringContaining('newer version of Tessera'),
      }),
    )
    expect(fs.readFileSync(file).equals(before)).toBe(true)
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(siblingsBefore)
  })
})

describe('one writer at a time', () => {
  it('a second writer gets a clear "in use" error, and the lock is released on close', () => {
    const file = path.join(tempDir(), 'locked.db')
    const first = openDatabase({ file })
    expect(() => openDatabase({ file })).toThrowError(
      expect.objectContaining({ code: 'locked', message: expect.stringContaining(`pid ${process.pid}`) }),
    )
    // Readers are still welcome while the writer runs.
    const reader = openDatabase({ file, readonly: true })
    expect(reader.schemaVersion).toBe(LATEST_SCHEMA_VERSION)
    reader.close()
    first.close()
    const second = openDatabase({ file })
    second.close()
  })

  it('takes over a lock left by a process that died', () => {
    const file = path.join(tempDir(), 'stale.db')
    // pid 2^22+1 is above Linux's pid_max default, so no such process exists.
    fs.writeFileSync(
      `${file}.lock`,
      JSON.stringify({ pid: 4194305, hostname: os.hostname(), startedAt: 'x' }),
    )
    const t = openDatabase({ file })
    expect(JSON.parse(fs.readFileSync(`${file}.lock`, 'utf8')).pid).toBe(process.pid)
    t.close()
    expect(fs.existsSync(`${file}.lock`)).toBe(false)
  })
})
