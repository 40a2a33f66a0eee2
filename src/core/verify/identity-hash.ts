/**
 * OB 3.0 `IdentityHash` (`<alg>$<hex>` of identifier ‖ salt) and the email normalization Tessera
 * applies before hashing. The spec defines no normalization; Tessera trims, lower-cases and
 * NFC-normalizes emails on both sides, and the verifier also tries the value as typed, so it can
 * match hashes made by issuers that did not normalize (ob3.md §1.5).
 *
 * Isomorphic (shared by the builder and the verifier).
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { md5 } from '@noble/hashes/legacy.js'
import { hex } from '@scure/base'
import { emailKey } from '../domain/names'

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

/** `sha256$<lowercase hex>` of value ‖ salt. */
export function hashIdentity(value: string, salt: string): string {
  return 'sha256$' + hex.encode(sha256(utf8(value + salt)))
}

/** The form of an email Tessera hashes. */
export const normalizeEmail = (email: string): string => (emailKey(email) ?? '').normalize('NFC')

/**
 * Whether `identityHash` (`sha256$…` or `md5$…`, either hex case) is the hash of `candidate` ‖ salt.
 * Unknown algorithms never match.
 */
export function identityHashMatches(
  identityHash: string,
  candidate: string,
  salt: string | undefined,
): boolean {
  const i = identityHash.indexOf('$')
  if (i < 0) return false
  const alg = identityHash.slice(0, i).toLowerCase()
  const expected = identityHash.slice(i + 1).toLowerCase()
  const data = utf8(candidate + (salt ?? ''))
  if (alg === 'sha256') return hex.encode(sha256(data)) === expected
  if (alg === 'md5') return hex.encode(md5(data)) === expected
  return false
}
