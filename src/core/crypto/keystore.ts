/**
 * Issuer private keys at rest: scrypt (passphrase → 256-bit key) then AES-256-GCM, stored as a
 * versioned JSON envelope. The clear key never touches disk.
 *
 * The envelope is plain JSON text on purpose: the desktop shell can wrap the whole string with
 * Electron `safeStorage.encryptString` (defence in depth, architecture.md §5.3) and unwrap it back to
 * the same text, without this module knowing. The header (`v`, `kdf`, `alg`) is bound to the
 * ciphertext as AES-GCM additional data, so weakening the stored scrypt cost or swapping the salt
 * makes decryption fail instead of silently deriving a different key.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto'
import { z } from 'zod'
import { TesseraError } from '../../contract/errors'
import { toPublicJwk, type IssuerKey, type PrivateJwk, type PublicJwk } from './keys'

export interface KeyEnvelope {
  v: 1
  kdf: { name: 'scrypt'; N: number; r: number; p: number; /** base64url, 16 bytes */ salt: string }
  alg: 'A256GCM'
  /** base64url, 12 bytes */
  iv: string
  /** base64url, 16 bytes */
  tag: string
  /** base64url */
  ct: string
}

/** An issuer key as persisted: public parts in clear (to verify, list and export without the passphrase). */
export interface StoredIssuerKey extends Omit<IssuerKey, 'privateJwk'> {
  envelope: KeyEnvelope
}

export interface ScryptCost {
  /** CPU/memory cost, a power of two >= 2^15. Default 2^15 (about 50-100 ms, 32 MiB). */
  N?: number
  r?: number
  p?: number
}

const DEFAULT_N = 2 ** 15
const MIN_N = 2 ** 15
// Envelopes are read from disk or a sync peer, so cap the cost they can ask for (memory = 128·N·r).
const MAX_N = 2 ** 20
const MAX_R = 16
const MAX_P = 4

const b64u = z.string().regex(/^[A-Za-z0-9_-]*$/, 'must be base64url')
const envelopeSchema = z.object({
  v: z.literal(1),
  kdf: z.object({
    name: z.literal('scrypt'),
    N: z.number().int(),
    r: z.number().int().min(1).max(MAX_R),
    p: z.number().int().min(1).max(MAX_P),
    salt: b64u,
  }),
  alg: z.literal('A256GCM'),
  iv: b64u,
  tag: b64u,
  ct: b64u,
})

/** Encrypts bytes under a passphrase. */
export async function sealWithPassphrase(
  plaintext: Uint8Array,
  passphrase: string,
  cost: ScryptCost = {},
): Promise<KeyEnvelope> {
  const kdf = {
    name: 'scrypt' as const,
    N: cost.N ?? DEFAULT_N,
    r: cost.r ?? 8,
    p: cost.p ?? 1,
    salt: randomBytes(16).toString('base64url'),
  }
  checkCost(kdf.N, kdf.r, kdf.p)
  const key = await deriveKey(passphrase, kdf)
  const iv = randomBytes(12)
  const header = { v: 1 as const, kdf, alg: 'A256GCM' as const }
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(aadOf(header))
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()])
  key.fill(0)
  return {
    ...header,
    iv: iv.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
    ct: ct.toString('base64url'),
  }
}

/**
 * Decrypts an envelope. A wrong passphrase and a tampered envelope are indistinguishable under
 * AES-GCM, so both are reported as a wrong passphrase (`forbidden`); a malformed envelope is `validation`.
 */
export async function openWithPassphrase(
  envelope: unknown,
  passphrase: string,
  what = 'the issuer key',
): Promise<Uint8Array> {
  const env = parseKeyEnvelope(envelope)
  checkCost(env.kdf.N, env.kdf.r, env.kdf.p)
  const key = await deriveKey(passphrase, env.kdf)
  const iv = Buffer.from(env.iv, 'base64url')
  const tag = Buffer.from(env.tag, 'base64url')
  if (iv.length !== 12 || tag.length !== 16) {
    throw new TesseraError(
      'validation',
      `Key envelope for ${what} is malformed: iv must be 12 bytes and tag 16 bytes`,
    )
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv)
    decipher.setAAD(aadOf({ v: env.v, kdf: env.kdf, alg: env.alg }))
    decipher.setAuthTag(tag)
    const out = Buffer.concat([decipher.update(Buffer.from(env.ct, 'base64url')), decipher.final()])
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
  } catch {
    throw new TesseraError(
      'forbidden',
      `Wrong passphrase for ${what} (or the stored key envelope was altered)`,
    )
  } finally {
    key.fill(0)
  }
}

/** Validates an envelope read from storage (object or JSON text). */
export function parseKeyEnvelope(input: unknown): KeyEnvelope {
  let value = input
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input)
    } catch {
      throw new TesseraError('validation', 'Key envelope is not JSON')
    }
  }
  const parsed = envelopeSchema.safeParse(value)
  if (!parsed.success) {
    throw new TesseraError('validation', 'Key envelope is malformed', {
      issues: parsed.error.issues.map((i) => ({
        path: ['envelope', ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
        message: i.message,
      })),
    })
  }
  return parsed.data
}

export const serializeKeyEnvelope = (envelope: KeyEnvelope): string => JSON.stringify(envelope)

/** Encrypts an issuer key's private JWK; the public parts stay readable. */
export async function sealIssuerKey(
  key: IssuerKey,
  passphrase: string,
  cost?: ScryptCost,
): Promise<StoredIssuerKey> {
  const { privateJwk, ...rest } = key
  const envelope = await sealWithPassphrase(
    new TextEncoder().encode(JSON.stringify(privateJwk)),
    passphrase,
    cost,
  )
  return { ...rest, envelope }
}

/**
 * Decrypts a stored issuer key. Throws `forbidden` on a wrong passphrase before any key material
 * exists, so no signing path can run with a wrong passphrase.
 */
export async function unlockIssuerKey(stored: StoredIssuerKey, passphrase: string): Promise<IssuerKey> {
  const what = `the issuer key ${stored.kid}`
  const bytes = await openWithPassphrase(stored.envelope, passphrase, what)
  let jwk: PrivateJwk
  try {
    jwk = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as PrivateJwk
  } catch {
    throw new TesseraError('internal', `Decrypted ${what} is not a JWK`)
  } finally {
    bytes.fill(0)
  }
  const pub: PublicJwk = await toPublicJwk(jwk)
  if (typeof jwk.d !== 'string' || pub.kid !== stored.kid) {
    throw new TesseraError('internal', `Decrypted ${what} does not match its public key`)
  }
  return {
    kid: stored.kid,
    type: stored.type,
    createdAt: stored.createdAt,
    publicJwk: stored.publicJwk,
    privateJwk: { ...pub, d: jwk.d },
  }
}

function checkCost(N: number, r: number, p: number): void {
  const powerOfTwo = Number.isInteger(N) && N > 1 && (N & (N - 1)) === 0
  if (!powerOfTwo || N < MIN_N || N > MAX_N || r < 1 || r > MAX_R || p < 1 || p > MAX_P) {
    throw new TesseraError(
      'validation',
      `Key envelope scrypt cost out of range: N must be a power of two in 2^15..2^20, r in 1..${MAX_R}, p in 1..${MAX_P} (got N=${N}, r=${r}, p=${p})`,
    )
  }
}

function deriveKey(passphrase: string, kdf: KeyEnvelope['kdf']): Promise<Buffer> {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    return Promise.reject(
      new TesseraError('validation', 'A passphrase is required to protect the issuer key'),
    )
  }
  const salt = Buffer.from(kdf.salt, 'base64url')
  if (salt.length !== 16)
    return Promise.reject(new TesseraError('validation', 'Key envelope salt must be 16 bytes'))
  // NFC so the same passphrase typed on two keyboards derives the same key.
  const secret = Buffer.from(passphrase.normalize('NFC'), 'utf8')
  return new Promise((resolve, reject) => {
    scrypt(
      secret,
      salt,
      32,
      { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r + 1024 * 1024 },
      (err, key) => {
        secret.fill(0)
        if (err) reject(new TesseraError('internal', `scrypt failed: ${err.message}`))
        else resolve(key)
      },
    )
  })
}

function aadOf(header: Pick<KeyEnvelope, 'v' | 'kdf' | 'alg'>): Buffer {
  const { kdf } = header
  // Fixed member order: the AAD must be byte-identical whatever order a JSON parser kept.
  return Buffer.from(JSON.stringify([header.v, header.alg, kdf.name, kdf.N, kdf.r, kdf.p, kdf.salt]), 'utf8')
}
