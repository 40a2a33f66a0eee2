import {
  createCipheriv,
  createDecipheriv,
  createHash,
  KeyObject,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
  webcrypto,
} from 'node:crypto'
import { isUtf8 } from 'node:buffer'
import { exportJWK, importJWK, type CryptoKey, type JWK } from 'jose'
import { TesseraError } from '../../contract/errors'
import { CONTENT_ALG, KEY_ALG, SIGN_ALG } from './bundle-format'

/**
 * Sync's one implementation of compact JWS (EdDSA) and JWE (ECDH-ES + A256GCM): a bundle's body line
 * (100+ MB), its evidence parts and receipts all go through this file. jose is used only to import
 * and export keys, with the algorithm fixed here so no header can pick another one.
 *
 * The output is the standard compact serialization (RFC 7515/7516/7518), exactly what jose writes and
 * reads (test/sync/jose-bytes.test.ts checks both directions); only the memory traffic differs. A
 * bundle body used to become a 160 MB string, 120 MB of ciphertext, a copy joined with its tag, the
 * decrypted JWS as a string, its decoded payload and a signing-input copy: each a fresh allocation of
 * 100+ MB, which on this kind of machine costs more than the cryptography (bench/cases/sync.ts). Here
 * the line is decoded and decrypted IN PLACE (base64url output is shorter than its input, AES-GCM is a
 * stream: every output byte lands behind the read position), the signature is checked over the bytes
 * as they are, and writing streams the ciphertext to the file in chunks. The functions without the
 * `Bytes` suffix take and give text (receipts, evidence parts, tests) and never touch their input.
 *
 * Nothing decrypted is used before the GCM tag has been checked (`final()`; on a refusal the
 * plaintext written so far is wiped), and nothing of the JWS payload before its signature has been.
 */

const DOT = 0x2e
/** Base64url is decoded and encoded in blocks: 4 characters <-> 3 bytes, so blocks join without padding. */
// 64 KB of text: small enough to stay in V8's heap and malloc's reused memory (a 1 MB string or buffer
// is a fresh mapping each time, and page faults were most of the cost).
const TEXT_BLOCK = 4 << 14
const BYTE_BLOCK = 3 << 14

export const importSigningKey = (jwk: JWK): Promise<CryptoKey> =>
  importJWK(jwk, SIGN_ALG) as Promise<CryptoKey>
export const importEncryptionKey = (jwk: JWK): Promise<CryptoKey> =>
  importJWK(jwk, KEY_ALG) as Promise<CryptoKey>

/** The protected header members sync reads, as sent: nothing in it is checked by `peekHeader`. */
export interface ProtectedHeader {
  alg?: string
  kid?: string
  typ?: string
  jwk?: JWK
  enc?: string
  cty?: string
}

/**
 * A fresh buffer of a compact JOSE text (so in-place decoding never touches the caller's). A string is
 * encoded as UTF-8, not latin1: compact JOSE is ASCII, and latin1 would fold a character such as
 * U+012E onto an ASCII byte ('.') and make a different text verify; in UTF-8 it stays non-ASCII and is
 * refused.
 */
const compactBytes = (compact: string | Uint8Array): Buffer =>
  typeof compact === 'string' ? Buffer.from(compact, 'utf8') : Buffer.from(compact)

const damaged = (what: string): TesseraError =>
  new TesseraError('check_failed', `${what} is damaged: its protected header cannot be read`)

/** Value of each base64url character, -1 for any other byte. */
const B64URL = (() => {
  const t = new Int8Array(256).fill(-1)
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i
  return t
})()

/**
 * Decodes the unpadded base64url text `buf[start, end)` into `buf` at `out` (out <= start), strictly:
 * a byte outside the alphabet, a length no encoder makes, or non-zero bits left over in the last
 * character throws. Returns the number of bytes written.
 */
function decodeInPlace(buf: Buffer, start: number, end: number, out: number): number {
  const length = end - start
  if (length % 4 === 1) throw new SyntaxError('not base64url')
  let written = 0
  for (let at = start; at < end; at += TEXT_BLOCK) {
    const stop = Math.min(at + TEXT_BLOCK, end)
    const text = buf.toString('latin1', at, stop)
    const n = buf.write(text, out + written, 'base64url')
    // Node's decoder stops at a character outside both alphabets and accepts '+' and '/': both are
    // refused here (the first shows as a short count).
    const expected = Math.floor(((stop - at) * 3) / 4)
    if (n !== expected || text.includes('+') || text.includes('/')) throw new SyntaxError('not base64url')
    written += n
  }
  if (length % 4 !== 0) {
    const last = B64URL[buf[end - 1]!]!
    if (last < 0 || (last & (length % 4 === 2 ? 0x0f : 0x03)) !== 0) throw new SyntaxError('not base64url')
  }
  return written
}

const base64url = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')
const base64urlLength = (n: number): number => Math.ceil((n * 4) / 3)

function decodeSmall(buf: Buffer, start: number, end: number): Buffer {
  const copy = Buffer.from(buf.subarray(start, end))
  return copy.subarray(0, decodeInPlace(copy, 0, copy.length, 0))
}

function jsonObject(bytes: Buffer): Record<string, unknown> {
  if (!isUtf8(bytes)) throw new SyntaxError('not UTF-8')
  const value: unknown = JSON.parse(bytes.toString('utf8'))
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SyntaxError('not an object')
  return value as Record<string, unknown>
}

function dots(buf: Buffer, count: number): number[] | null {
  const out: number[] = []
  for (let from = 0; ;) {
    const at = buf.indexOf(DOT, from)
    if (at < 0) break
    out.push(at)
    if (out.length > count) return null
    from = at + 1
  }
  return out.length === count ? out : null
}

/** A compact JOSE object's protected header, unchecked (to pick the key), or check_failed. */
export function peekHeaderBytes(compact: Buffer, what: string): Record<string, unknown> {
  const end = compact.indexOf(DOT)
  if (end < 0) throw damaged(what)
  try {
    return jsonObject(decodeSmall(compact, 0, end))
  } catch {
    throw damaged(what)
  }
}

/** `peekHeaderBytes` of a text (only its first part is read). */
export function peekHeader(compact: string, what: string): ProtectedHeader {
  const dot = compact.indexOf('.')
  return peekHeaderBytes(compactBytes(dot < 0 ? compact : compact.slice(0, dot + 1)), what) as ProtectedHeader
}

// ---------------------------------------------------------------------------------------------
// JWS (EdDSA)

/**
 * Signs `payload` as a compact JWS written into one buffer (the signing input is its first part, so
 * it is never copied again).
 */
export async function signCompactBytes(
  payload: Uint8Array,
  key: CryptoKey,
  header: { kid: string; typ: string; jwk?: JWK },
): Promise<Buffer> {
  const protectedPart = base64url(Buffer.from(JSON.stringify({ alg: SIGN_ALG, ...header }), 'utf8'))
  const payloadLength = base64urlLength(payload.byteLength)
  const signingLength = protectedPart.length + 1 + payloadLength
  const out = Buffer.allocUnsafe(signingLength + 1 + base64urlLength(64))
  out.write(protectedPart, 0, 'latin1')
  out[protectedPart.length] = DOT
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
  let at = protectedPart.length + 1
  for (let i = 0; i < bytes.length; i += BYTE_BLOCK)
    at += out.write(bytes.subarray(i, i + BYTE_BLOCK).toString('base64url'), at, 'latin1')
  // Synchronous on purpose: with a callback, Node copies the whole signing input (100+ MB for a
  // bundle) into fresh memory for its worker thread, which costs several times the signature itself.
  const signature = nodeSign(null, out.subarray(0, signingLength), KeyObject.from(key))
  out[signingLength] = DOT
  const end = signingLength + 1 + out.write(base64url(signature), signingLength + 1, 'latin1')
  return out.subarray(0, end)
}

/** `signCompactBytes` as text (receipts). */
export async function signCompact(
  payload: Uint8Array,
  key: CryptoKey,
  header: { kid: string; typ: string; jwk?: JWK },
): Promise<string> {
  return (await signCompactBytes(payload, key, header)).toString('latin1')
}

/**
 * The payload of a compact JWS signed by `key` with EdDSA (and of type `expected.typ`, if given), or
 * check_failed. Decodes the payload in place: `jws` is overwritten (its first bytes become the
 * payload, which is returned as a view).
 */
export async function verifyCompactBytes(
  jws: Buffer,
  key: CryptoKey,
  what: string,
  expected: { typ?: string } = {},
): Promise<Buffer> {
  const refused = (): TesseraError =>
    new TesseraError(
      'check_failed',
      `The signature of ${what} is not valid: it was altered or damaged after it was signed`,
    )
  const d = dots(jws, 2)
  if (!d) throw refused()
  const [first, second] = d as [number, number]
  let header: Record<string, unknown>
  let signature: Buffer
  try {
    header = jsonObject(decodeSmall(jws, 0, first))
    signature = decodeSmall(jws, second + 1, jws.length)
  } catch {
    throw refused()
  }
  // Only what signCompact writes: EdDSA over the base64url payload, no extension (crit, b64) to honour.
  if (header.alg !== SIGN_ALG || 'crit' in header || 'b64' in header || key.type !== 'public') throw refused()
  if (expected.typ !== undefined && header.typ !== expected.typ) throw refused()
  // Synchronous, as in signCompactBytes: a callback would copy the signed text into fresh memory.
  let valid: boolean
  try {
    valid = nodeVerify(null, jws.subarray(0, second), KeyObject.from(key), signature)
  } catch {
    valid = false // not an Ed25519 public key
  }
  if (!valid) throw refused()
  // The signature covers the bytes as sent; the payload must then be strict base64url too.
  let n: number
  try {
    n = decodeInPlace(jws, first + 1, second, 0)
  } catch {
    throw refused()
  }
  return jws.subarray(0, n)
}

/** `verifyCompactBytes` of a text (receipts); the payload is a fresh buffer. */
export function verifyCompact(
  jws: string,
  key: CryptoKey,
  what: string,
  expected: { typ?: string } = {},
): Promise<Buffer> {
  return verifyCompactBytes(compactBytes(jws), key, what, expected)
}

// ---------------------------------------------------------------------------------------------
// JWE (ECDH-ES direct key agreement, A256GCM)

const CEK_BITS = 256
const uint32be = (n: number): Buffer => {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n)
  return b
}
const lengthAndInput = (b: Uint8Array): Buffer => Buffer.concat([uint32be(b.length), b])

/** RFC 7518 4.6.2: the Concat KDF (SHA-256) of the shared secret, for ECDH-ES in direct key agreement. */
function concatKdf(sharedSecret: Uint8Array, apu: Uint8Array, apv: Uint8Array): Buffer {
  return createHash('sha256')
    .update(uint32be(1))
    .update(sharedSecret)
    .update(lengthAndInput(Buffer.from(CONTENT_ALG, 'ascii')))
    .update(lengthAndInput(apu))
    .update(lengthAndInput(apv))
    .update(uint32be(CEK_BITS))
    .digest()
}

/** Bits of the ECDH shared secret for this key's curve (as jose derives them). */
function sharedSecretBits(key: CryptoKey): number {
  const algorithm = key.algorithm as { name: string; namedCurve?: string }
  if (algorithm.name === 'X25519') return 256
  return Math.ceil(parseInt(String(algorithm.namedCurve).slice(-3), 10) / 8) << 3
}

async function agree(publicKey: CryptoKey, privateKey: CryptoKey, apu: Uint8Array, apv: Uint8Array) {
  const bits = await webcrypto.subtle.deriveBits(
    { name: publicKey.algorithm.name, public: publicKey } as never,
    privateKey as never,
    sharedSecretBits(publicKey),
  )
  return concatKdf(new Uint8Array(bits), apu, apv)
}

function partyInfo(value: unknown): Uint8Array {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]*$/.test(value)) throw new Error('apu/apv: base64url')
  const text = Buffer.from(value, 'latin1')
  return decodeSmall(text, 0, text.length)
}

/**
 * Writes a compact JWE of `plaintext` to `recipient` through `write` (called with successive parts of
 * the one line), encrypting and encoding 48 KB at a time.
 */
export async function encryptCompactTo(
  plaintext: Uint8Array,
  recipient: { jwk: JWK; kid: string },
  cty: string | undefined,
  write: (part: string) => void,
): Promise<void> {
  const publicKey = await importEncryptionKey(recipient.jwk)
  const algorithm = publicKey.algorithm as { name: string; namedCurve?: string }
  const ephemeral = (await webcrypto.subtle.generateKey(algorithm as never, true, [
    'deriveBits',
  ])) as unknown as { publicKey: CryptoKey; privateKey: CryptoKey }
  const { x, y, crv, kty } = await exportJWK(ephemeral.publicKey)
  const epk = kty === 'EC' ? { crv, kty, x, y } : { crv, kty, x }
  const cek = await agree(publicKey, ephemeral.privateKey, new Uint8Array(0), new Uint8Array(0))
  const header = { alg: KEY_ALG, enc: CONTENT_ALG, kid: recipient.kid, ...(cty ? { cty } : {}), epk }
  const protectedPart = base64url(Buffer.from(JSON.stringify(header), 'utf8'))
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', cek, iv, { authTagLength: 16 })
  cipher.setAAD(Buffer.from(protectedPart, 'ascii'))
  write(`${protectedPart}..${base64url(iv)}.`)
  const bytes = Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength)
  for (let i = 0; i < bytes.length; i += BYTE_BLOCK)
    write(cipher.update(bytes.subarray(i, i + BYTE_BLOCK)).toString('base64url'))
  const rest = cipher.final()
  if (rest.length) throw new Error('AES-GCM returned bytes at the end of a stream')
  write(`.${base64url(cipher.getAuthTag())}`)
}

/** `encryptCompactTo` as one text (evidence parts). */
export async function encryptCompact(
  plaintext: Uint8Array,
  recipient: { jwk: JWK; kid: string },
  cty?: string,
): Promise<string> {
  const parts: string[] = []
  await encryptCompactTo(plaintext, recipient, cty, (p) => parts.push(p))
  return parts.join('')
}

/**
 * The plaintext of a compact JWE (ECDH-ES + A256GCM) to `key`, or check_failed. Decrypts in place:
 * `jwe` is overwritten and the plaintext returned is a view of its first bytes. Refuses what jose
 * refuses for these algorithms: another alg or enc, compression, critical extensions, an encrypted
 * key, a missing or invalid ephemeral key, a tag or IV of the wrong size.
 */
export async function decryptCompactBytes(jwe: Buffer, key: CryptoKey, what: string): Promise<Buffer> {
  const refused = (): TesseraError =>
    new TesseraError('check_failed', `${what} cannot be decrypted: it was altered, damaged or truncated`)
  const d = dots(jwe, 4)
  if (!d) throw refused()
  const [a, b, c, e] = d as [number, number, number, number]
  let header: Record<string, unknown>
  let iv: Buffer
  let tag: Buffer
  let apu: Uint8Array = new Uint8Array(0)
  let apv: Uint8Array = new Uint8Array(0)
  let cek: Buffer
  try {
    header = jsonObject(decodeSmall(jwe, 0, a))
    if (header.alg !== KEY_ALG || header.enc !== CONTENT_ALG) throw new Error('algorithm')
    if ('zip' in header || 'crit' in header) throw new Error('extension')
    if (b !== a + 1) throw new Error('an encrypted key with ECDH-ES')
    const epk = header.epk
    if (typeof epk !== 'object' || epk === null || Array.isArray(epk)) throw new Error('epk')
    if (header.apu !== undefined) apu = partyInfo(header.apu)
    if (header.apv !== undefined) apv = partyInfo(header.apv)
    iv = decodeSmall(jwe, b + 1, c)
    tag = decodeSmall(jwe, e + 1, jwe.length)
    if (iv.length !== 12 || tag.length !== 16) throw new Error('iv/tag')
    const ephemeral = await importEncryptionKey(epk as JWK)
    if (key.type !== 'private') throw new Error('key')
    cek = await agree(ephemeral, key, apu, apv)
  } catch {
    throw refused()
  }
  // The additional authenticated data is the protected header as sent: copied before the in-place decoding overwrites it.
  const aad = Buffer.from(jwe.subarray(0, a))
  let n: number
  try {
    n = decodeInPlace(jwe, c + 1, e, 0)
  } catch {
    throw refused()
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', cek, iv, { authTagLength: 16 })
    decipher.setAAD(aad)
    decipher.setAuthTag(tag)
    // Each block's plaintext comes back as latin1 text (one byte, one character; in V8's young
    // generation) rather than as a Buffer: a Buffer's memory is released only by a later garbage
    // collection, so 100 MB of them were fresh memory, costlier here than the deciphering.
    for (let i = 0; i < n; i += BYTE_BLOCK) {
      const stop = Math.min(i + BYTE_BLOCK, n)
      jwe.write(decipher.update(jwe.subarray(i, stop), undefined, 'latin1'), i, 'latin1')
    }
    decipher.final()
  } catch {
    // Refused (the tag did not match): what was deciphered is not the sender's and must not outlive it.
    jwe.fill(0, 0, n)
    throw refused()
  }
  return jwe.subarray(0, n)
}

/** `decryptCompactBytes` of a text or of bytes left as they are (evidence parts); a fresh buffer. */
export function decryptCompact(jwe: string | Uint8Array, key: CryptoKey, what: string): Promise<Buffer> {
  return decryptCompactBytes(compactBytes(jwe), key, what)
}
