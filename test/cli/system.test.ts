import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli'
import { tempDir } from '../helpers/temp-db'

describe('tessera CLI: setup and doctor', () => {
  it('--help works and lists the commands', () => {
    const r = runCli(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/init/)
    expect(r.stdout).toMatch(/doctor/)
  })

  it('a usage error exits 2', () => {
    expect(runCli(['no-such-command']).code).toBe(2)
    expect(runCli(['init']).code).toBe(2) // --org-name is required
  })

  it('init, status and doctor on a real file; TESSERA_DB and --db both work', () => {
    const db = path.join(tempDir(), 'field.db')
    const init = runCli(
      ['init', '--org-name', 'Northside Skills Trust', '--org-url', 'https://northside.example', '--json'],
      {
        env: { TESSERA_DB: db },
      },
    )
    expect(init.code).toBe(0)
    expect(init.json<{ organization: { name: string } }>().organization.name).toBe('Northside Skills Trust')

    const status = runCli(['--db', db, 'status'])
    expect(status.code).toBe(0)
    expect(status.stdout).toContain('Northside Skills Trust')

    const again = runCli(['--db', db, 'init', '--org-name', 'Other'])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('already set up')

    const bad = runCli([
      '--db',
      path.join(tempDir(), 'x.db'),
      'init',
      '--org-name',
      'X',
      '--org-email',
      'nope',
    ])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/email: .*not a valid email/)

    const doctor = runCli(['--db', db, 'doctor', '--json'])
    expect(doctor.code).toBe(0)
    expect(doctor.json<{ ok: boolean }>().ok).toBe(true)
  })

  it('doctor exits 1 and names the entry when the audit log was edited', () => {
    const db = path.join(tempDir(), 'tampered.db')
    expect(runCli(['--db', db, 'init', '--org-name', 'Northside']).code).toBe(0)
    expect(runCli(['--db', db, 'assessors', 'add', 'R. Okafor']).code).toBe(0)
    const raw = new Database(db)
    raw.exec(`DROP TRIGGER audit_no_update; UPDATE audit_log SET actor = 'mallory' WHERE seq = 1`)
    raw.close()
    const doctor = runCli(['--db', db, 'doctor'])
    expect(doctor.code).toBe(1)
    expect(doctor.stdout).toMatch(/FAIL audit-chain/)
    expect(doctor.stdout).toMatch(/entry 1 .*edited/)
  })
})
