/**
 * VC-JWT as Open Badges 3.0 profiles it (ob3.md §2.1), not W3C `application/vc+jwt`:
 * header `{ alg: 'ES256', typ: 'JWT', jwk: <public P-256 JWK> }` (no other headers allowed),
 * payload = the credential itself plus `iss` (issuer.id), `sub` (credentialSubject.id),
 * `jti` (id), `nbf` (validFrom) and `exp` (validUntil, if any).
 *
 * ES256 because the 1EdTech validator accepts only RS256/ES256 and rejects EdDSA JWTs.
 * Verification checks the signature with a pinned algorithm list and leaves the claim/credential
 * checks to verify.ts, so a report can say which part failed.
 *
 * Isomorphic (jose).
 */
import {
  CompactSign,
  compactVerify,
  decodeProtectedHeader,
  importJWK,
  type JWK,
  type ProtectedHeaderParameters,
} from 'jose'
import { base64urlnopad } from '@scure/base'
import { TesseraError } from '../../contract/errors'
import { importedPrivateKey } from './imported-keys'
import { toPublicJwk, type IssuerKey, type PublicJwk } from '../crypto/keys'
import { parseDateTimeZ } from './date-time'

/** What Tessera accepts by default: what the 1EdTech validator accepts. Never 'none', never HMAC. */
export const DEFAULT_JWT_ALGORITHMS = ['ES256', 'RS256'] as const

/** Registered JWT claims that are JOSE envelope, not credential data (stripped before JSON-LD/schema checks). */
export const JWT_CLAIMS = ['iss', 'sub', 'jti', 'nbf', 'exp', 'iat', 'aud'] as const

/** Signs a credential as an OB 3.0 VC-JWT with the issuer's P-256 key. */
export async function signVcJwt(credential: Record<string, unknown>, key: IssuerKey): Promise<string> {
  if (key.type !== 'P-256')
    throw new TesseraError('validation', `VC-JWTs are signed with the P-256 (ES256) key, not ${key.type}`)
  const issuer = credential.issuer
  const iss = typeof issuer === 'string' ? issuer : (issuer as { id?: unknown } | undefined)?.id
  const subject = credential.credentialSubject as { id?: unknown } | undefined
  if (typeof iss !== 'string')
    throw new TesseraError('validation', 'VC-JWT: the credential has no issuer id (iss)')
  if (typeof subject?.id !== 'string') {
    throw new TesseraError(
      'validation',
      'VC-JWT: credentialSubject.id is required, because the JWT sub claim must equal it',
    )
  }
  if (typeof credential.id !== 'string')
    throw new TesseraError('validation', 'VC-JWT: the credential has no id (jti)')
  const validFrom = parseDateTimeZ(credential.validFrom)
  if (!validFrom)
    throw new TesseraError('validation', 'VC-JWT: validFrom is missing or not a date-time with zone')
  if (validFrom.getTime() % 1000 !== 0) {
    throw new TesseraError('validation', 'VC-JWT: validFrom must be whole seconds so that nbf equals it')
  }
  const payload: Record<string, unknown> = {
    ...credential,
    iss,
    sub: subject.id,
    jti: credential.id,
    nbf: validFrom.getTime() / 1000,
  }
  if (credential.validUntil !== undefined) {
    const validUntil = parseDateTimeZ(credential.validUntil)
    if (!validUntil) throw new TesseraError('validation', 'VC-JWT: validUntil is not a date-time with zone')
    payload.exp = Math.floor(validUntil.getTime() / 1000)
  }
  const { kid: _kid, ...publicJwk } = key.publicJwk
  const privateKey = await importedPrivateKey(key.privateJwk, 'ES256')
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', jwk: publicJwk })
    .sign(privateKey)
}

export interface DecodedVcJwt {
  header: ProtectedHeaderParameters
  /** The whole JWT payload. */
  payload: Record<string, unknown>
  /** The credential: the legacy `vc` claim if present (VC-DM 1.1), else the payload without JWT claims. */
  credential: Record<string, unknown>
}

/** Decodes without verifying. Throws `validation` when it is not a JWT carrying a JSON object. */
export function decodeVcJwt(jwt: string): DecodedVcJwt {
  const parts = jwt.trim().split('.')
  if (parts.length !== 3)
    throw new TesseraError('validation', 'Not a compact JWS: expected three dot-separated parts')
  let header: ProtectedHeaderParameters
  let payload: unknown
  try {
    header = decodeProtectedHeader(jwt.trim())
    payload = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(base64urlnopad.decode(parts[1] as string)),
    )
  } catch {
    throw new TesseraError('validation', 'Not a JWT: the header or payload is not base64url JSON')
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new TesseraError('validation', 'JWT payload is not a JSON object')
  }
  const p = payload as Record<string, unknown>
  let credential: Record<string, unknown>
  if (p.vc && typeof p.vc === 'object' && !Array.isArray(p.vc)) {
    credential = p.vc as Record<string, unknown>
  } else {
    credential = { ...p }
    for (const c of JWT_CLAIMS) delete credential[c]
  }
  return { header, payload: p, credential }
}

export type JwtKeyResolver = (header: ProtectedHeaderParameters) => Promise<JWK | undefined>

export interface VerifyJwtOptions {
  /** Allowed `alg` values; default DEFAULT_JWT_ALGORITHMS. `none` is always refused. */
  algorithms?: readonly string[]
  /** Finds the key when the header has no `jwk` (e.g. `kid` = did:jwk or a trusted key's thumbprint). */
  resolveKey?: JwtKeyResolver
}

export type JwtSignatureResult =
  | { ok: true; decoded: DecodedVcJwt; publicJwk: PublicJwk | JWK; keySource: 'header-jwk' | 'resolved' }
  | { ok: false; reason: string; decoded?: DecodedVcJwt }

/**
 * Checks the JWS signature only (header allow-list, pinned algorithms, key from `jwk` or the
 * resolver). Claims and dates are for the caller. Never throws for a bad token.
 */
export async function verifyVcJwtSignature(
  jwt: string,
  options: VerifyJwtOptions = {},
): Promise<JwtSignatureResult> {
  let decoded: DecodedVcJwt
  try {
    decoded = decodeVcJwt(jwt)
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) }
  }
  const { header } = decoded
  const algorithms = (options.algorithms ?? DEFAULT_JWT_ALGORITHMS).filter((a) => a !== 'none')
  if (typeof header.alg !== 'string' || header.alg === 'none' || !algorithms.includes(header.alg)) {
    return {
      ok: false,
      decoded,
      reason: `JWT alg "${String(header.alg)}" is not allowed (allowed: ${algorithms.join(', ')})`,
    }
  }
  if (header.typ !== undefined && !['JWT', 'vc+jwt'].includes(String(header.typ))) {
    return { ok: false, decoded, reason: `JWT typ "${String(header.typ)}" is not JWT` }
  }
  if (header.crit !== undefined) return { ok: false, decoded, reason: 'JWT crit header is not supported' }
  let jwk: JWK | undefined
  let keySource: 'header-jwk' | 'resolved' = 'header-jwk'
  if (header.jwk) {
    if ('d' in header.jwk || 'p' in header.jwk || 'k' in header.jwk) {
      return { ok: false, decoded, reason: 'The JWT header jwk contains private or symmetric key material' }
    }
    jwk = header.jwk as JWK
  } else {
    jwk = options.resolveKey ? await options.resolveKey(header) : undefined
    keySource = 'resolved'
    if (!jwk) {
      return {
        ok: false,
        decoded,
        reason: `Cannot resolve the JWT signing key offline (kid ${String(header.kid ?? 'absent')}, no jwk header)`,
      }
    }
  }
  try {
    const key = await importJWK(jwk, header.alg)
    await compactVerify(jwt.trim(), key, { algorithms: [header.alg] })
  } catch (e) {
    const code = (e as { code?: string }).code
    return {
      ok: false,
      decoded,
      reason:
        code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'
          ? 'The JWT signature does not match (altered token or wrong key)'
          : `The JWT signature could not be checked: ${e instanceof Error ? e.message : String(e)}`,
    }
  }
  let publicJwk: PublicJwk | JWK = jwk
  try {
    publicJwk = await toPublicJwk(jwk)
  } catch {
    // RSA and other keys stay as given: only their thumbprint-free form is needed for the report.
  }
  return { ok: true, decoded, publicJwk, keySource }
}
