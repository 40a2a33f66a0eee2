import { KeyObject, sign as nodeSign, verify as nodeVerify } from 'node:crypto'
import {
  CompactEncrypt,
  compactDecrypt,
  decodeProtectedHeader,
  importJWK,
  type CryptoKey,
  type JWK,
} from 'jose'
import { TesseraError } from '../../contract/errors'
import { fromBase64 } from '../node/uint8array-base64'
import { CONTENT_ALG, KEY_ALG, SIGN_ALG } from './bundle-format'

/** Thin wrappers over jose with the algorithms sync allows, so no header can pick another one. */

export const importSigningKey = (jwk: JWK): Promise<CryptoKey> =>
  importJWK(jwk, SIGN_ALG) as Promise<CryptoKey>
export const importEncryptionKey = (jwk: JWK): Promise<CryptoKey> =>
  importJWK(jwk, KEY_ALG) as Promise<CryptoKey>

/**
 * Compact JWS (EdDSA) signing and verification with Node's crypto rather than jose: a bundle's JWS is
 * some 120 MB, and jose turns the signing input from text to bytes with a full scan for non-ASCII
 * and a TextEncoder pass (seconds on an old laptop; bench/cases/sync.ts). Both parts are base64url,
 * ASCII by construction (and checked strictly before verifying), so they are copied byte for byte.
 * The output is the standard compact serialization: jose verifies what this signs and vice versa
 * (test/sync covers both directions through export, import and receipts).
 */
function signingInput(protectedPart: string, payloadPart: string): Buffer {
  const input = Buffer.allocUnsafe(protectedPart.length + 1 + payloadPart.length)
  input.write(protectedPart, 0, 'latin1')
  input[protectedPart.length] = 0x2e // '.'
  input.write(payloadPart, protectedPart.length + 1, 'latin1')
  return input
}

const base64url = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')

export async function signCompact(
  payload: Uint8Array,
  key: CryptoKey,
  header: { kid: string; typ: string; jwk?: JWK },
): Promise<string> {
  const protectedPart = base64url(Buffer.from(JSON.stringify({ alg: SIGN_ALG, ...header }), 'utf8'))
  const payloadPart = base64url(payload)
  const signature = await new Promise<Buffer>((resolve, reject) => {
    nodeSign(null, signingInput(protectedPart, payloadPart), KeyObject.from(key), (e, sig) =>
      e ? reject(e) : resolve(sig),
    )
  })
  return `${protectedPart}.${payloadPart}.${base64url(signature)}`
}

export interface ProtectedHeader {
  alg?: string
  kid?: string
  typ?: string
  jwk?: JWK
  enc?: string
}

/** Reads a compact JOSE object's protected header without checking anything (to pick the key). */
export function peekHeader(compact: string, what: string): ProtectedHeader {
  try {
    return decodeProtectedHeader(compact) as ProtectedHeader
  } catch {
    throw new TesseraError('check_failed', `${what} is damaged: its protected header cannot be read`)
  }
}

/** The payload of a compact JWS signed by `key` with EdDSA (as `signCompact` writes it), or check_failed. */
export async function verifyCompact(jws: string, key: CryptoKey, what: string): Promise<Uint8Array> {
  const refused = (): TesseraError =>
    new TesseraError(
      'check_failed',
      `The signature of ${what} is not valid: it was altered or damaged after it was signed`,
    )
  const parts = jws.split('.')
  if (parts.length !== 3) throw refused()
  const [protectedPart, payloadPart, signaturePart] = parts as [string, string, string]
  let header: unknown
  let payload: Uint8Array
  let signature: Uint8Array
  try {
    // Strict base64url (any other character throws): the signing input is then plain ASCII.
    header = JSON.parse(Buffer.from(fromBase64(protectedPart, { alphabet: 'base64url' })).toString('utf8'))
    payload = fromBase64(payloadPart, { alphabet: 'base64url' })
    signature = fromBase64(signaturePart, { alphabet: 'base64url' })
  } catch {
    throw refused()
  }
  // Only what signCompact writes: EdDSA over the base64url payload, no extension (crit, b64) to honour.
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw refused()
  const h = header as Record<string, unknown>
  if (h.alg !== SIGN_ALG || 'crit' in h || 'b64' in h || key.type !== 'public') throw refused()
  const valid = await new Promise<boolean>((resolve) => {
    try {
      nodeVerify(null, signingInput(protectedPart, payloadPart), KeyObject.from(key), signature, (e, ok) =>
        resolve(!e && ok),
      )
    } catch {
      resolve(false) // not an Ed25519 public key
    }
  })
  if (!valid) throw refused()
  return payload
}

export async function encryptCompact(
  plaintext: Uint8Array,
  recipient: { jwk: JWK; kid: string },
  cty?: string,
): Promise<string> {
  const key = await importEncryptionKey(recipient.jwk)
  return new CompactEncrypt(plaintext)
    .setProtectedHeader({ alg: KEY_ALG, enc: CONTENT_ALG, kid: recipient.kid, ...(cty ? { cty } : {}) })
    .encrypt(key)
}

export async function decryptCompact(jwe: string, key: CryptoKey, what: string): Promise<Uint8Array> {
  try {
    const { plaintext } = await compactDecrypt(jwe, key, {
      keyManagementAlgorithms: [KEY_ALG],
      contentEncryptionAlgorithms: [CONTENT_ALG],
    })
    return plaintext
  } catch {
    throw new TesseraError(
      'check_failed',
      `${what} cannot be decrypted: it was altered, damaged or truncated`,
    )
  }
}
