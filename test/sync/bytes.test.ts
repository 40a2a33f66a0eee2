import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TesseraError } from '../../src/contract/errors'
import { SYNC_UI_MAX_BYTES } from '../../src/contract/ops/sync-bytes'
import type { Tessera } from '../../src/core/app'
import { DEFAULT_MAX_BODY_BYTES } from '../../src/server/http-handler'
import {
  assess,
  closeAll,
  evidenceBytes,
  fileState,
  initialized,
  insertRubric,
  logicalDump,
} from './fixtures'

/**
 * The byte ops the UI uses (a browser has the files on its side): field → hub → receipt → field,
 * through base64 only, over the same services as the file ops. Real database files.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bytes-'))
const hubFile = path.join(dir, 'hub.db')
const fieldFile = path.join(dir, 'field.db')
let hub: Tessera
let field: Tessera
let rubricId = ''

const tempLeftovers = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('tessera-sync-ui-'))

beforeAll(async () => {
  hub = await initialized(hubFile)
  rubricId = insertRubric(hub).rubricId
  field = await initialized(fieldFile)
})

afterAll(() => {
  closeAll()
  fs.rmSync(dir, { recursive: true, force: true })
})

const expectError = async (p: Promise<unknown>, code: string, message: RegExp): Promise<TesseraError> => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(TesseraError)
  expect((e as TesseraError).code).toBe(code)
  expect((e as TesseraError).message).toMatch(message)
  return e as TesseraError
}

describe('sync byte ops', () => {
  let bundle = ''
  let receipt = ''

  it('pairs a field device with a hub through the enrollment file as bytes', async () => {
    const before = tempLeftovers()
    const enroll = await hub.call('sync.hubEnrollBytes', { name: 'Central office' })
    expect(enroll.file.fileName).toMatch(/^tessera-hub-enrollment-\d{4}-\d{2}-\d{2}\.bundle$/)
    expect(enroll.counts).toMatchObject({ rubric: 1 })
    const joined = await field.call('sync.hubJoinBytes', {
      dataBase64: enroll.file.dataBase64,
      name: 'Field laptop',
    })
    expect(joined).toMatchObject({ hubName: 'Central office', alreadyPaired: false })
    expect(joined.fingerprint).toBe(enroll.fingerprint)
    expect((await field.call('sync.status', {})).hub?.name).toBe('Central office')
    expect(tempLeftovers()).toEqual(before) // every temporary file went away
  })

  it('exports the field data as bytes, with the same summary as sync.export', async () => {
    await assess(field, { given: 'Amina', family: 'Yusuf', rubricId, evidence: evidenceBytes('amina') })
    await assess(field, { given: 'Bongani', family: 'Dlamini', rubricId, pass: false })
    const status = await field.call('sync.status', {})
    expect(status.allAccountedFor).toBe(false)
    expect(status.unacknowledged.evidenceFiles).toBe(1)
    const before = tempLeftovers()
    const events: string[] = []
    const out = await field.call('sync.exportBytes', {}, { progress: (e) => events.push(e.step) })
    expect(out).toMatchObject({ type: 'field-export', encrypted: true, evidenceFiles: 1, evidenceOmitted: 0 })
    expect(out.counts).toMatchObject({ assessment: 2 })
    expect(out.file.fileName).toMatch(/^tessera-export-\d{4}-\d{2}-\d{2}-\w{8}\.bundle$/)
    const bytes = Buffer.from(out.file.dataBase64, 'base64')
    expect(bytes.length).toBe(out.bytes)
    expect(events.length).toBeGreaterThan(0)
    expect(tempLeftovers()).toEqual(before)
    bundle = out.file.dataBase64
  })

  it('refuses a bundle with one flipped byte and changes nothing at the hub', async () => {
    const bytes = Buffer.from(bundle, 'base64')
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01
    const dumpBefore = logicalDump(hubFile)
    const e = await expectError(
      hub.call('sync.importBytes', { dataBase64: bytes.toString('base64'), trustDevice: true }),
      'check_failed',
      /./,
    )
    expect(e.message).not.toContain('tessera-sync-ui-') // no temporary path in what the person reads
    expect(logicalDump(hubFile)).toBe(dumpBefore)
  })

  it('refuses a bundle from an unknown device unless trusted explicitly, then imports it with a receipt', async () => {
    const dumpBefore = logicalDump(hubFile)
    const e = await expectError(
      hub.call('sync.importBytes', { dataBase64: bundle }),
      'forbidden',
      /unknown device "Field laptop"/,
    )
    expect(e.details?.fingerprint).toBe((await field.call('sync.status', {})).fingerprint)
    expect(logicalDump(hubFile)).toBe(dumpBefore)

    const report = await hub.call('sync.importBytes', { dataBase64: bundle, trustDevice: true })
    expect(report).toMatchObject({
      alreadyImported: false,
      trustedNewDevice: true,
      from: { name: 'Field laptop' },
    })
    expect(report.counts.accepted).toBeGreaterThan(0)
    expect(report.counts.conflict).toBe(0)
    expect(report.byKind.assessment).toEqual({ accepted: 2, duplicate: 0, conflict: 0 })
    expect(report.receipt?.fileName).toMatch(/\.receipt$/)
    receipt = report.receipt!.dataBase64
    expect(Buffer.from(receipt, 'base64').toString('utf8')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\s*$/) // a compact JWS
  })

  it('imports the same bundle again as a no-op and hands out the same receipt', async () => {
    const dumpBefore = logicalDump(hubFile)
    const again = await hub.call('sync.importBytes', { dataBase64: bundle })
    expect(again.alreadyImported).toBe(true)
    expect(again.receipt?.dataBase64).toBe(receipt)
    expect(logicalDump(hubFile)).toBe(dumpBefore)
  })

  it('takes the receipt back: the field device has all data accounted for', async () => {
    const r = await field.call('sync.importReceiptBytes', { dataBase64: receipt })
    expect(r).toMatchObject({ alreadyImported: false, stillUnacknowledged: 0 })
    const status = await field.call('sync.status', {})
    expect(status.allAccountedFor).toBe(true)
    expect(status.unacknowledged.total).toBe(0)
    expect(status.lastReceipt?.receiptId).toBe(r.receiptId)
  })

  it('refuses a damaged receipt and leaves the field device as it was', async () => {
    const state = fileState(fieldFile)
    const text = Buffer.from(receipt, 'base64').toString('utf8').trim()
    const damaged = text.slice(0, -3) + (text.endsWith('A') ? 'BBB' : 'AAA')
    await expect(
      field.call('sync.importReceiptBytes', { dataBase64: Buffer.from(damaged).toString('base64') }),
    ).rejects.toBeInstanceOf(TesseraError)
    expect(fileState(fieldFile)).toEqual(state)
  })
})

describe('the size limit of the UI path', () => {
  it('fits, as base64 inside JSON, under the HTTP server’s body limit', () => {
    const base64Length = Math.ceil(SYNC_UI_MAX_BYTES / 3) * 4
    expect(base64Length + 1024).toBeLessThan(DEFAULT_MAX_BODY_BYTES)
  })

  it('refuses a larger bundle with a message that points to the command line', async () => {
    const big = Buffer.alloc(SYNC_UI_MAX_BYTES + 1, 7).toString('base64')
    const e = await expectError(
      hub.call('sync.importBytes', { dataBase64: big }),
      'validation',
      /larger than the 28\.0 MB the app can carry.*tessera import FILE/,
    )
    expect(e.details).toMatchObject({ bytes: SYNC_UI_MAX_BYTES + 1 })
  })
})
