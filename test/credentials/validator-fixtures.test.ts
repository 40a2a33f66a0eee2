/**
 * The official 1EdTech validator fixtures (shared/standards/ob3/examples/validator/, verdicts in
 * shared/standards/ob3/README.md) must get the same verdict from Tessera's offline verifier.
 * They are signed by third parties (the spec test key, RSA JWT keys), so a valid one verifies with
 * the issuer reported as not trusted.
 */
import { describe, expect, it } from 'vitest'
import { verifyCredential, type CheckName, type VerificationReport } from '../../src/core/verify/verify'
import { readSharedBytes, readSharedJson, readSharedText } from './fixtures'

const NOW = new Date('2025-06-01T00:00:00Z')
const check = (r: VerificationReport, name: CheckName) => r.checks.find((c) => c.name === name)!

function expectThirdPartyValid(r: VerificationReport): void {
  expect(r.checks.filter((c) => c.status === 'failed')).toEqual([])
  expect(r.verified).toBe(true)
  expect(check(r, 'proof').status).toBe('passed')
  expect(r.issuer?.trusted).toBe(false)
  expect(check(r, 'issuer')).toMatchObject({
    status: 'warning',
    message: expect.stringMatching(/Third-party credential: the signature is valid/),
  })
}

describe('1EdTech validator fixtures', () => {
  it('valid/simple.json (verification method <issuer>#z6Mk…): valid, third-party', async () => {
    const r = await verifyCredential(readSharedJson('examples/validator/valid/simple.json'), { now: NOW })
    expectThirdPartyValid(r)
    expect(r.kind).toBe('json')
  })

  it('valid/simple-did-key-method.json (did:key): valid, third-party', async () => {
    expectThirdPartyValid(
      await verifyCredential(readSharedJson('examples/validator/valid/simple-did-key-method.json'), {
        now: NOW,
      }),
    )
  })

  it('valid fixtures are trusted when their issuer and key are in the trust list', async () => {
    const c = readSharedJson('examples/validator/valid/simple.json')
    const r = await verifyCredential(c, {
      now: NOW,
      trustedIssuers: [
        {
          id: 'https://example.com/issuers/876543',
          name: 'Example Corp (vetted)',
          publicJwks: [{ kty: 'OKP', crv: 'Ed25519', x: 'S96v3i6ovu-t2MaZtcfgcEz1EVTVLheyC3EzfKBMxaU' }],
        },
      ],
    })
    expect(check(r, 'issuer')).toMatchObject({ status: 'passed' })
    expect(r.issuer).toMatchObject({ trusted: true, name: 'Example Corp (vetted)' })
    // Same issuer id listed with a different key: not trusted.
    const wrongKey = await verifyCredential(c, {
      now: NOW,
      requireTrustedIssuer: true,
      trustedIssuers: [
        {
          id: 'https://example.com/issuers/876543',
          publicJwks: [{ kty: 'OKP', crv: 'Ed25519', x: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }],
        },
      ],
    })
    expect(wrongKey.verified).toBe(false)
    expect(check(wrongKey, 'issuer').status).toBe('failed')
  })

  it('invalid/simple-err-proof-value.json: the proof fails', async () => {
    const r = await verifyCredential(
      readSharedJson('examples/validator/invalid/simple-err-proof-value.json'),
      { now: NOW },
    )
    expect(r.verified).toBe(false)
    expect(check(r, 'proof')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/signature does not match/),
    })
    expect(check(r, 'schema').status).toBe('passed')
  })

  it('invalid/simple-err-expired.json: signature fine, expired', async () => {
    const r = await verifyCredential(readSharedJson('examples/validator/invalid/simple-err-expired.json'), {
      now: NOW,
    })
    expect(r.verified).toBe(false)
    expect(check(r, 'proof').status).toBe('passed')
    expect(check(r, 'dates')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/^Expired on 2010-01-01/),
    })
  })

  it('invalid/simple-err-context.json: the VC context is missing (schema)', async () => {
    const r = await verifyCredential(readSharedJson('examples/validator/invalid/simple-err-context.json'), {
      now: NOW,
    })
    expect(r.verified).toBe(false)
    expect(check(r, 'schema')).toMatchObject({ status: 'failed', message: expect.stringMatching(/@context/) })
  })

  it('invalid/…-result-description-type.json: a ResultDescription has the wrong type (schema)', async () => {
    const r = await verifyCredential(
      readSharedJson(
        'examples/validator/invalid/simple-err-credential-subject-achievement-result-description-type.json',
      ),
      { now: NOW },
    )
    expect(r.verified).toBe(false)
    expect(check(r, 'schema')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/resultDescription/),
    })
  })

  it('status/credential-status-revoked.json with the testlist held: signature valid, revoked (index 23)', async () => {
    const credential = readSharedJson('examples/validator/status/credential-status-revoked.json')
    const list = readSharedJson('examples/validator/status/testlist')
    const url = (credential.credentialStatus as { statusListCredential: string }).statusListCredential
    const r = await verifyCredential(credential, { now: NOW, statusLists: [{ url, credential: list }] })
    expect(r.verified).toBe(false)
    expect(check(r, 'proof').status).toBe('passed')
    expect(check(r, 'schema').status).toBe('passed') // single-object proof is accepted
    expect(check(r, 'status')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/^Revoked by the issuer/),
    })
  })

  it('status/credential-status-revoked.json without the list: "status not checked", never "valid"', async () => {
    const r = await verifyCredential(
      readSharedJson('examples/validator/status/credential-status-revoked.json'),
      { now: NOW },
    )
    expect(check(r, 'status')).toMatchObject({
      status: 'warning',
      message: expect.stringMatching(/^Status not checked/),
    })
    expect(check(r, 'status').message).not.toMatch(/not revoked/i)
  })

  it('baked/simple-json.png: valid, third-party', async () => {
    const r = await verifyCredential(readSharedBytes('examples/validator/baked/simple-json.png'), {
      now: NOW,
    })
    expect(r).toMatchObject({ kind: 'png', embedded: 'json' })
    expectThirdPartyValid(r)
  })

  it('baked/simple-jwt.png: RS256 VC-JWT with the key in the header, valid, third-party', async () => {
    const r = await verifyCredential(readSharedBytes('examples/validator/baked/simple-jwt.png'), { now: NOW })
    expect(r).toMatchObject({ kind: 'png', embedded: 'jwt' })
    expectThirdPartyValid(r)
    expect(check(r, 'proof').message).toMatch(/RS256.*no sub claim/)
  })

  it('baked/simple-jwt.svg: valid, third-party', async () => {
    const r = await verifyCredential(readSharedText('examples/validator/baked/simple-jwt.svg'), { now: NOW })
    expect(r).toMatchObject({ kind: 'svg', embedded: 'jwt' })
    expectThirdPartyValid(r)
  })

  it('the JWT fixtures fail when RS256 is not an allowed algorithm', async () => {
    const r = await verifyCredential(readSharedText('examples/validator/baked/simple-jwt.svg'), {
      now: NOW,
      jwtAlgorithms: ['ES256'],
    })
    expect(r.verified).toBe(false)
    expect(check(r, 'proof')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/alg "RS256" is not allowed/),
    })
  })
})
