import { calculateJwkThumbprint } from 'jose'
import { base64urlnopad, hex } from '@scure/base'
import { describe, expect, it } from 'vitest'
import {
  didJwkFromPublicJwk,
  didKeyFromEd25519PublicKey,
  ed25519PublicKeyFromDidKey,
  generateIssuerKey,
  generateIssuerKeys,
  issuerIdOf,
  publicJwkFromDidJwk,
  publicJwkFromDidKey,
  toPublicJwk,
  verificationMethodOf,
} from '../../src/core/crypto/keys'
import { SPEC_TEST_MULTIBASE, SPEC_TEST_PUBLIC_HEX } from './fixtures'

describe('issuer keys', () => {
  it('generates an Ed25519 and a P-256 key with RFC 7638 kids and no private data in the public JWK', async () => {
    const keys = await generateIssuerKeys(new Date('2025-03-14T10:32:00.123Z'))
    expect(keys.ed25519).toMatchObject({ type: 'Ed25519', createdAt: '2025-03-14T10:32:00Z' })
    expect(keys.ed25519.publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' })
    expect(keys.p256.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256' })
    for (const k of [keys.ed25519, keys.p256]) {
      expect(k.publicJwk).not.toHaveProperty('d')
      expect(typeof k.privateJwk.d).toBe('string')
      const { kid: _kid, ...core } = k.publicJwk
      expect(k.kid).toBe(await calculateJwkThumbprint(core))
      expect(k.publicJwk.kid).toBe(k.kid)
    }
    expect(keys.ed25519.kid).not.toBe(keys.p256.kid)
  })

  it('derives did:key exactly as the spec test key (multicodec 0xed01 + base58btc)', () => {
    const did = didKeyFromEd25519PublicKey(hex.decode(SPEC_TEST_PUBLIC_HEX))
    expect(did).toBe(`did:key:${SPEC_TEST_MULTIBASE}`)
    expect(hex.encode(ed25519PublicKeyFromDidKey(did))).toBe(SPEC_TEST_PUBLIC_HEX)
    expect(verificationMethodOf(did)).toBe(`${did}#${SPEC_TEST_MULTIBASE}`)
  })

  it('round-trips did:key <-> public JWK for generated keys', async () => {
    const key = await generateIssuerKey('Ed25519')
    const did = issuerIdOf(key)
    expect(did).toMatch(/^did:key:z6Mk/)
    expect(await publicJwkFromDidKey(did)).toEqual(key.publicJwk)
    expect(await publicJwkFromDidKey(verificationMethodOf(did))).toEqual(key.publicJwk)
  })

  it('rejects malformed or foreign did:key values with a clear error', async () => {
    expect(() => ed25519PublicKeyFromDidKey('did:web:example.com')).toThrow(/not a did:key/)
    expect(() => ed25519PublicKeyFromDidKey('did:key:uABC')).toThrow(/base58btc/)
    // secp256k1 did:key (multicodec 0xe7): not Ed25519
    expect(() =>
      ed25519PublicKeyFromDidKey('did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme'),
    ).toThrow(/not an Ed25519/)
    expect(() => ed25519PublicKeyFromDidKey(`did:key:${SPEC_TEST_MULTIBASE}#other`)).toThrow(/fragment/)
    await expect(toPublicJwk({ kty: 'RSA', n: 'x', e: 'AQAB' })).rejects.toThrow(/Unsupported key/)
  })

  it('round-trips did:jwk for a P-256 key', async () => {
    const key = await generateIssuerKey('P-256')
    const did = didJwkFromPublicJwk(key.publicJwk)
    expect(await publicJwkFromDidJwk(`${did}#0`)).toEqual(key.publicJwk)
    const withPrivate =
      'did:jwk:' + base64urlnopad.encode(new TextEncoder().encode(JSON.stringify(key.privateJwk)))
    await expect(publicJwkFromDidJwk(withPrivate)).rejects.toThrow(/public JWK/)
  })
})
