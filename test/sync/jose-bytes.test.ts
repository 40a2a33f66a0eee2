import {
  createCipheriv,
  createHash,
  diffieHellman,
  KeyObject,
  randomBytes,
  sign as nodeSign,
} from 'node:crypto'
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
  decryptCompact,
  decryptCompactBytes,
  encryptCompact,
  peekHeader,
  peekHeaderBytes,
  signCompact,
  signCompactBytes,
  verifyCompact,
  verifyCompactBytes,
} from '../../src/core/sync/jose-bytes'

/**
 * Sync's one JOSE implementation (src/core/sync/jose-bytes.ts): bundle bodies (bytes, in place, in
 * chunks), evidence parts and receipts (text). The result must stay the standard compact JWS/JWE that
 * the jose library reads and writes (bundles and receipts written before must still import), and
 * anything altered, or valid but not what sync writes, must be refused.
 *
 * The refusals that a weaker check would still catch by accident (an altered header also breaks the
 * signature or the GCM tag) are not enough: `rawJws` and `rawJwe` below are independent signers and
 * encryptors (Node's crypto, not the code under test) that make objects VALID except for one chosen
 * header member, so only the header check itself can refuse them.
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
const b64 = (b: Uint8Array | string): string => Buffer.from(b).toString('base64url')
const flip = (s: string, at: number): string => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1)
/** The character at `at` replaced by one that latin1 would fold back onto it (U+0141 -> 0x41 'A'). */
const foldable = (s: string, at: number): string =>
  s.slice(0, at) + String.fromCharCode(0x100 + s.charCodeAt(at)) + s.slice(at + 1)

/** A compact JWS with exactly this protected header, validly signed with Ed25519. */
function rawJws(header: Record<string, unknown>, payload: Uint8Array | string, key: CryptoKey): string {
  // A string is the payload part as it is to be sent (to sign text that is not strict base64url).
  const input = `${b64(JSON.stringify(header))}.${typeof payload === 'string' ? payload : b64(payload)}`
  return `${input}.${b64(nodeSign(null, Buffer.from(input), KeyObject.from(key)))}`
}

/** `text` with its last character's unused low bits set: decodes to the same bytes in a lax decoder. */
const withTrailingBits = (text: string): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const last = alphabet.indexOf(text.at(-1)!)
  return text.slice(0, -1) + alphabet[last | (text.length % 4 === 2 ? 0x0f : 0x03)]!
}
/** The same bytes in the standard base64 alphabet (unpadded): '+' and '/' for '-' and '_'. */
const standardAlphabet = (text: string): string => text.replaceAll('-', '+').replaceAll('_', '/')

/**
 * A compact JWE with this protected header (plus an ephemeral key), validly encrypted with ECDH-ES
 * and AES-256-GCM whatever `alg`/`enc` say: only a check of the header can refuse it.
 */
async function rawJwe(
  header: Record<string, unknown>,
  plaintext: Uint8Array,
  to: CryptoKey,
  parts: { ivBytes?: number; encode?: (ciphertext: string) => string } = {},
): Promise<string> {
  const eph = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true })
  const { kty, crv, x, y } = await exportJWK(eph.publicKey)
  const protectedPart = b64(JSON.stringify({ ...header, epk: { kty, crv, x, y } }))
  const z = diffieHellman({ privateKey: KeyObject.from(eph.privateKey), publicKey: KeyObject.from(to) })
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4)
    b.writeUInt32BE(n)
    return b
  }
  const cek = createHash('sha256')
    .update(Buffer.concat([u32(1), z, u32(7), Buffer.from('A256GCM'), u32(0), u32(0), u32(256)]))
    .digest()
  const iv = randomBytes(parts.ivBytes ?? 12)
  const cipher = createCipheriv('aes-256-gcm', cek, iv)
  cipher.setAAD(Buffer.from(protectedPart))
  const ct = b64(Buffer.concat([cipher.update(plaintext), cipher.final()]))
  return [protectedPart, '', b64(iv), (parts.encode ?? String)(ct), b64(cipher.getAuthTag())].join('.')
}

const refusal = { code: 'check_failed' }

describe('compact JWS (EdDSA)', () => {
  it('signs what jose verifies and verifies what jose signs: bytes, small and multi-chunk', async () => {
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

  it('signs what jose verifies and verifies what jose signs: text (receipts), with the type checked', async () => {
    const k = await signKeys()
    const typ = 'tessera-sync-receipt+jws'
    const jws = await signCompact(small, k.privateKey, { kid: 'k1', typ })
    expect(typeof jws).toBe('string')
    const r = await compactVerify(jws, k.publicKey, { algorithms: ['EdDSA'] })
    expect(Buffer.from(r.payload).equals(small)).toBe(true)
    expect(r.protectedHeader).toEqual({ alg: 'EdDSA', kid: 'k1', typ })
    expect(peekHeader(jws, 'it')).toEqual({ alg: 'EdDSA', kid: 'k1', typ })
    expect((await verifyCompact(jws, k.publicKey, 'it', { typ })).equals(small)).toBe(true)
    const byJose = await new CompactSign(small)
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1', typ })
      .sign(k.privateKey)
    expect((await verifyCompact(byJose, k.publicKey, 'it', { typ })).equals(small)).toBe(true)
    // Ed25519 is deterministic: the same header members in the same order give the very same text, so
    // receipts are written exactly as a standard signer (and the earlier jose-based code) wrote them.
    expect(jws).toBe(byJose)
  })

  it('refuses an altered payload, header or signature, another key, other headers, extensions and junk', async () => {
    const k = await signKeys()
    const other = await signKeys()
    const typ = 't'
    const jws = await signCompact(small, k.privateKey, { kid: 'k1', typ })
    const [h, p, s] = jws.split('.') as [string, string, string]
    const valid = (header: Record<string, unknown>): string => rawJws(header, small, k.privateKey)
    // Bytes whose base64url holds '-' and '_' (so '+' and '/' in the standard alphabet); `p` ends in a partial group.
    const plusSlash = Buffer.from([0xfb, 0xef, 0xff, 0xfb, 0xef, 0xff])
    expect(standardAlphabet(b64(plusSlash))).toBe('++//++//')
    expect(p.length % 4).not.toBe(0)
    // The raw signer is right: what it makes with the right header verifies.
    expect(
      (await verifyCompact(valid({ alg: 'EdDSA', typ }), k.publicKey, 'it', { typ })).equals(small),
    ).toBe(true)
    const cases: [string, string, CryptoKey][] = [
      ['payload', `${h}.${flip(p, 10)}.${s}`, k.publicKey],
      ['payload, non-ASCII', `${h}.${p.slice(0, 5)}\u00c1${p.slice(6)}.${s}`, k.publicKey],
      [
        'payload, a character latin1 folds onto the one it replaced',
        `${h}.${foldable(p, 7)}.${s}`,
        k.publicKey,
      ],
      ['a dot latin1 would fold onto', `${h}\u012e${p}.${s}`, k.publicKey],
      ['payload, outside base64url', `${h}.${p.slice(0, 5)}+${p.slice(6)}.${s}`, k.publicKey],
      ['payload, padded', `${h}.${p}==.${s}`, k.publicKey],
      ['header', `${flip(h, 3)}.${p}.${s}`, k.publicKey],
      ['signature', `${h}.${p}.${flip(s, 5)}`, k.publicKey],
      ['signature, truncated', `${h}.${p}.${s.slice(0, -2)}`, k.publicKey],
      ['other key', jws, other.publicKey],
      ['private key given', jws, k.privateKey],
      ['alg none', `${b64(JSON.stringify({ alg: 'none', typ }))}.${p}.`, k.publicKey],
      ['another alg, validly signed', valid({ alg: 'Ed25519', typ }), k.publicKey],
      ['no alg, validly signed', valid({ typ }), k.publicKey],
      ['another typ, validly signed', valid({ alg: 'EdDSA', typ: 'tessera-sync-bundle+jws' }), k.publicKey],
      ['no typ, validly signed', valid({ alg: 'EdDSA' }), k.publicKey],
      ['crit, validly signed', valid({ alg: 'EdDSA', typ, crit: ['exp'], exp: 1 }), k.publicKey],
      ['b64, validly signed', valid({ alg: 'EdDSA', typ, b64: true }), k.publicKey],
      [
        'payload part with trailing bits, validly signed',
        rawJws({ alg: 'EdDSA', typ }, withTrailingBits(p), k.privateKey),
        k.publicKey,
      ],
      [
        'payload part in the standard alphabet, validly signed',
        rawJws({ alg: 'EdDSA', typ }, standardAlphabet(b64(plusSlash)), k.privateKey),
        k.publicKey,
      ],
      [
        'payload part padded, validly signed',
        rawJws({ alg: 'EdDSA', typ }, `${p}=`, k.privateKey),
        k.publicKey,
      ],
      ['header not an object, validly signed', rawJws(['EdDSA'] as never, small, k.privateKey), k.publicKey],
      ['parts', `${h}.${p}`, k.publicKey],
      ['four parts', `${h}.${p}.${s}.`, k.publicKey],
      ['junk', 'not a jws', k.publicKey],
    ]
    for (const [what, bad, key] of cases) {
      await expect(verifyCompact(bad, key, 'the test', { typ }), what).rejects.toMatchObject(refusal)
      // The bytes entry point refuses the same (the text as UTF-8 bytes, as the text entry point reads it).
      await expect(
        verifyCompactBytes(Buffer.from(bad, 'utf8'), key, 'the test', { typ }),
        what,
      ).rejects.toMatchObject(refusal)
    }
    await expect(verifyCompact(`${h}.${flip(p, 10)}.${s}`, k.publicKey, 'the receipt')).rejects.toThrow(
      'The signature of the receipt is not valid: it was altered or damaged after it was signed',
    )
  })

  it('reads a header only when it is strict base64url JSON', () => {
    expect(peekHeader(`${b64('{"alg":"EdDSA","kid":"k"}')}.x.y`, 'it')).toEqual({ alg: 'EdDSA', kid: 'k' })
    for (const bad of [
      'no dots at all',
      `${b64('[1]')}.x.y`,
      `${b64('{"a":1')}.x.y`,
      `e30=.x.y`,
      `e3\u01300.x.y`,
    ])
      expect(() => peekHeader(bad, 'The receipt'), bad).toThrow(
        'The receipt is damaged: its protected header cannot be read',
      )
  })
})

describe('compact JWE (ECDH-ES + A256GCM)', () => {
  it('encrypts what jose decrypts and decrypts what jose encrypts, small and multi-chunk', async () => {
    const k = await encKeys()
    for (const payload of [small, large, Buffer.alloc(0)]) {
      const jwe = await encryptCompact(payload, { jwk: k.jwk, kid: 'enc-1' }, 'JWS')
      const r = await compactDecrypt(jwe, k.privateKey, {
        keyManagementAlgorithms: ['ECDH-ES'],
        contentEncryptionAlgorithms: ['A256GCM'],
      })
      expect(Buffer.from(r.plaintext).equals(payload)).toBe(true)
      expect(r.protectedHeader).toMatchObject({ alg: 'ECDH-ES', enc: 'A256GCM', kid: 'enc-1', cty: 'JWS' })
      expect(peekHeaderBytes(ascii(jwe), 'it')).toMatchObject({ kid: 'enc-1' })
      expect((await decryptCompact(jwe, k.privateKey, 'it')).equals(payload)).toBe(true)
      expect((await decryptCompactBytes(ascii(jwe), k.privateKey, 'it')).equals(payload)).toBe(true)
      // Evidence parts as the jose-based writer made them (no cty): read as text and as bytes.
      const byJose = await new CompactEncrypt(payload)
        .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: 'enc-1' })
        .encrypt(k.publicKey)
      expect((await decryptCompact(byJose, k.privateKey, 'it')).equals(payload)).toBe(true)
      expect((await decryptCompactBytes(ascii(byJose), k.privateKey, 'it')).equals(payload)).toBe(true)
    }
  })

  it('leaves the bytes given to decryptCompact as they were; the in-place one reuses them', async () => {
    const k = await encKeys()
    const jwe = ascii(await encryptCompact(small, { jwk: k.jwk, kid: 'enc-1' }))
    const copy = Buffer.from(jwe)
    expect((await decryptCompact(jwe, k.privateKey, 'it')).equals(small)).toBe(true)
    expect(jwe.equals(copy)).toBe(true)
    const plaintext = await decryptCompactBytes(jwe, k.privateKey, 'it')
    expect(plaintext.equals(small)).toBe(true)
    expect(plaintext.buffer).toBe(jwe.buffer)
  })

  it('wipes what it deciphered when the tag does not match (nothing unauthenticated is left)', async () => {
    const k = await encKeys()
    const marker = Buffer.from('learner evidence, not yet authenticated; ')
    const plaintext = Buffer.concat(Array.from({ length: 5000 }, () => marker))
    const [h, ek, iv, ct, tag] = (await encryptCompact(plaintext, { jwk: k.jwk, kid: 'enc-1' })).split(
      '.',
    ) as [string, string, string, string, string]
    for (const bad of [
      [h, ek, iv, ct, flip(tag, 3)],
      [h, ek, iv, flip(ct, ct.length - 4), tag],
    ]) {
      const line = ascii(bad.join('.'))
      await expect(decryptCompactBytes(line, k.privateKey, 'it')).rejects.toMatchObject(refusal)
      expect(line.includes(marker)).toBe(false)
    }
  })

  it('refuses altered parts, another key and other algorithms, even when validly encrypted', async () => {
    const k = await encKeys()
    const other = await encKeys()
    const jwe = await encryptCompact(small, { jwk: k.jwk, kid: 'enc-1' })
    const [h, ek, iv, ct, tag] = jwe.split('.') as [string, string, string, string, string]
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>
    const withHeader = (o: object): string => [b64(JSON.stringify(o)), ek, iv, ct, tag].join('.')
    const valid = (o: Record<string, unknown>): Promise<string> => rawJwe(o, small, k.publicKey)
    const good = { alg: 'ECDH-ES', enc: 'A256GCM', kid: 'enc-1' }
    // The raw encryptor is right: what it makes with the right header decrypts, here and in jose.
    const reference = await valid(good)
    expect((await decryptCompact(reference, k.privateKey, 'it')).equals(small)).toBe(true)
    expect(
      Buffer.from(
        (
          await compactDecrypt(reference, k.privateKey, {
            keyManagementAlgorithms: ['ECDH-ES'],
            contentEncryptionAlgorithms: ['A256GCM'],
          })
        ).plaintext,
      ).equals(small),
    ).toBe(true)
    // A ciphertext long enough to hold '-' or '_', sent in the standard alphabet ('+', '/') instead.
    const standardCiphertext = await rawJwe(good, randomBytes(4000), k.publicKey, {
      encode: standardAlphabet,
    })
    expect(standardCiphertext).toMatch(/[+/]/)
    const dir = await new CompactEncrypt(small)
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .encrypt(randomBytes(32))
    const a128 = await new CompactEncrypt(small)
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM' })
      .encrypt(k.publicKey)
    const cases: [string, string, CryptoKey][] = [
      ['ciphertext', [h, ek, iv, flip(ct, 4), tag].join('.'), k.privateKey],
      ['ciphertext, truncated', [h, ek, iv, ct.slice(0, -4), tag].join('.'), k.privateKey],
      ['tag', [h, ek, iv, ct, flip(tag, 2)].join('.'), k.privateKey],
      ['tag, short', [h, ek, iv, ct, tag.slice(0, -3)].join('.'), k.privateKey],
      ['iv', [h, ek, flip(iv, 1), ct, tag].join('.'), k.privateKey],
      ['iv, long', [h, ek, `${iv}AAAA`, ct, tag].join('.'), k.privateKey],
      ['header, one byte', [flip(h, 20), ek, iv, ct, tag].join('.'), k.privateKey],
      ['header (additional data)', withHeader({ ...header, kid: 'other' }), k.privateKey],
      [
        'header, a character latin1 folds onto the one it replaced',
        [foldable(h, 9), ek, iv, ct, tag].join('.'),
        k.privateKey,
      ],
      ['encrypted key', [h, 'AAAA', iv, ct, tag].join('.'), k.privateKey],
      [
        'ciphertext, outside base64url',
        [h, ek, iv, `${ct.slice(0, 3)}/${ct.slice(4)}`, tag].join('.'),
        k.privateKey,
      ],
      ['truncated', [h, ek, iv, ct].join('.'), k.privateKey],
      ['six parts', `${jwe}.`, k.privateKey],
      ['other key', jwe, other.privateKey],
      ['public key given', jwe, k.publicKey],
      ['alg dir', dir, k.privateKey],
      ['enc A128GCM', a128, k.privateKey],
      ['another alg, validly encrypted', await valid({ ...good, alg: 'ECDH-ES+A256KW' }), k.privateKey],
      ['no alg, validly encrypted', await valid({ enc: 'A256GCM' }), k.privateKey],
      ['another enc, validly encrypted', await valid({ ...good, enc: 'A128GCM' }), k.privateKey],
      ['zip, validly encrypted', await valid({ ...good, zip: 'DEF' }), k.privateKey],
      ['crit, validly encrypted', await valid({ ...good, crit: ['x'], x: 1 }), k.privateKey],
      [
        'iv of 16 bytes, validly encrypted',
        await rawJwe(good, small, k.publicKey, { ivBytes: 16 }),
        k.privateKey,
      ],
      ['tag with trailing bits', [h, ek, iv, ct, withTrailingBits(tag)].join('.'), k.privateKey],
      ['ciphertext in the standard alphabet', standardCiphertext, k.privateKey],
      ['no epk', withHeader({ ...header, epk: undefined }), k.privateKey],
      [
        'epk on another curve',
        withHeader({ ...header, epk: { kty: 'OKP', crv: 'X25519', x: b64(randomBytes(32)) } }),
        k.privateKey,
      ],
    ]
    for (const [what, bad, key] of cases) {
      await expect(decryptCompact(bad, key, 'The test'), what).rejects.toMatchObject(refusal)
      await expect(
        decryptCompactBytes(Buffer.from(bad, 'utf8'), key, 'The test'),
        what,
      ).rejects.toMatchObject(refusal)
    }
    await expect(
      decryptCompact([h, ek, iv, ct, flip(tag, 2)].join('.'), k.privateKey, 'An evidence part'),
    ).rejects.toThrow('An evidence part cannot be decrypted: it was altered, damaged or truncated')
  })
})
