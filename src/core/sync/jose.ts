import {
  CompactEncrypt,
  CompactSign,
  compactDecrypt,
  compactVerify,
  decodeProtectedHeader,
  importJWK,
  type CryptoKey,
  type JWK,
} from 'jose'
import { TesseraError } from '../../contract/errors'
import { CONTENT_ALG, KEY_ALG, SIGN_ALG } from './bundle-format'

/** Thin wrappers over jose with the algorithms sync allows, so no header can pick another one. */

export const importSigningKey = (jwk: JWK): Promise<CryptoKey> =>
  importJWK(jwk, SIGN_ALG) as Promise<CryptoKey>
export const importEncryptionKey = (jwk: JWK): Promise<CryptoKey> =>
  importJWK(jwk, KEY_ALG) as Promise<CryptoKey>

export async function signCompact(
  payload: Uint8Array,
  key: CryptoKey,
  header: { kid: string; typ: string; jwk?: JWK },
): Promise<string> {
  return new CompactSign(payload).setProtectedHeader({ alg: SIGN_ALG, ...header }).sign(key)
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

export async function verifyCompact(jws: string, key: CryptoKey, what: string): Promise<Uint8Array> {
  try {
    const { payload } = await compactVerify(jws, key, { algorithms: [SIGN_ALG] })
    return payload
  } catch {
    throw new TesseraError(
      'check_failed',
      `The signature of ${what} is not valid: it was altered or damaged after it was signed`,
    )
  }
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
