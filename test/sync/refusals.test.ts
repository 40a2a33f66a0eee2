import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli'
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
  syncWorld,
  type SyncWorld,
} from './fixtures'

/**
 * Every bad bundle is refused BEFORE anything is written. "Byte-for-byte unchanged" is checked on
 * the files themselves: the SHA-256 of the .db file and of its -wal file (if any) before and after.
 * The CLI runs are separate processes that open and close the hub database; a process that writes
 * nothing leaves both files identical (closing only checkpoints an empty WAL). A logical dump of
 * every table is compared as well, so a failure message says what changed.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-refuse-'))
let w: SyncWorld
const f: Record<string, string> = {}
let bDevice = ''

beforeAll(async () => {
  w = await syncWorld(dir)
  bDevice = deviceIdOf(w.bFile)
  // A: one bundle the hub accepts (so A is known), one kept for tampering.
  const a = open(w.aFile)
  await assess(a, { given: 'Amina', family: 'Yusuf', rubricId: w.rubricId, evidence: evidenceBytes('a-1') })
  await a.call('sync.export', { outFile: (f.a1 = path.join(dir, 'a1.tsb')) })
  await assess(a, {
    given: 'Bongani',
    family: 'Dlamini',
    rubricId: w.rubricId,
    evidence: evidenceBytes('a-2'),
  })
  await a.call('sync.export', { outFile: (f.a2 = path.join(dir, 'a2.tsb')) })
  // A record damaged on the device (a date that is not a date): the bundle is signed, but invalid.
  const learner = await assess(a, { given: 'Chipo', rubricId: w.rubricId })
  a.ctx.database.sqlite
    .prepare(`UPDATE learner SET created_at = 'last tuesday' WHERE id = ?`)
    .run(learner.learnerId)
  await a.call('sync.export', { outFile: (f.invalid = path.join(dir, 'invalid.tsb')) })
  a.close()
  // B: known, then revoked.
  const b = open(w.bFile)
  await assess(b, { given: 'Dawit', rubricId: w.rubricId })
  await b.call('sync.export', { outFile: (f.b1 = path.join(dir, 'b1.tsb')) })
  await assess(b, { given: 'Esi', rubricId: w.rubricId })
  await b.call('sync.export', { outFile: (f.b2 = path.join(dir, 'b2.tsb')) })
  b.close()
  // C: joined the hub, but the hub never trusted it.
  const c = await initialized(path.join(dir, 'field-c.db'))
  await c.call('sync.hubJoin', { file: w.enrollFile, name: 'Unknown laptop C' })
  await assess(c, { given: 'Farah', rubricId: w.rubricId })
  await c.call('sync.export', { outFile: (f.unknown = path.join(dir, 'c.tsb')) })
  c.close()
  // D: paired with ANOTHER hub, so its bundle is encrypted for that hub.
  const hub2 = await initialized(path.join(dir, 'hub2.db'), 'Other Trust')
  insertRubric(hub2)
  await hub2.call('sync.hubEnrollFile', { outFile: path.join(dir, 'enroll2.tsb') })
  hub2.close()
  const d = await initialized(path.join(dir, 'field-d.db'), 'Other Trust')
  await d.call('sync.hubJoin', { file: path.join(dir, 'enroll2.tsb') })
  const rubricD = d.ctx.database.sqlite.prepare(`SELECT id FROM rubric`).get() as { id: string }
  await assess(d, { given: 'Gloria', rubricId: rubricD.id })
  await d.call('sync.export', { outFile: (f.otherHub = path.join(dir, 'd.tsb')) })
  d.close()

  const hub = open(w.hubFile)
  await hub.call('sync.import', { file: f.a1!, trustDevice: true })
  await hub.call('sync.import', { file: f.b1!, trustDevice: true })
  await hub.call('sync.revokeDevice', { deviceId: bDevice, reason: 'laptop stolen' })
  hub.close()
})

afterEach(closeAll)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function flip(b: Buffer, at: number, mask: number): Buffer {
  b[at] = b[at]! ^ mask
  return b
}

function mutated(name: string, from: string, change: (b: Buffer) => Buffer): string {
  const out = path.join(dir, name)
  fs.writeFileSync(out, change(fs.readFileSync(from)))
  return out
}

/** Runs `tessera import` as a separate process and checks it was refused with the database untouched. */
function expectRefusedByCli(file: string, message: RegExp, extra: string[] = []): void {
  const dumpBefore = logicalDump(w.hubFile)
  const before = fileState(w.hubFile)
  const r = runCli(
    ['--db', w.hubFile, 'import', file, '--receipt', path.join(dir, 'never.receipt'), ...extra],
    { env: cliEnv },
  )
  expect(r.code, r.stderr).toBe(1)
  expect(r.stderr).toMatch(message)
  expect(fileState(w.hubFile)).toEqual(before)
  expect(logicalDump(w.hubFile)).toEqual(dumpBefore)
  expect(fs.existsSync(path.join(dir, 'never.receipt'))).toBe(false)
}

describe('refused bundles leave the hub database byte-for-byte unchanged (real CLI processes)', () => {
  it('one flipped byte', () => {
    const bytes = fs.readFileSync(f.a2!)
    const at = Math.floor(bytes.indexOf(0x0a) + (bytes.length - bytes.indexOf(0x0a)) / 3)
    expectRefusedByCli(
      mutated('flipped.tsb', f.a2!, (b) => flip(b, at, 0x01)),
      /altered|damaged/,
    )
  })

  it('a truncated bundle', () => {
    expectRefusedByCli(
      mutated('truncated.tsb', f.a2!, (b) => b.subarray(0, Math.floor(b.length * 0.6))),
      /truncated|damaged|altered/,
    )
  })

  it('a bundle from an unknown device (until trusted explicitly)', () => {
    expectRefusedByCli(f.unknown!, /unknown device "Unknown laptop C".*fingerprint .*--trust-device/s)
  })

  it('a bundle from a revoked device, even with --trust-device', () => {
    expectRefusedByCli(f.b2!, /revoked.*laptop stolen/, ['--trust-device'])
  })

  it('a bundle encrypted for another hub', () => {
    expectRefusedByCli(f.otherHub!, /encrypted for another installation/, ['--trust-device'])
  })

  it('a bundle with an invalid record names the record and the field', () => {
    expectRefusedByCli(f.invalid!, /invalid records/)
    const r = runCli(['--db', w.hubFile, '--json', 'import', f.invalid!], { env: cliEnv })
    const err = r.json<{
      ok: false
      error: { code: string; issues: { path: (string | number)[]; message: string }[] }
    }>().error
    expect(err.code).toBe('validation')
    expect(err.issues).toContainEqual({
      path: ['records', expect.any(Number), expect.stringMatching(/^learner /), 'created_at'],
      message: 'must be an ISO date-time',
    })
  })
})

describe('tampering anywhere in the file is caught (in-process, many positions)', () => {
  it('a flipped byte at any of 40 positions, or any truncation, is refused and nothing changes', async () => {
    const hub = open(w.hubFile)
    const before = { ...fileState(w.hubFile), dump: logicalDump(w.hubFile) }
    const bytes = fs.readFileSync(f.a2!)
    const positions = Array.from({ length: 40 }, (_, i) => Math.floor((i * (bytes.length - 1)) / 39))
    for (const at of positions) {
      const file = mutated(`flip-${at}.tsb`, f.a2!, (b) => flip(b, at, 0x20))
      await expect(
        hub.call('sync.import', { file, trustDevice: true }),
        `flip at ${at}`,
      ).rejects.toMatchObject({
        code: expect.stringMatching(/check_failed|validation|forbidden/),
      })
    }
    for (const keep of [0, 10, bytes.indexOf(0x0a) + 1, Math.floor(bytes.length / 2), bytes.length - 2]) {
      const file = mutated(`cut-${keep}.tsb`, f.a2!, (b) => b.subarray(0, keep))
      await expect(
        hub.call('sync.import', { file, trustDevice: true }),
        `cut at ${keep}`,
      ).rejects.toMatchObject({ code: 'check_failed' })
    }
    expect(fileState(w.hubFile)).toEqual({ db: before.db, wal: before.wal })
    hub.close()
    expect(logicalDump(w.hubFile)).toEqual(before.dump)
  })

  it('the untampered bundle is then accepted, and an unknown device once trusted explicitly', async () => {
    const hub = open(w.hubFile)
    expect((await hub.call('sync.import', { file: f.a2! })).counts.accepted).toBeGreaterThan(0)
    const c = await hub.call('sync.import', { file: f.unknown!, trustDevice: true })
    expect(c.trustedNewDevice).toBe(true)
    expect((await hub.call('sync.listDevices', {})).map((d) => d.name).sort()).toEqual([
      'Field laptop A',
      'Field laptop B',
      'Unknown laptop C',
    ])
    hub.close()
  })

  it('an export never changes the field database (after its keys exist)', () => {
    const before = fileState(w.aFile)
    const r = runCli(['--db', w.aFile, 'export', '--out', path.join(dir, 'again.tsb')], { env: cliEnv })
    expect(r.code, r.stderr).toBe(0)
    expect(fileState(w.aFile)).toEqual(before)
  })
})
