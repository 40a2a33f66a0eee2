import fs from 'node:fs'
import path from 'node:path'
import { CompactEncrypt, CompactSign, compactDecrypt, compactVerify, importJWK } from 'jose'
import { afterEach, expect, it } from 'vitest'
import { sha256Hex } from '../../src/core/node/hash'
import { unlockIdentity } from '../../src/core/sync/device-keys'
import { assess, closeAll, evidenceBytes, fileState, open, syncWorld } from './fixtures'

afterEach(closeAll)

/**
 * Evidence parts (one compact JWE per line) and receipts (a compact JWS) through the whole import
 * and receipt paths, against the jose library as the independent implementation: jose reads what
 * Tessera writes, Tessera reads what jose writes (evidence lines as the earlier jose-based writer
 * made them, receipts as any standard signer makes them), and tampered ones are refused with nothing
 * written. src/core/sync/jose-bytes.ts is the code under test; test/sync/jose-bytes.test.ts checks
 * it part by part.
 */
it('evidence JWE and receipt JWS interoperate with jose both ways; tampered ones are refused', async () => {
  const w = await syncWorld()
  const evidence = [evidenceBytes('interop-1'), evidenceBytes('interop-2')]
  const a = open(w.aFile)
  await assess(a, { given: 'Amina', family: 'Yusuf', rubricId: w.rubricId, evidence: evidence[0] })
  await assess(a, { given: 'Bongani', rubricId: w.rubricId, evidence: evidence[1] })
  const written = path.join(w.dir, 'a1.tsb')
  await a.call('sync.export', { outFile: written })
  a.close()

  const hub = open(w.hubFile)
  const hubKeys = await unlockIdentity(hub.ctx)
  const lines = fs.readFileSync(written, 'latin1').split('\n')
  expect(JSON.parse(lines[0]!)).toMatchObject({ encrypted: true })
  const evidenceLines = lines.slice(2).filter((l) => l.length > 0)
  expect(evidenceLines).toHaveLength(2)

  // jose decrypts the evidence parts Tessera wrote.
  const plaintexts: Buffer[] = []
  for (const line of evidenceLines) {
    const r = await compactDecrypt(line, hubKeys.decryptKey, {
      keyManagementAlgorithms: ['ECDH-ES'],
      contentEncryptionAlgorithms: ['A256GCM'],
    })
    expect(r.protectedHeader).toMatchObject({ alg: 'ECDH-ES', enc: 'A256GCM', kid: hubKeys.encryptJwk.kid })
    plaintexts.push(Buffer.from(r.plaintext))
  }
  expect(plaintexts.map(sha256Hex).sort()).toEqual(evidence.map(sha256Hex).sort())

  // The same bundle with its evidence lines encrypted by jose (the earlier writer): the body and its
  // signature are untouched; each line is bound to the signed manifest by its plaintext's hash.
  const hubEncryptKey = await importJWK(hubKeys.encryptJwk, 'ECDH-ES')
  const byJose: string[] = []
  for (const bytes of plaintexts)
    byJose.push(
      await new CompactEncrypt(bytes)
        .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: hubKeys.encryptJwk.kid })
        .encrypt(hubEncryptKey),
    )
  const joseBundle = path.join(w.dir, 'a1-jose-evidence.tsb')
  fs.writeFileSync(joseBundle, [lines[0], lines[1], ...byJose, ''].join('\n'), 'latin1')

  // Tampered copies: one byte of one evidence part's header, IV, ciphertext or tag.
  const flipAt = (s: string, at: number): string =>
    s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1)
  const [h, ek, iv, ct, tag] = byJose[1]!.split('.') as [string, string, string, string, string]
  const tampered: [string, string][] = [
    ['header', [flipAt(h, 12), ek, iv, ct, tag].join('.')],
    ['iv', [h, ek, flipAt(iv, 2), ct, tag].join('.')],
    ['ciphertext', [h, ek, iv, flipAt(ct, 7), tag].join('.')],
    ['tag', [h, ek, iv, ct, flipAt(tag, 4)].join('.')],
  ]
  hub.close()
  const before = fileState(w.hubFile)
  for (const [what, line] of tampered) {
    const file = path.join(w.dir, `a1-tampered-${what}.tsb`)
    fs.writeFileSync(file, [lines[0], lines[1], byJose[0], line, ''].join('\n'), 'latin1')
    const h2 = open(w.hubFile)
    await expect(
      h2.call('sync.import', { file, trustDevice: true, receiptFile: path.join(w.dir, 'never.receipt') }),
      what,
    ).rejects.toMatchObject({
      code: 'check_failed',
      message: expect.stringContaining('An evidence part of the bundle cannot be decrypted'),
    })
    h2.close()
    expect(fileState(w.hubFile), what).toEqual(before)
  }
  expect(fs.existsSync(path.join(w.dir, 'never.receipt'))).toBe(false)

  const receiptFile = path.join(w.dir, 'a1.receipt')
  const hub2 = open(w.hubFile)
  const imported = await hub2.call('sync.import', { file: joseBundle, trustDevice: true, receiptFile })
  expect(imported.alreadyImported).toBe(false)
  const held = hub2.ctx.database.sqlite.prepare(`SELECT sha256, data FROM blob`).all() as {
    sha256: string
    data: Buffer
  }[]
  for (const bytes of evidence)
    expect(held.find((b) => b.sha256 === sha256Hex(bytes))?.data.equals(bytes), 'evidence stored').toBe(true)
  hub2.close()

  // jose verifies the receipt Tessera signed.
  const receipt = fs.readFileSync(receiptFile, 'utf8').trim()
  const hubVerifyKey = await importJWK(hubKeys.signJwk, 'EdDSA')
  const verified = await compactVerify(receipt, hubVerifyKey, { algorithms: ['EdDSA'] })
  expect(verified.protectedHeader).toEqual({
    alg: 'EdDSA',
    kid: hubKeys.signJwk.kid,
    typ: 'tessera-sync-receipt+jws',
  })
  const payload = JSON.parse(Buffer.from(verified.payload).toString('utf8')) as Record<string, unknown>
  expect(payload).toMatchObject({ format: 'tessera.sync-receipt', bundleId: imported.bundleId })

  // Receipts signed by jose: the right one is taken; tampered or mis-typed ones are refused first.
  const joseSign = (header: Record<string, unknown>, key = hubKeys.signKey, body = verified.payload) =>
    new CompactSign(body).setProtectedHeader({ alg: 'EdDSA', ...header }).sign(key)
  const kid = hubKeys.signJwk.kid
  const typ = 'tessera-sync-receipt+jws'
  const field = open(w.aFile)
  const fieldKeys = await unlockIdentity(field.ctx)
  field.close()
  const good = await joseSign({ kid, typ })
  const [rh, rp, rs] = good.split('.') as [string, string, string]
  const badReceipts: [string, string, RegExp][] = [
    ['payload byte', `${rh}.${flipAt(rp, 30)}.${rs}`, /not valid: it was altered or damaged/],
    ['signature byte', `${rh}.${rp}.${flipAt(rs, 10)}`, /not valid: it was altered or damaged/],
    ['header byte', `${flipAt(rh, 8)}.${rp}.${rs}`, /receipt|signature/],
    ['signed by another key', await joseSign({ kid, typ }, fieldKeys.signKey), /not valid/],
    ['another type', await joseSign({ kid, typ: 'tessera-sync-bundle+jws' }), /not a Tessera sync receipt/],
    ['no type', await joseSign({ kid }), /not a Tessera sync receipt/],
  ]
  const fieldBefore = fileState(w.aFile)
  for (const [what, text, message] of badReceipts) {
    const file = path.join(w.dir, 'bad.receipt')
    fs.writeFileSync(file, text)
    const f = open(w.aFile)
    await expect(f.call('sync.importReceipt', { file }), what).rejects.toMatchObject({
      code: 'check_failed',
      message: expect.stringMatching(message),
    })
    f.close()
    expect(fileState(w.aFile), what).toEqual(fieldBefore)
  }

  const f = open(w.aFile)
  const joseReceipt = path.join(w.dir, 'jose.receipt')
  fs.writeFileSync(joseReceipt, `${good}\n`)
  const first = await f.call('sync.importReceipt', { file: joseReceipt })
  expect(first).toMatchObject({ bundleId: imported.bundleId, alreadyImported: false, stillUnacknowledged: 0 })
  // Tessera's own receipt (the same payload, so the same receipt id) verifies too.
  expect(await f.call('sync.importReceipt', { file: receiptFile })).toMatchObject({ alreadyImported: true })
})
