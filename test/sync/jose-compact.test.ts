import { CompactSign, compactVerify, exportJWK, generateKeyPair } from 'jose'
import { describe, expect, it } from 'vitest'
import { signCompact, verifyCompact } from '../../src/core/sync/jose'

/**
 * Bundles and receipts are signed and verified with Node's crypto (src/core/sync/jose.ts, for speed on
 * 100+ MB payloads), not jose: the output must stay a standard compact JWS that jose verifies, what
 * jose signed (bundles written before) must still verify, and anything altered must be refused.
 */

const keys = async () => {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
  return { ...pair, jwk: await exportJWK(pair.publicKey) }
}
const payload = new TextEncoder().encode(JSON.stringify({ records: ['é', '小', 'مُحَمَّد'], n: 42 }))
const flip = (s: string, at: number): string => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1)

describe('compact JWS (EdDSA) signed and verified with Node crypto', () => {
  it('signs what jose verifies, with the header given', async () => {
    const k = await keys()
    const jws = await signCompact(payload, k.privateKey, { kid: 'k1', typ: 'test+jws', jwk: k.jwk })
    const r = await compactVerify(jws, k.publicKey, { algorithms: ['EdDSA'] })
    expect(Buffer.from(r.payload).equals(Buffer.from(payload))).toBe(true)
    expect(r.protectedHeader).toEqual({ alg: 'EdDSA', kid: 'k1', typ: 'test+jws', jwk: k.jwk })
    expect(Buffer.from(await verifyCompact(jws, k.publicKey, 'it')).equals(Buffer.from(payload))).toBe(true)
  })

  it('verifies what jose signed', async () => {
    const k = await keys()
    const jws = await new CompactSign(payload)
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k' })
      .sign(k.privateKey)
    expect(Buffer.from(await verifyCompact(jws, k.publicKey, 'it')).equals(Buffer.from(payload))).toBe(true)
  })

  it('refuses an altered payload, header or signature, another key, another alg, extensions and junk', async () => {
    const k = await keys()
    const other = await keys()
    const jws = await signCompact(payload, k.privateKey, { kid: 'k1', typ: 't' })
    const [h, p, s] = jws.split('.') as [string, string, string]
    const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
    const noneHeader = `${b64({ alg: 'none', kid: 'k1', typ: 't' })}.${p}.`
    const critHeader = await new CompactSign(payload)
      .setProtectedHeader({ alg: 'EdDSA', crit: ['exp'], exp: 1 } as never)
      .sign(k.privateKey)
      .catch(() => `${b64({ alg: 'EdDSA', crit: ['exp'], exp: 1 })}.${p}.${s}`)
    for (const [what, bad, key] of [
      ['payload', `${h}.${flip(p, 10)}.${s}`, k.publicKey],
      ['payload, non-ASCII', `${h}.${p.slice(0, 5)}\u0141${p.slice(6)}.${s}`, k.publicKey],
      ['payload, outside base64url', `${h}.${p.slice(0, 5)}+${p.slice(6)}.${s}`, k.publicKey],
      ['header', `${flip(h, 3)}.${p}.${s}`, k.publicKey],
      ['signature', `${h}.${p}.${flip(s, 5)}`, k.publicKey],
      ['other key', jws, other.publicKey],
      ['alg none', noneHeader, k.publicKey],
      ['crit', critHeader, k.publicKey],
      ['parts', `${h}.${p}`, k.publicKey],
      ['junk', 'not a jws', k.publicKey],
      ['private key given', jws, k.privateKey],
    ] as const) {
      await expect(verifyCompact(bad, key, 'the test'), what).rejects.toMatchObject({ code: 'check_failed' })
    }
  })
})
