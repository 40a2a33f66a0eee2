import { describe, expect, it, vi } from 'vitest'
import { signDocument } from '../../src/core/credentials/data-integrity'
import { generateIssuerKey } from '../../src/core/crypto/keys'
import {
  openWithPassphrase,
  parseKeyEnvelope,
  sealIssuerKey,
  sealWithPassphrase,
  serializeKeyEnvelope,
  unlockIssuerKey,
} from '../../src/core/crypto/keystore'
import { readSharedJson } from './fixtures'

const PASS = 'correct horse battery staple'

describe('keystore: issuer keys encrypted at rest', () => {
  it('seals a key into a versioned scrypt + AES-256-GCM envelope and unlocks it', async () => {
    const key = await generateIssuerKey('Ed25519')
    const stored = await sealIssuerKey(key, PASS)
    const env = stored.envelope
    expect(env).toMatchObject({ v: 1, alg: 'A256GCM', kdf: { name: 'scrypt', N: 2 ** 15, r: 8, p: 1 } })
    expect(Buffer.from(env.kdf.salt, 'base64url')).toHaveLength(16)
    expect(Buffer.from(env.iv, 'base64url')).toHaveLength(12)
    expect(Buffer.from(env.tag, 'base64url')).toHaveLength(16)
    // The private key is nowhere in clear.
    const text = JSON.stringify(stored)
    expect(text).not.toContain(key.privateJwk.d)
    expect(stored).not.toHaveProperty('privateJwk')
    const unlocked = await unlockIssuerKey(JSON.parse(text) as typeof stored, PASS)
    expect(unlocked).toEqual(key)
  })

  it('a wrong passphrase is `forbidden` and never reaches a signature', async () => {
    const key = await generateIssuerKey('Ed25519')
    const stored = await sealIssuerKey(key, PASS)
    const sign = vi.fn((k: Awaited<ReturnType<typeof unlockIssuerKey>>) =>
      signDocument(readSharedJson('examples/spec/basicOpenBadgeCredential.json'), k.privateJwk),
    )
    const attempt = unlockIssuerKey(stored, 'Correct horse battery staple').then(sign)
    await expect(attempt).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/^Wrong passphrase for the issuer key/),
    })
    expect(sign).not.toHaveBeenCalled()
  })

  it('detects tampering with the ciphertext, the tag or the stored scrypt parameters', async () => {
    const env = await sealWithPassphrase(new TextEncoder().encode('secret'), PASS)
    const flip = (b64: string): string => {
      const b = Buffer.from(b64, 'base64url')
      b[0] = (b[0] as number) ^ 1
      return b.toString('base64url')
    }
    await expect(openWithPassphrase({ ...env, ct: flip(env.ct) }, PASS)).rejects.toMatchObject({
      code: 'forbidden',
    })
    await expect(openWithPassphrase({ ...env, tag: flip(env.tag) }, PASS)).rejects.toMatchObject({
      code: 'forbidden',
    })
    await expect(
      openWithPassphrase({ ...env, kdf: { ...env.kdf, salt: flip(env.kdf.salt) } }, PASS),
    ).rejects.toMatchObject({ code: 'forbidden' })
    // Raising the cost changes the derived key and the authenticated header: still no decryption.
    await expect(openWithPassphrase({ ...env, kdf: { ...env.kdf, N: 2 ** 16 } }, PASS)).rejects.toMatchObject(
      { code: 'forbidden' },
    )
    expect(new TextDecoder().decode(await openWithPassphrase(env, PASS))).toBe('secret')
  })

  it('refuses weak or absurd scrypt costs and malformed envelopes', async () => {
    const env = await sealWithPassphrase(new TextEncoder().encode('x'), PASS)
    await expect(openWithPassphrase({ ...env, kdf: { ...env.kdf, N: 2 ** 10 } }, PASS)).rejects.toMatchObject(
      { code: 'validation' },
    )
    await expect(openWithPassphrase({ ...env, kdf: { ...env.kdf, N: 2 ** 24 } }, PASS)).rejects.toMatchObject(
      { code: 'validation' },
    )
    await expect(sealWithPassphrase(new Uint8Array(1), PASS, { N: 1000 })).rejects.toMatchObject({
      code: 'validation',
    })
    expect(() => parseKeyEnvelope('{"v":2}')).toThrow(/malformed/)
    expect(() => parseKeyEnvelope('not json')).toThrow(/not JSON/)
    await expect(sealWithPassphrase(new Uint8Array(1), '')).rejects.toMatchObject({ code: 'validation' })
  })

  it('serializes to JSON text that survives a round trip (what safeStorage would wrap)', async () => {
    const env = await sealWithPassphrase(new TextEncoder().encode('payload'), 'pässwörd')
    const text = serializeKeyEnvelope(env)
    // NFC vs NFD spelling of the same passphrase opens it.
    const nfd = 'pässwörd'.normalize('NFD')
    expect(new TextDecoder().decode(await openWithPassphrase(text, nfd))).toBe('payload')
  })
})
