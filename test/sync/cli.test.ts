import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import Papa from 'papaparse'
import { afterEach, describe, expect, it } from 'vitest'
import { canonicalJson } from '../../src/core/domain/canonical-json'
import { newId } from '../../src/core/domain/ids'
import { sha256Hex } from '../../src/core/node/hash'
import { runCli } from '../helpers/cli'
import { tempDir } from '../helpers/temp-db'
import {
  assess,
  cliEnv,
  closeAll,
  deviceIdOf,
  evidenceBytes,
  fileState,
  initialized,
  insertRubric,
  logicalDump,
  open,
  weldingRubric,
} from './fixtures'

afterEach(closeAll)

// Each CLI call is a separate Node process compiling TypeScript (tsx): generous timeouts below.
const cli = (db: string, ...args: string[]) => runCli(['--db', db, ...args], { env: cliEnv })

describe('tessera sync commands (real CLI processes)', () => {
  it('pair, export, import with receipt, receipt back: "all data accounted for"; then an update bundle for the device', async () => {
    const dir = tempDir()
    const hubDb = path.join(dir, 'hub.db')
    const fieldDb = path.join(dir, 'field.db')
    const hub = await initialized(hubDb)
    const { rubricId } = insertRubric(hub)
    hub.close()

    const enroll = cli(
      hubDb,
      'hub',
      'enroll-file',
      '--out',
      path.join(dir, 'enroll.tsb'),
      '--name',
      'Central office',
    )
    expect(enroll.code, enroll.stderr).toBe(0)
    const hubFingerprint = /key fingerprint (.+)$/m.exec(enroll.stdout)![1]!
    // The hub's public issuer keys travel too (credentials, 2/5), so field devices trust what it signs.
    expect(enroll.stdout).toMatch(/Carries: issuer_key 2, achievement 1, rubric 1, rubric_version 1/)

    expect(cli(fieldDb, 'init', '--org-name', 'Northside Skills Trust').code).toBe(0)
    const join = cli(fieldDb, 'hub', 'join', path.join(dir, 'enroll.tsb'), '--name', 'Laptop 7')
    expect(join.code, join.stderr).toBe(0)
    expect(join.stdout).toContain(`Hub key fingerprint ${hubFingerprint}`)
    expect(join.stdout).toMatch(/5 new/) // achievement, rubric, rubric version and the hub's two issuer keys

    const field = open(fieldDb)
    await assess(field, { given: 'Amina', family: 'Yusuf', rubricId, evidence: evidenceBytes('cli') })
    field.close()

    const before = cli(fieldDb, 'sync', 'status')
    expect(before.code).toBe(0)
    expect(before.stdout).toMatch(
      /Not yet acknowledged by the hub: \d+ records .*assessment 1.*, 1 evidence file/,
    )
    const deviceFingerprint = /key fingerprint (.+)$/m.exec(before.stdout)![1]!

    const exp = cli(fieldDb, '--json', 'export', '--out', path.join(dir, 'a.tsb'))
    expect(exp.code, exp.stderr).toBe(0)
    expect(exp.json<{ encrypted: boolean; to: string }>()).toMatchObject({
      encrypted: true,
      to: deviceIdOf(hubDb),
    })
    // Nothing readable in the file: the learner's name is only inside the encrypted body.
    expect(fs.readFileSync(path.join(dir, 'a.tsb'), 'utf8')).not.toContain('Amina')

    const refused = cli(hubDb, 'import', path.join(dir, 'a.tsb'))
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(deviceFingerprint)

    const imp = cli(
      hubDb,
      'import',
      path.join(dir, 'a.tsb'),
      '--trust-device',
      '--receipt',
      path.join(dir, 'a.receipt'),
    )
    expect(imp.code, imp.stderr).toBe(0)
    expect(imp.stdout).toMatch(/\d+ accepted, 0 already held, 0 in conflict/)
    expect(imp.stdout).toContain('Receipt written')

    const again = cli(hubDb, 'import', path.join(dir, 'a.tsb'), '--receipt', path.join(dir, 'a2.receipt'))
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('was imported before: nothing changed')
    expect(fs.readFileSync(path.join(dir, 'a2.receipt'), 'utf8')).toBe(
      fs.readFileSync(path.join(dir, 'a.receipt'), 'utf8'),
    )

    const rec = cli(fieldDb, 'receipt', 'import', path.join(dir, 'a.receipt'))
    expect(rec.code, rec.stderr).toBe(0)
    expect(rec.stdout).toContain('All data accounted for')
    expect(cli(fieldDb, 'sync', 'status').stdout).toContain(
      'All data accounted for: the hub holds every record of this device.',
    )

    // A receipt signed by someone else is refused.
    const forged = path.join(dir, 'forged.receipt')
    const parts = fs.readFileSync(path.join(dir, 'a.receipt'), 'utf8').trim().split('.')
    fs.writeFileSync(
      forged,
      [parts[0], parts[1], parts[2]!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))].join('.'),
    )
    const bad = cli(fieldDb, 'receipt', 'import', forged)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/signature of the receipt is not valid/)

    const devices = cli(hubDb, 'hub', 'devices')
    expect(devices.stdout).toMatch(/trusted field "Laptop 7"/)

    // Hub -> field: a new rubric version travels in an update bundle encrypted for that device.
    const h = open(hubDb)
    const json = canonicalJson({ ...weldingRubric, passing: { minTotal: 70, unit: 'percent' } })
    const now = new Date().toISOString()
    h.ctx.database.sqlite
      .prepare(
        `INSERT INTO rubric_version (id, device_id, created_at, updated_at, rubric_id, version, content, content_hash) VALUES (?, ?, ?, ?, ?, 2, ?, ?)`,
      )
      .run(newId(), h.ctx.deviceId, now, now, rubricId, json, sha256Hex(json))
    h.close()
    const fieldId = deviceIdOf(fieldDb)
    const upd = cli(hubDb, '--json', 'export', '--for-device', fieldId, '--out', path.join(dir, 'update.tsb'))
    expect(upd.code, upd.stderr).toBe(0)
    expect(upd.json<{ type: string; encrypted: boolean }>()).toMatchObject({
      type: 'hub-update',
      encrypted: true,
    })
    const got = cli(fieldDb, '--json', 'import', path.join(dir, 'update.tsb'))
    expect(got.code, got.stderr).toBe(0)
    expect(got.json<{ byKind: Record<string, { accepted: number }> }>().byKind.rubric_version).toEqual({
      accepted: 1,
      duplicate: 1,
      conflict: 0,
    })
    // What came from the hub is not sent back to it.
    expect(cli(fieldDb, 'sync', 'status').stdout).toMatch(
      /Not yet acknowledged by the hub: \d+ records? \(audit \d+\)$/m,
    )

    // Revoked: refused; trusted again: accepted.
    expect(cli(hubDb, 'hub', 'devices', 'revoke', fieldId, '--reason', 'lost').code).toBe(0)
    expect(cli(fieldDb, 'export', '--out', path.join(dir, 'b.tsb')).code).toBe(0)
    expect(cli(hubDb, 'import', path.join(dir, 'b.tsb')).stderr).toMatch(/revoked/)
    expect(cli(hubDb, 'hub', 'devices', 'trust', fieldId).code).toBe(0)
    expect(cli(hubDb, 'import', path.join(dir, 'b.tsb')).code).toBe(0)
    expect(cli(hubDb, 'conflicts', 'list').stdout).toContain('No conflicts.')
    expect(cli(hubDb, 'doctor').code).toBe(0)
  }, 240_000)

  it('--without-evidence sends hashes only; a later export sends the bytes', async () => {
    const dir = tempDir()
    const hub = await initialized(path.join(dir, 'hub.db'))
    const { rubricId } = insertRubric(hub)
    await hub.call('sync.hubEnrollFile', { outFile: path.join(dir, 'enroll.tsb') })
    hub.close()
    const field = await initialized(path.join(dir, 'field.db'))
    await field.call('sync.hubJoin', { file: path.join(dir, 'enroll.tsb') })
    await assess(field, { given: 'Esi', rubricId, evidence: evidenceBytes('slow-link') })
    const light = await field.call('sync.export', {
      outFile: path.join(dir, 'light.tsb'),
      withoutEvidence: true,
    })
    expect(light).toMatchObject({ evidenceFiles: 0, evidenceOmitted: 1 })
    expect(fs.statSync(path.join(dir, 'light.tsb')).size).toBeLessThan(
      fs.statSync(path.join(dir, 'enroll.tsb')).size * 20,
    )
    field.close()
    const h = open(path.join(dir, 'hub.db'))
    await h.call('sync.import', {
      file: path.join(dir, 'light.tsb'),
      trustDevice: true,
      receiptFile: path.join(dir, 'light.receipt'),
    })
    expect(h.ctx.database.sqlite.prepare(`SELECT COUNT(*) AS n FROM evidence`).get()).toEqual({ n: 1 })
    expect(h.ctx.database.sqlite.prepare(`SELECT COUNT(*) AS n FROM blob`).get()).toEqual({ n: 0 })
    h.close()
    const f2 = open(path.join(dir, 'field.db'))
    await f2.call('sync.importReceipt', { file: path.join(dir, 'light.receipt') })
    const s = await f2.call('sync.status', {})
    expect(s).toMatchObject({ allAccountedFor: false, unacknowledged: { evidenceFiles: 1 } })
    // The app holds the database (f2 is open): the CLI export still works, read-only.
    const viaCli = cli(path.join(dir, 'field.db'), '--json', 'export', '--out', path.join(dir, 'bytes.tsb'))
    expect(viaCli.code, viaCli.stderr).toBe(0)
    expect(viaCli.json()).toMatchObject({ evidenceFiles: 1, evidenceOmitted: 0 })
    f2.close()
    const h2 = open(path.join(dir, 'hub.db'))
    const r = await h2.call('sync.import', { file: path.join(dir, 'bytes.tsb') })
    expect(r.byKind.blob).toEqual({ accepted: 1, duplicate: 0, conflict: 0 })
    const ev = h2.ctx.database.sqlite.prepare(`SELECT id FROM evidence`).get() as { id: string }
    expect(Buffer.from((await h2.call('evidence.get', { id: ev.id })).dataBase64, 'base64')).toEqual(
      evidenceBytes('slow-link'),
    )
  }, 60_000)
})

describe('report, backup and restore', () => {
  it('report: one CSV row per assessment with criterion levels (formula cells neutralised); JSON to a file', async () => {
    const dir = tempDir()
    const db = path.join(dir, 'hub.db')
    const t = await initialized(db)
    const { rubricId } = insertRubric(t)
    await assess(t, { given: 'Nguyễn', family: 'Thị Ánh', rubricId })
    await assess(t, { given: '=HYPERLINK("x")', family: 'Test', rubricId, pass: false })
    t.close()
    const csv = cli(db, 'report', '--format', 'csv')
    expect(csv.code, csv.stderr).toBe(0)
    expect(csv.stdout.startsWith('\uFEFF')).toBe(true)
    const parsed = Papa.parse<Record<string, string>>(csv.stdout.slice(1), {
      header: true,
      skipEmptyLines: true,
    })
    expect(parsed.data).toHaveLength(2)
    expect(parsed.meta.fields).toEqual(
      expect.arrayContaining([
        'assessment_id',
        'learner_given_name',
        'result',
        'MIG welding › Joint preparation',
        'MIG welding › Weld bead',
      ]),
    )
    expect(parsed.data[0]).toMatchObject({
      learner_given_name: 'Nguyễn',
      learner_family_name: 'Thị Ánh',
      result: 'pass',
      'MIG welding › Weld bead': 'Expert',
    })
    expect(parsed.data[1]).toMatchObject({
      learner_given_name: `'=HYPERLINK("x")`,
      result: 'fail',
      'MIG welding › Weld bead': 'Not yet',
    })

    const out = path.join(dir, 'report.json')
    expect(cli(db, 'report', '--format', 'json', '--out', out).stdout).toContain('Wrote 2 rows')
    const rows = JSON.parse(fs.readFileSync(out, 'utf8')) as {
      criteria: { criterionId: string; level: string }[]
    }[]
    expect(rows[0]!.criteria).toEqual([
      {
        criterionId: 'prep',
        title: 'Joint preparation',
        levelId: 'competent',
        level: 'Competent',
        comment: '',
      },
      { criterionId: 'bead', title: 'Weld bead', levelId: 'expert', level: 'Expert', comment: '' },
    ])
    expect(cli(db, 'report', '--format', 'csv', '--what', 'credentials').code).toBe(0)
  }, 120_000)

  it('backup works while another process holds the database; restore checks first, keeps a .bak and refuses while locked', async () => {
    const dir = tempDir()
    const db = path.join(dir, 'tessera.db')
    const t = await initialized(db)
    const { rubricId } = insertRubric(t)
    await assess(t, { given: 'Amina', rubricId })
    // The app is running: it holds the write lock.
    const backupFile = path.join(dir, 'backup.db')
    const b = cli(db, 'backup', '--out', backupFile)
    expect(b.code, b.stderr).toBe(0)
    expect(cli(db, 'backup', '--out', backupFile).stderr).toMatch(/already exists/)
    const copy = new Database(backupFile, { readonly: true })
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(copy.prepare(`SELECT COUNT(*) AS n FROM assessment`).get()).toEqual({ n: 1 })
    copy.close()

    // More work after the backup, then restore while the app runs: refused.
    await assess(t, { given: 'Bongani', rubricId })
    const locked = cli(db, 'restore', backupFile)
    expect(locked.code).toBe(1)
    expect(locked.stderr).toMatch(/open in another Tessera process/)
    t.close()

    // A damaged or foreign file is refused before anything is replaced.
    const dumpBefore = logicalDump(db)
    const stateBefore = fileState(db)
    const damaged = path.join(dir, 'damaged.db')
    const bytes = fs.readFileSync(backupFile)
    fs.writeFileSync(damaged, bytes.subarray(0, Math.floor(bytes.length / 2)))
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a database')
    const foreign = path.join(dir, 'foreign.db')
    new Database(foreign).exec('CREATE TABLE t (x)')
    for (const [file, message] of [
      [damaged, /damaged|cannot be opened|not a readable/],
      [path.join(dir, 'notes.txt'), /cannot be opened|not a readable|not a Tessera/],
      [foreign, /not a Tessera database/],
    ] as const) {
      const r = cli(db, 'restore', file)
      expect(r.code, file).toBe(1)
      expect(r.stderr).toMatch(message)
      expect(fileState(db)).toEqual(stateBefore)
    }
    expect(logicalDump(db)).toEqual(dumpBefore)

    const ok = cli(db, '--json', 'restore', backupFile)
    expect(ok.code, ok.stderr).toBe(0)
    const result = ok.json<{ previousKeptAs: string }>()
    expect(fs.existsSync(result.previousKeptAs)).toBe(true)
    expect(logicalDump(result.previousKeptAs)).toEqual(dumpBefore)
    const restored = new Database(db, { readonly: true })
    expect(restored.prepare(`SELECT COUNT(*) AS n FROM assessment`).get()).toEqual({ n: 1 })
    restored.close()
    expect(cli(db, 'doctor').code).toBe(0)
  }, 180_000)
})
