import { CompactSign, importJWK } from 'jose'
import { base58, base64urlnopad } from '@scure/base'
import { beforeAll, describe, expect, it } from 'vitest'
import { bakePng, bakeSvg } from '../../src/core/credentials/bake'
import { signDocument } from '../../src/core/credentials/data-integrity'
import { defaultBadgePng } from '../../src/core/credentials/default-badge'
import { buildOpenBadgeCredential, type OpenBadgeCredential } from '../../src/core/credentials/ob3-builder'
import { signQrToken } from '../../src/core/credentials/qr-token'
import { signStatusListCredential } from '../../src/core/credentials/status-list'
import { decodeVcJwt, signVcJwt } from '../../src/core/credentials/vc-jwt'
import { generateIssuerKeys, issuerIdOf, type IssuerKeys } from '../../src/core/crypto/keys'
import {
  verifyCredential,
  type CheckName,
  type VerificationReport,
  type VerifyOptions,
} from '../../src/core/verify/verify'
import { DURING, ownTrust, sampleBadgeInput, testKeys } from './fixtures'

// Tests reach deep into credential JSON; typing every path would hide the intent.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>
const LIST_URL = 'https://status.northside.example/lists/1'

const check = (r: VerificationReport, name: CheckName) => r.checks.find((c) => c.name === name)!
const failed = (r: VerificationReport): CheckName[] =>
  r.checks.filter((c) => c.status === 'failed').map((c) => c.name)

let keys: IssuerKeys
let unsigned: OpenBadgeCredential
let signed: Obj
let options: VerifyOptions

beforeAll(async () => {
  keys = await testKeys()
  unsigned = buildOpenBadgeCredential(await sampleBadgeInput())
  signed = await signDocument(unsigned, keys.ed25519.privateJwk, {
    created: new Date('2025-03-14T10:32:00Z'),
  })
  options = { now: DURING, trustedIssuers: await ownTrust() }
})

describe('verifyCredential: JSON credentials with a Data Integrity proof', () => {
  it('verifies an own credential: every check passes except status (no list held)', async () => {
    const r = await verifyCredential(signed, { ...options, recipientEmail: 'MAI.NGUYEN@example.org' })
    expect(r.verified).toBe(true)
    expect(r.kind).toBe('json')
    expect(r.checks.map((c) => [c.name, c.status])).toEqual([
      ['format', 'passed'],
      ['schema', 'passed'],
      ['proof', 'passed'],
      ['dates', 'passed'],
      ['status', 'warning'],
      ['rubric', 'passed'],
      ['issuer', 'passed'],
      ['recipient', 'passed'],
    ])
    expect(r.issuer).toEqual({ id: issuerIdOf(keys.ed25519), name: 'Northside Skills Trust', trusted: true })
    // JSON text and bytes give the same verdict.
    expect((await verifyCredential(JSON.stringify(signed), options)).verified).toBe(true)
    expect((await verifyCredential(new TextEncoder().encode(JSON.stringify(signed)), options)).verified).toBe(
      true,
    )
  })

  const tampers: [string, (c: Obj) => void][] = [
    ['the learner name', (c) => (c.credentialSubject.givenName = 'Mallory')],
    [
      'an achieved level',
      (c) =>
        (c.credentialSubject.result[2].achievedLevel =
          c.credentialSubject.achievement.resultDescription[2].rubricCriterionLevel[3].id),
    ],
    ['the total', (c) => (c.credentialSubject.result[3].value = '8')],
    ['the issuer name', (c) => (c.issuer.name = 'Other Trust')],
    ['validUntil', (c) => (c.validUntil = '2099-01-01T00:00:00Z')],
    ['the evidence digest', (c) => (c.evidence[0].digestSRI = 'sha256-' + 'A'.repeat(43) + '=')],
    [
      'a level description',
      (c) => (c.credentialSubject.achievement.resultDescription[0].rubricCriterionLevel[0].description = 'x'),
    ],
    ['the status index', (c) => (c.credentialStatus.statusListIndex = '4212')],
    ['the proof date', (c) => (c.proof[0].created = '2025-03-15T10:32:00Z')],
  ]
  it.each(tampers)('changing %s breaks the proof', async (_what, mutate) => {
    const c = structuredClone(signed)
    mutate(c)
    const r = await verifyCredential(c, options)
    expect(r.verified).toBe(false)
    expect(check(r, 'proof')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/signature does not match/),
    })
  })

  it('a flipped signature byte or a truncated signature fails the proof', async () => {
    const c = structuredClone(signed)
    const sig = base58.decode(c.proof[0].proofValue.slice(1))
    sig[0] = sig[0]! ^ 1
    c.proof[0].proofValue = 'z' + base58.encode(sig)
    expect(check(await verifyCredential(c, options), 'proof').status).toBe('failed')
    c.proof[0].proofValue = 'z' + base58.encode(sig.slice(0, 63))
    expect(check(await verifyCredential(c, options), 'proof').message).toMatch(/64-byte/)
    const none = structuredClone(signed)
    delete none.proof
    expect(check(await verifyCredential(none, options), 'proof').message).toMatch(/no embedded proof/)
  })

  it('another key: re-signed by a stranger in our name is refused; as themselves it is a third-party credential', async () => {
    const stranger = await generateIssuerKeys()
    // Signed with the stranger's key but still naming our did:key as issuer.
    const forged = await signDocument(unsigned, stranger.ed25519.privateJwk)
    const r1 = await verifyCredential(forged, options)
    expect(r1.verified).toBe(false)
    expect(check(r1, 'proof')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/not by the issuer's own key/),
    })
    // Pointing the proof at our key with the stranger's signature.
    const swapped = structuredClone(forged) as Obj
    swapped.proof[0].verificationMethod = signed.proof[0].verificationMethod
    expect(check(await verifyCredential(swapped, options), 'proof').status).toBe('failed')
    // The stranger issuing as themselves: valid signature, untrusted issuer.
    const own = await signDocument(
      { ...unsigned, issuer: { ...unsigned.issuer, id: issuerIdOf(stranger.ed25519) } },
      stranger.ed25519.privateJwk,
    )
    const r2 = await verifyCredential(own, options)
    expect(r2.verified).toBe(true)
    expect(check(r2, 'issuer')).toMatchObject({
      status: 'warning',
      message: expect.stringMatching(/Third-party credential/),
    })
    expect((await verifyCredential(own, { ...options, requireTrustedIssuer: true })).verified).toBe(false)
  })

  it('a trusted URL issuer signed with a key it does not use is an impersonation', async () => {
    const stranger = await generateIssuerKeys()
    const url = 'https://northside.example/issuer'
    const c = { ...unsigned, issuer: { ...unsigned.issuer, id: url } }
    const s = await signDocument(c, stranger.ed25519.privateJwk, {
      verificationMethod: `${url}#${issuerIdOf(stranger.ed25519).slice(8)}`,
    })
    const r = await verifyCredential(s, {
      ...options,
      trustedIssuers: [{ id: url, name: 'Northside', publicJwks: [keys.ed25519.publicJwk] }],
    })
    expect(r.verified).toBe(false)
    expect(check(r, 'issuer')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/claims to come from Northside/),
    })
    const ok = await signDocument(c, keys.ed25519.privateJwk, {
      verificationMethod: `${url}#${issuerIdOf(keys.ed25519).slice(8)}`,
    })
    const r2 = await verifyCredential(ok, {
      ...options,
      trustedIssuers: [{ id: url, name: 'Northside', publicJwks: [keys.ed25519.publicJwk] }],
    })
    expect(r2.verified).toBe(true)
    expect(r2.issuer?.trusted).toBe(true)
  })

  it('expired and not-yet-valid credentials fail the dates check with the reason', async () => {
    const late = await verifyCredential(signed, { ...options, now: new Date('2028-03-14T10:32:01Z') })
    expect(late.verified).toBe(false)
    expect(failed(late)).toEqual(['dates'])
    expect(check(late, 'dates').message).toMatch(/^Expired on 2028-03-14T10:32:00/)
    const early = await verifyCredential(signed, { ...options, now: new Date('2025-03-14T10:31:59Z') })
    expect(failed(early)).toEqual(['dates'])
    expect(check(early, 'dates').message).toMatch(/^Not yet valid: valid from 2025-03-14T10:32:00/)
  })

  it('status: revoked and suspended fail, a clear bit passes, an expired list warns, a foreign list fails', async () => {
    const issuer = issuerIdOf(keys.ed25519)
    const list = (bits: number[], extra: { validUntil?: Date } = {}) =>
      signStatusListCredential(
        { listUrl: LIST_URL, issuer, bits, validFrom: new Date('2025-06-01T00:00:00Z'), ...extra },
        keys.ed25519.privateJwk,
      )

    const revoked = await verifyCredential(signed, {
      ...options,
      statusLists: [{ credential: await list([4211]) }],
    })
    expect(revoked.verified).toBe(false)
    expect(failed(revoked)).toEqual(['status'])
    expect(check(revoked, 'status').message).toBe('Revoked by the issuer (list of 2025-06-01T00:00:00Z)')

    const fine = await verifyCredential(signed, {
      ...options,
      statusLists: [{ credential: await list([4210, 4212]) }],
    })
    expect(fine.verified).toBe(true)
    expect(check(fine, 'status')).toMatchObject({
      status: 'passed',
      message: 'Not revoked (list of 2025-06-01T00:00:00Z)',
    })

    const stale = await verifyCredential(signed, {
      ...options,
      statusLists: [{ credential: await list([], { validUntil: new Date('2025-07-01T00:00:00Z') }) }],
    })
    expect(check(stale, 'status')).toMatchObject({
      status: 'warning',
      message: expect.stringMatching(/list expired on 2025-07-01.*sync/),
    })
    expect(stale.verified).toBe(true)

    const stranger = await generateIssuerKeys()
    const foreign = await signStatusListCredential(
      { listUrl: LIST_URL, issuer: issuerIdOf(stranger.ed25519), bits: [] },
      stranger.ed25519.privateJwk,
    )
    const r = await verifyCredential(signed, { ...options, statusLists: [{ credential: foreign }] })
    expect(check(r, 'status')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/neither the credential's signer nor trusted/),
    })

    const tamperedList = structuredClone(await list([])) as Obj
    tamperedList.validUntil = '2099-01-01T00:00:00Z'
    const t = await verifyCredential(signed, { ...options, statusLists: [{ credential: tamperedList }] })
    expect(check(t, 'status')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/status list's signature is invalid/),
    })

    const suspendable = await signDocument(
      buildOpenBadgeCredential(
        await sampleBadgeInput({}, { status: { listUrl: LIST_URL, index: 7, purpose: 'suspension' } }),
      ),
      keys.ed25519.privateJwk,
    )
    const suspList = await signStatusListCredential(
      { listUrl: LIST_URL, issuer, bits: [7], purpose: 'suspension' },
      keys.ed25519.privateJwk,
    )
    const s = await verifyCredential(suspendable, { ...options, statusLists: [{ credential: suspList }] })
    expect(check(s, 'status')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/^Suspended/),
    })
    // A revocation list does not answer a suspension entry.
    const wrongPurpose = await verifyCredential(suspendable, {
      ...options,
      statusLists: [{ credential: await list([]) }],
    })
    expect(check(wrongPurpose, 'status').status).toBe('failed')
  })

  it('rubric inconsistencies are reported by name even when re-signed by the issuer', async () => {
    const bad = structuredClone(unsigned) as Obj
    bad.credentialSubject.result[0].achievedLevel =
      bad.credentialSubject.achievement.resultDescription[1].rubricCriterionLevel[0].id
    const r = await verifyCredential(await signDocument(bad, keys.ed25519.privateJwk), options)
    expect(r.verified).toBe(false)
    expect(failed(r)).toEqual(['rubric'])
    expect(check(r, 'rubric').message).toMatch(/rule 2/)
  })

  it('schema and JSON-LD problems fail the schema check, even when signed', async () => {
    const noSubjectId = structuredClone(unsigned) as Obj
    delete noSubjectId.credentialSubject.id
    delete noSubjectId.credentialSubject.identifier
    const r1 = await verifyCredential(await signDocument(noSubjectId, keys.ed25519.privateJwk), options)
    expect(failed(r1)).toEqual(['schema'])
    expect(check(r1, 'schema').message).toMatch(/needs an id or at least one identifier/)

    const undefinedTerm = { ...structuredClone(unsigned), favouriteColour: 'green' } as Obj
    const r2 = await verifyCredential({ ...undefinedTerm, proof: signed.proof }, options)
    expect(r2.verified).toBe(false)
    expect(check(r2, 'schema')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/safe mode.*favouriteColour/),
    })
    expect(check(r2, 'proof').status).toBe('failed')
  })

  it('recipient: a different email fails, no email skips', async () => {
    const r = await verifyCredential(signed, { ...options, recipientEmail: 'someone.else@example.org' })
    expect(r.verified).toBe(false)
    expect(failed(r)).toEqual(['recipient'])
    expect(check(await verifyCredential(signed, options), 'recipient').status).toBe('skipped')
  })

  it('garbage input yields a report, not an exception', async () => {
    for (const input of ['hello', '{not json', '<html/>', new Uint8Array([0xff, 0xfe, 0x00]), { foo: 1 }]) {
      const r = await verifyCredential(input as never, options)
      expect(r.verified).toBe(false)
      expect(r.checks.some((c) => c.status === 'failed')).toBe(true)
    }
  })
})

describe('verifyCredential: VC-JWT', () => {
  it('round-trips: ES256, typ JWT, public jwk in the header, claims mirror the credential', async () => {
    const jwt = await signVcJwt(unsigned, keys.p256)
    const { header, payload, credential } = decodeVcJwt(jwt)
    expect(header).toEqual({
      alg: 'ES256',
      typ: 'JWT',
      jwk: { kty: 'EC', crv: 'P-256', x: keys.p256.publicJwk.x, y: keys.p256.publicJwk.y },
    })
    expect(payload).toMatchObject({
      iss: unsigned.issuer.id,
      sub: (unsigned.credentialSubject as Obj).id,
      jti: unsigned.id,
      nbf: Date.parse('2025-03-14T10:32:00Z') / 1000,
      exp: Date.parse('2028-03-14T10:32:00Z') / 1000,
    })
    expect(credential).toEqual(unsigned)
    const r = await verifyCredential(jwt, options)
    expect(r.kind).toBe('jwt')
    expect(r.verified).toBe(true)
    expect(check(r, 'issuer').status).toBe('passed')
    expect(r.credential).toEqual(unsigned)
  })

  it('rejects alg none, HS256 and algorithms outside the allow-list', async () => {
    const jwt = await signVcJwt(unsigned, keys.p256)
    const [, p] = jwt.split('.')
    const enc = (o: object) => base64urlnopad.encode(new TextEncoder().encode(JSON.stringify(o)))
    const none = `${enc({ alg: 'none', typ: 'JWT' })}.${p}.`
    const rNone = await verifyCredential(none, options)
    expect(rNone.verified).toBe(false)
    expect(check(rNone, 'proof')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/alg "none" is not allowed/),
    })

    const secret = new TextEncoder().encode('x'.repeat(32))
    const hs = await new CompactSign(new TextEncoder().encode(JSON.stringify(decodeVcJwt(jwt).payload)))
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(secret)
    expect(check(await verifyCredential(hs, options), 'proof').message).toMatch(/alg "HS256" is not allowed/)

    // alg swapped in the header (ES256 → ES384) without re-signing.
    const [, p2, s2] = jwt.split('.')
    const swapped = `${enc({ ...decodeVcJwt(jwt).header, alg: 'ES384' })}.${p2}.${s2}`
    expect(
      check(await verifyCredential(swapped, { ...options, jwtAlgorithms: ['ES256', 'ES384'] }), 'proof')
        .status,
    ).toBe('failed')
    expect((await verifyCredential(jwt, { ...options, jwtAlgorithms: ['RS256'] })).verified).toBe(false)
  })

  it('a changed payload or a different key fails; claims must agree with the credential', async () => {
    const jwt = await signVcJwt(unsigned, keys.p256)
    const [h, p, s] = jwt.split('.') as [string, string, string]
    const payload = JSON.parse(new TextDecoder().decode(base64urlnopad.decode(p)))
    payload.credentialSubject.givenName = 'Mallory'
    const altered = `${h}.${base64urlnopad.encode(new TextEncoder().encode(JSON.stringify(payload)))}.${s}`
    expect(check(await verifyCredential(altered, options), 'proof')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/signature does not match/),
    })

    // A stranger signs with their own key in the header: valid JWT, but not our key → impersonation.
    const stranger = await generateIssuerKeys()
    const forged = await signVcJwt(unsigned, stranger.p256)
    const r = await verifyCredential(forged, options)
    expect(r.verified).toBe(false)
    expect(check(r, 'issuer')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/key that issuer does not use/),
    })

    // Claims that contradict the credential.
    const key = await importJWK(keys.p256.privateJwk, 'ES256')
    const wrongSub = await new CompactSign(
      new TextEncoder().encode(JSON.stringify({ ...decodeVcJwt(jwt).payload, sub: 'urn:uuid:someone-else' })),
    )
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', jwk: decodeVcJwt(jwt).header.jwk! })
      .sign(key)
    expect(check(await verifyCredential(wrongSub, options), 'proof').message).toMatch(
      /sub urn:uuid:someone-else differs/,
    )
    const wrongNbf = await new CompactSign(
      new TextEncoder().encode(JSON.stringify({ ...decodeVcJwt(jwt).payload, nbf: 1 })),
    )
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', jwk: decodeVcJwt(jwt).header.jwk! })
      .sign(key)
    expect(check(await verifyCredential(wrongNbf, options), 'dates').message).toMatch(
      /nbf \(1\) does not equal validFrom/,
    )
  })

  it('exp and nbf decide the dates for JWTs too', async () => {
    const jwt = await signVcJwt(unsigned, keys.p256)
    expect(
      failed(await verifyCredential(jwt, { ...options, now: new Date('2030-01-01T00:00:00Z') })),
    ).toEqual(['dates'])
    expect(
      failed(await verifyCredential(jwt, { ...options, now: new Date('2020-01-01T00:00:00Z') })),
    ).toEqual(['dates'])
  })

  it('refuses to sign without a subject id or with the wrong key type', async () => {
    const noSub = structuredClone(unsigned) as Obj
    delete noSub.credentialSubject.id
    await expect(signVcJwt(noSub, keys.p256)).rejects.toThrow(/credentialSubject\.id is required/)
    await expect(signVcJwt(unsigned, keys.ed25519)).rejects.toThrow(/P-256/)
  })
})

describe('verifyCredential: baked images', () => {
  it('PNG and SVG round trips, JSON and JWT payloads', async () => {
    const png = await defaultBadgePng()
    const jwt = await signVcJwt(unsigned, keys.p256)
    for (const [input, kind, embedded] of [
      [bakePng(png, signed), 'png', 'json'],
      [bakePng(png, jwt), 'png', 'jwt'],
      [bakeSvg('<svg xmlns="http://www.w3.org/2000/svg"/>', signed), 'svg', 'json'],
      [bakeSvg('<svg xmlns="http://www.w3.org/2000/svg"/>', jwt), 'svg', 'jwt'],
    ] as const) {
      const r = await verifyCredential(input, options)
      expect(r).toMatchObject({ verified: true, kind, embedded })
    }
  })

  it('a flipped byte in the baked credential fails: CRC (format) or, with the CRC fixed, the proof', async () => {
    const baked = bakePng(await defaultBadgePng(), signed)
    const text = new TextEncoder().encode('Nguy')
    let at = -1
    for (let i = 0; i < baked.length && at < 0; i++) if (text.every((b, j) => baked[i + j] === b)) at = i
    const damaged = baked.slice()
    damaged[at] = 'M'.charCodeAt(0)
    const r1 = await verifyCredential(damaged, options)
    expect(r1.verified).toBe(false)
    expect(check(r1, 'format')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/fails its CRC/),
    })

    // Re-bake the altered text so the CRC is right again: the signature catches it.
    const altered = JSON.parse(JSON.stringify(signed).replace('Nguy', 'Mguy'))
    const r2 = await verifyCredential(bakePng(await defaultBadgePng(), altered), options)
    expect(r2.verified).toBe(false)
    expect(check(r2, 'proof').status).toBe('failed')

    const noCredential = await verifyCredential(await defaultBadgePng(), options)
    expect(check(noCredential, 'format').message).toMatch(/no baked credential/)
  })
})

describe('verifyCredential: QR tokens', () => {
  it('round-trips and reports the signed facts', async () => {
    const token = await signQrToken(
      {
        credentialId: unsigned.id,
        learnerName: 'Nguyễn Thị Mai',
        achievementName: 'Forklift Operation (Counterbalance)',
        date: '2025-03-14',
        outcome: 'passed',
      },
      keys.ed25519,
    )
    const r = await verifyCredential(token, options)
    expect(r).toMatchObject({
      verified: true,
      kind: 'qr-token',
      issuer: { id: issuerIdOf(keys.ed25519), trusted: true },
    })
    expect(r.qrToken).toMatchObject({
      credentialId: unsigned.id,
      learnerName: 'Nguyễn Thị Mai',
      outcome: 'passed',
      truncated: false,
    })
    expect(check(r, 'status')).toMatchObject({ status: 'skipped' })
    const untrusted = await verifyCredential(token, { now: DURING })
    expect(check(untrusted, 'issuer').status).toBe('warning')
  })

  it('tampering with a QR token fails the proof', async () => {
    const token = await signQrToken(
      {
        credentialId: unsigned.id,
        learnerName: 'Mai',
        achievementName: 'Forklift',
        date: '2025-03-14',
        outcome: 'passed',
      },
      keys.ed25519,
    )
    const [h, p, s] = token.split('.') as [string, string, string]
    const bytes = base64urlnopad.decode(p)
    bytes[1] = bytes[1]! | 1 // outcome passed → failed
    const r = await verifyCredential(`${h}.${base64urlnopad.encode(bytes)}.${s}`, options)
    expect(r.verified).toBe(false)
    expect(check(r, 'proof').status).toBe('failed')
    expect(check(r, 'issuer').status).toBe('skipped')
  })
})
