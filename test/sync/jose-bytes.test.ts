import { randomBytes } from 'node:crypto'
import {
  CompactEncrypt,
  CompactSign,
  compactDecrypt,
  compactVerify,
  exportJWK,
  generateKeyPair,
  type CryptoKey,
} from 'jose'
import { describe, expect, it } from 'vitest'
import {
  decryptCompactBytes,
  encryptCompactBytes,
  peekHeaderBytes,
  signCompactBytes,
  verifyCompactBytes,
} from '../../src/core/sync/jose-bytes'

/**
 * A bundle's body is signed, encrypted, decrypted and verified over bytes, in place and in chunks
 * (src/core/sync/jose-bytes.ts): the result must stay the standard compact JWS/JWE that jose reads and
 * writes (bundles written before must still import), for payloads spanning many chunks, and anything
 * altered must be refused.
 */

const signKeys = async () => {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
  return { ...pair, jwk: await exportJWK(pair.publicKey) }
}
const encKeys = async () => {
  const pair = await generateKeyPair('ECDH-ES', { crv: 'P-256' })
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'enc-1' }
  return { ...pair, jwk }
}
const small = Buffer.from(JSON.stringify({ records: ['é', '小', 'مُحَمَّد'], n: 42 }), 'utf8')
// Spans several 3 MB / 4 MB blocks and ends on a partial base64 group.
const large = randomBytes((4 << 20) + 2)
const ascii = (s: string): Buffer => Buffer.from(s, 'latin1')
const flip = (s: string, at: number): string => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1)

describe('compact JWS over bytes (EdDSA)', () => {
  it('signs what jose verifies and verifies what jose signs, small and multi-chunk', async () => {
    const k = await signKeys()
    for (const payload of [small, large]) {
      const jws = await signCompactBytes(payload, k.privateKey, { kid: 'k1', typ: 'test+jws', jwk: k.jwk })
      const r = await compactVerify(jws.toString('latin1'), k.publicKey, { algorithms: ['EdDSA'] })
      expect(Buffer.from(r.payload).equals(payload)).toBe(true)
      expect(r.protectedHeader).toEqual({ alg: 'EdDSA', kid: 'k1', typ: 'test+jws', jwk: k.jwk })
      expect((await verifyCompactBytes(jws, k.publicKey, 'it')).equals(payload)).toBe(true)
      const byJose = await new CompactSign(payload)
        .setProtectedHeader({ alg: 'EdDSA', kid: 'k' })
        .sign(k.privateKey)
      expect((await verifyCompactBytes(ascii(byJose), k.publicKey, 'it')).equals(payload)).toBe(true)
    }
  })

  it('refuses an altered payload, header or signature, padding, another alphabet, another key, alg none', async () => {
    const k = await signKeys()
    const other = await signKeys()
    const jws = (await signCompactBytes(small, k.privateKey, { kid: 'k1', typ: 't' })).toString('latin1')
    const [h, p, s] = jws.split('.') as [string, string, string]
    const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
    const cases: [string, string, CryptoKey][] = [
      ['payload', `${h}.${flip(p, 10)}.${s}`, k.publicKey],
      ['payload, non-ASCII', `${h}.${p.slice(0, 5)}\u00c1${p.slice(6)}.${s}`, k.publicKey],
      ['payload, outside base64url', `${h}.${p.slice(0, 5)}+${p.slice(6)}.${s}`, k.publicKey],
      ['payload, padded', `${h}.${p}==.${s}`, k.publicKey],
      ['header', `${flip(h, 3)}.${p}.${s}`, k.publicKey],
      ['signature', `${h}.${p}.${flip(s, 5)}`, k.publicKey],
      ['other key', jws, other.publicKey],
      ['alg none', `${b64({ alg: 'none', kid: 'k1', typ: 't' })}.${p}.`, k.publicKey],
      ['parts', `${h}.${p}`, k.publicKey],
      ['junk', 'not a jws', k.publicKey],
      ['private key given', jws, k.privateKey],
    ]
    for (const [what, bad, key] of cases)
      await expect(verifyCompactBytes(ascii(bad), key, 'the test'), what).rejects.toMatchObject({
        code: 'check_failed',
      })
  })
})

describe('compact JWE over bytes (ECDH-ES + A256GCM)', () => {
  it('encrypts what jose decrypts and decrypts what jose encrypts, small and multi-chunk', async () => {
    const k = await encKeys()
    for (const payload of [small, large]) {
      const jwe = await encryptCompactBytes(payload, { jwk: k.jwk, kid: 'enc-1' }, 'JWS')
      const r = await compactDecrypt(jwe, k.privateKey, {
        keyManagementAlgorithms: ['ECDH-ES'],
        contentEncryptionAlgorithms: ['A256GCM'],
      })
      expect(Buffer.from(r.plaintext).equals(payload)).toBe(true)
      expect(r.protectedHeader).toMatchObject({ alg: 'ECDH-ES', enc: 'A256GCM', kid: 'enc-1', cty: 'JWS' })
      expect(peekHeaderBytes(ascii(jwe), 'it')).toMatchObject({ kid: 'enc-1' })
      expect((await decryptCompactBytes(ascii(jwe), k.privateKey, 'it')).equals(payload)).toBe(true)
      const byJose = await new CompactEncrypt(payload)
        .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: 'enc-1' })
        .encrypt(k.publicKey)
      expect((await decryptCompactBytes(ascii(byJose), k.privateKey, 'it')).equals(payload)).toBe(true)
    }
  })

  it('refuses altered parts, another key and other algorithms', async () => {
    const k = await encKeys()
    const other = await encKeys()
    const jwe = await encryptCompactBytes(small, { jwk: k.jwk, kid: 'enc-1' })
    const [h, ek, iv, ct, tag] = jwe.split('.') as [string, string, string, string, string]
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>
    const withHeader = (o: object): string =>
      [Buffer.from(JSON.stringify(o)).toString('base64url'), ek, iv, ct, tag].join('.')
    const dir = await new CompactEncrypt(small)
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .encrypt(randomBytes(32))
    const cases: [string, string, CryptoKey][] = [
      ['ciphertext', [h, ek, iv, flip(ct, 4), tag].join('.'), k.privateKey],
      ['tag', [h, ek, iv, ct, flip(tag, 2)].join('.'), k.privateKey],
      ['iv', [h, ek, flip(iv, 1), ct, tag].join('.'), k.privateKey],
      ['header (additional data)', withHeader({ ...header, kid: 'other' }), k.privateKey],
      ['zip', withHeader({ ...header, zip: 'DEF' }), k.privateKey],
      ['crit', withHeader({ ...header, crit: ['x'], x: 1 }), k.privateKey],
      ['no epk', withHeader({ ...header, epk: undefined }), k.privateKey],
      ['encrypted key', [h, 'AAAA', iv, ct, tag].join('.'), k.privateKey],
      [
        'ciphertext, outside base64url',
        [h, ek, iv, `${ct.slice(0, 3)}/${ct.slice(4)}`, tag].join('.'),
        k.privateKey,
      ],
      ['truncated', [h, ek, iv, ct].join('.'), k.privateKey],
      ['alg dir', dir, k.privateKey],
      ['other key', jwe, other.privateKey],
    ]
    for (const [what, bad, key] of cases)
      await expect(decryptCompactBytes(ascii(bad), key, 'The test'), what).rejects.toMatchObject({
        code: 'check_failed',
      })
  })
})
