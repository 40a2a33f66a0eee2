/**
 * Offline verification of an Open Badges 3.0 credential in any form Tessera meets: a JSON
 * credential (embedded Data Integrity proof), a VC-JWT, a baked PNG or SVG, or a QR token from a
 * printed certificate. Follows the OB 3.0 verification procedure (ob3.md §3) with no network:
 * contexts are bundled, keys are resolved from did:key / did:jwk / the JWT header, status comes
 * from status lists held locally.
 *
 * The report always lists the same checks in the same order, each with a plain-language message:
 *   format     the input could be read (and the baked image was not damaged)
 *   schema     official OB 3.0 JSON Schema, subject id/identifier, JSON-LD safe mode
 *   proof      signature (DI eddsa-rdfc-2022, VC-JWT, or QR token) and the key belongs to the issuer
 *   dates      validFrom / validUntil (and JWT nbf / exp) against `now`
 *   status     revocation / suspension from a held Bitstring Status List; "not checked" is a warning
 *   rubric     rubric consistency rules (rubric-consistency.ts)
 *   issuer     the issuer is in this installation's trust list
 *   recipient  the given email matches the hashed identifier (only when an email is given)
 * `verified` is true only when no check failed and the proof passed. A valid signature from an
 * issuer outside the trust list is reported as a third-party credential: `issuer` is a warning
 * (or a failure with `requireTrustedIssuer`).
 *
 * ISOMORPHIC: runs unchanged in Node and in a browser (no node:* modules, no Buffer).
 */
import type { JWK, ProtectedHeaderParameters } from 'jose'
import { TesseraError } from '../../contract/errors'
// keys.ts is isomorphic (jose + @scure/base; tsconfig.web.json type-checks it with DOM libs only).
import {
  didKeyFromEd25519PublicKey,
  ed25519PublicKeyOf,
  publicJwkFromDidJwk,
  toPublicJwk,
  type PublicJwk,
} from '../crypto/keys'
import { parseBakedText, unbakePng, unbakeSvg } from '../credentials/bake'
import { canonicalize } from '../credentials/canonicalize'
import { verifyDocumentProof, type ResolvedVerificationMethod } from '../credentials/data-integrity'
import { VC_V1_CONTEXT } from '../credentials/document-loader'
import { parseDateTimeZ } from '../credentials/date-time'
import { isPng } from '../credentials/png'
import { decodeQrToken, isQrToken, verifyQrToken, type DecodedQrToken } from '../credentials/qr-token'
import { decodeBitstring, getStatusBit } from '../credentials/status-list'
import { DEFAULT_JWT_ALGORITHMS, verifyVcJwtSignature, type DecodedVcJwt } from '../credentials/vc-jwt'
import { identityHashMatches, normalizeEmail } from './identity-hash'
import { formatSchemaIssues, validateOb3Schema } from './ob3-schema'
import { checkRubricConsistency, formatRubricIssues } from './rubric-consistency'

export type VerifyInput = string | Uint8Array | ArrayBuffer | Record<string, unknown>

export interface TrustedIssuer {
  /** The `issuer.id` this entry vouches for: a did:key for Tessera installations, any URI otherwise. */
  id: string
  /** The organisation's name as the trust list states it (shown instead of the self-asserted one). */
  name?: string
  /**
   * Keys that sign for this issuer: the P-256 key for VC-JWTs, and the Ed25519 key when the issuer
   * id is not its did:key (a did:key issuer's Ed25519 key is implied by the id).
   */
  publicJwks?: JWK[]
  /** 'own' = this installation's keys; 'imported' = from a synced trust list. */
  source?: 'own' | 'imported'
}

export interface HeldStatusList {
  /** The URL credentials name in `statusListCredential`; defaults to the list credential's id. */
  url?: string
  /** The newest BitstringStatusListCredential held for that URL (as parsed JSON or as built). */
  credential: object
}

export interface VerifyOptions {
  trustedIssuers?: TrustedIssuer[]
  /** Status list credentials held locally (newest per URL). */
  statusLists?: HeldStatusList[]
  /** The clock to judge dates by; default the local clock. */
  now?: Date
  /** When given, checked against the credential's hashed email identifier. */
  recipientEmail?: string
  /** Allowed VC-JWT algorithms; default ES256 and RS256. `none` is never allowed. */
  jwtAlgorithms?: string[]
  /** Treat an issuer outside the trust list as a failure instead of a warning. */
  requireTrustedIssuer?: boolean
}

export type CheckName = 'format' | 'schema' | 'proof' | 'dates' | 'status' | 'rubric' | 'issuer' | 'recipient'
export type CheckStatus = 'passed' | 'failed' | 'skipped' | 'warning'

export interface VerificationCheck {
  name: CheckName
  status: CheckStatus
  message: string
}

export type InputKind = 'json' | 'jwt' | 'png' | 'svg' | 'qr-token' | 'unknown'

export interface VerificationReport {
  verified: boolean
  kind: InputKind
  /** For baked images: how the credential was carried inside. */
  embedded?: 'json' | 'jwt'
  /** The credential (for a VC-JWT: the payload without JWT claims). */
  credential?: Record<string, unknown>
  /** For QR tokens: the signed facts. */
  qrToken?: Omit<DecodedQrToken, 'issuerPublicKey'>
  issuer?: { id: string; name?: string; trusted: boolean }
  checks: VerificationCheck[]
}

const CHECK_ORDER: CheckName[] = [
  'format',
  'schema',
  'proof',
  'dates',
  'status',
  'rubric',
  'issuer',
  'recipient',
]

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Verifies a credential in any supported form. Never throws for a bad credential: the report says why. */
export async function verifyCredential(
  input: VerifyInput,
  options: VerifyOptions = {},
): Promise<VerificationReport> {
  const ctx = new Context(options)
  if (!globalThis.crypto?.subtle) {
    // Canonicalization hashes and JOSE both need Web Crypto, which browsers only expose in secure
    // contexts (https, localhost, the app's own scheme). Fail closed with the reason.
    ctx.set(
      'format',
      'failed',
      'This verifier needs Web Crypto, which is only available in a secure context (https, localhost or the app)',
    )
    return ctx.report()
  }
  try {
    await dispatch(input, ctx)
  } catch (e) {
    // Defensive: a bug or an unexpected input shape must still produce a report, never "verified".
    ctx.set('format', 'failed', `Verification stopped: ${e instanceof Error ? e.message : String(e)}`)
  }
  return ctx.report()
}

class Context {
  readonly now: Date
  kind: InputKind = 'unknown'
  embedded?: 'json' | 'jwt'
  credential?: Obj
  qrToken?: DecodedQrToken
  issuer?: { id: string; name?: string; trusted: boolean }
  private readonly checks = new Map<CheckName, VerificationCheck>()

  constructor(readonly options: VerifyOptions) {
    this.now = options.now ?? new Date()
  }

  set(name: CheckName, status: CheckStatus, message: string): void {
    this.checks.set(name, { name, status, message })
  }

  report(): VerificationReport {
    const checks = CHECK_ORDER.map(
      (name) =>
        this.checks.get(name) ?? {
          name,
          status: 'skipped' as const,
          message: 'Not checked: an earlier step failed',
        },
    )
    const proof = checks.find((c) => c.name === 'proof')
    const verified = proof?.status === 'passed' && checks.every((c) => c.status !== 'failed')
    const r: VerificationReport = { verified, kind: this.kind, checks }
    if (this.embedded) r.embedded = this.embedded
    if (this.credential) r.credential = this.credential
    if (this.qrToken) {
      const { issuerPublicKey: _k, ...claims } = this.qrToken
      r.qrToken = claims
    }
    if (this.issuer) r.issuer = this.issuer
    return r
  }
}

// ---------------------------------------------------------------- input detection

const JWS_RE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/

async function dispatch(input: VerifyInput, ctx: Context): Promise<void> {
  if (input instanceof ArrayBuffer) input = new Uint8Array(input)
  if (input instanceof Uint8Array) {
    if (isPng(input)) {
      ctx.kind = 'png'
      let text: string | undefined
      try {
        text = unbakePng(input)
      } catch (e) {
        return ctx.set('format', 'failed', messageOf(e))
      }
      if (text === undefined)
        return ctx.set(
          'format',
          'failed',
          'The PNG carries no baked credential (no iTXt "openbadgecredential" chunk)',
        )
      return verifyBakedText(text, ctx, 'PNG')
    }
    let text: string
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input)
    } catch {
      return ctx.set(
        'format',
        'failed',
        'The file is neither a PNG nor UTF-8 text (JSON, JWT, SVG or QR token)',
      )
    }
    return dispatch(text, ctx)
  }
  if (typeof input === 'string') {
    const t = input.replace(/^\uFEFF/, '').trim()
    if (t.startsWith('<')) {
      ctx.kind = 'svg'
      let text: string | undefined
      try {
        text = unbakeSvg(t)
      } catch (e) {
        return ctx.set('format', 'failed', messageOf(e))
      }
      if (text === undefined)
        return ctx.set(
          'format',
          'failed',
          'The SVG carries no baked credential (no openbadges:credential element)',
        )
      return verifyBakedText(text, ctx, 'SVG')
    }
    if (t.startsWith('{')) {
      ctx.kind = 'json'
      let value: unknown
      try {
        value = JSON.parse(t)
      } catch {
        return ctx.set('format', 'failed', 'The text starts like JSON but is not valid JSON')
      }
      if (!isObj(value)) return ctx.set('format', 'failed', 'The JSON is not a credential object')
      ctx.set('format', 'passed', 'Read a JSON credential')
      return verifyJsonCredential(value, ctx)
    }
    if (isQrToken(t)) {
      ctx.kind = 'qr-token'
      return verifyQr(t, ctx)
    }
    if (JWS_RE.test(t)) {
      ctx.kind = 'jwt'
      ctx.set('format', 'passed', 'Read a VC-JWT')
      return verifyJwt(t, ctx)
    }
    return ctx.set(
      'format',
      'failed',
      'Unrecognised input: expected a JSON credential, a VC-JWT, a baked PNG/SVG or a QR token',
    )
  }
  if (isObj(input)) {
    ctx.kind = 'json'
    ctx.set('format', 'passed', 'Read a JSON credential')
    return verifyJsonCredential(input, ctx)
  }
  ctx.set('format', 'failed', 'Unrecognised input type')
}

async function verifyBakedText(text: string, ctx: Context, container: 'PNG' | 'SVG'): Promise<void> {
  let baked: ReturnType<typeof parseBakedText>
  try {
    baked = parseBakedText(text)
  } catch (e) {
    return ctx.set(
      'format',
      'failed',
      `The ${container} carries a credential that cannot be read: ${messageOf(e)}`,
    )
  }
  ctx.embedded = baked.kind
  ctx.set(
    'format',
    'passed',
    `Read a ${baked.kind === 'jwt' ? 'VC-JWT' : 'JSON credential'} baked into the ${container}`,
  )
  if (baked.kind === 'jwt') return verifyJwt(baked.jwt, ctx)
  return verifyJsonCredential(baked.credential, ctx)
}

// ---------------------------------------------------------------- JSON credential (Data Integrity)

async function verifyJsonCredential(credential: Obj, ctx: Context): Promise<void> {
  ctx.credential = credential
  const { proof: _p, ...unsecured } = credential
  const canonical = canonicalize(unsecured).then(
    (nquads) => ({ ok: true as const, nquads }),
    (e: unknown) => ({ ok: false as const, reason: messageOf(e) }),
  )
  await checkShape(credential, canonical, ctx)

  const issuerId = issuerIdOf(credential)
  const canon = await canonical
  let signer: ResolvedVerificationMethod | undefined
  if (!canon.ok) {
    ctx.set(
      'proof',
      'failed',
      `The signature cannot be checked because the credential is not valid JSON-LD: ${canon.reason}`,
    )
  } else {
    const result = await verifyDocumentProof(credential, { canonicalDocument: canon.nquads })
    if (!result.ok) {
      ctx.set('proof', 'failed', result.reason)
    } else if (issuerId === undefined) {
      ctx.set('proof', 'failed', 'The credential names no issuer')
    } else if (result.key.controller === issuerId) {
      signer = result.key
      ctx.set(
        'proof',
        'passed',
        `Valid ${result.proof.cryptosuite} signature by ${result.proof.verificationMethod}`,
      )
    } else if (issuerId.startsWith('did:key:')) {
      // A did:key issuer is its key: any other key signing in its name is a forgery.
      ctx.set(
        'proof',
        'failed',
        `Signed by ${result.key.controller}, not by the issuer's own key ${issuerId}`,
      )
    } else {
      // The 1EdTech validator accepts this (fixture simple-did-key-method.json): the signature is
      // valid but nothing binds the key to the issuer id, so only the trust list can (issuer check).
      signer = result.key
      ctx.set(
        'proof',
        'passed',
        `Valid ${result.proof.cryptosuite} signature by ${result.proof.verificationMethod}; that key is not the issuer's own identifier, so only a trust list can tie it to ${issuerId}`,
      )
    }
  }
  checkDates(credential, ctx)
  await checkStatus(credential, ctx, signer?.publicKey)
  checkRubric(credential, ctx)
  checkIssuerTrust(credential, ctx, signer ? { ed25519: signer.publicKey } : undefined)
  checkRecipient(credential, ctx)
}

/** Schema, subject id/identifier, JSON-LD safe mode. */
async function checkShape(
  credential: Obj,
  canonical: Promise<{ ok: true; nquads: string } | { ok: false; reason: string }>,
  ctx: Context,
): Promise<void> {
  const types = Array.isArray(credential.type) ? credential.type : [credential.type]
  if (
    !types.includes('VerifiableCredential') ||
    !(types.includes('OpenBadgeCredential') || types.includes('AchievementCredential'))
  ) {
    return ctx.set(
      'schema',
      'failed',
      'Not an Open Badges 3.0 credential: type must include VerifiableCredential and OpenBadgeCredential',
    )
  }
  const contexts = Array.isArray(credential['@context']) ? credential['@context'] : [credential['@context']]
  const legacy = contexts[0] === VC_V1_CONTEXT
  const problems: string[] = []
  if (!legacy) {
    // The canonical schema wants `proof` as an array; wallets often compact a single proof to an
    // object (ob3.md §8 pitfall 3), which is not a defect of the credential.
    const shaped =
      credential.proof !== undefined && !Array.isArray(credential.proof)
        ? { ...credential, proof: [credential.proof] }
        : credential
    const issues = validateOb3Schema(shaped)
    if (issues.length)
      problems.push(`Does not match the official OB 3.0 JSON Schema: ${formatSchemaIssues(issues)}`)
  }
  const subjects = Array.isArray(credential.credentialSubject)
    ? credential.credentialSubject
    : [credential.credentialSubject]
  if (
    !subjects.every(
      (s) =>
        isObj(s) && (typeof s.id === 'string' || (Array.isArray(s.identifier) && s.identifier.length > 0)),
    )
  ) {
    problems.push('credentialSubject needs an id or at least one identifier')
  }
  const canon = await canonical
  if (!canon.ok) problems.push(canon.reason)
  if (problems.length) {
    return ctx.set('schema', 'failed', problems.join('; '))
  }
  if (legacy) {
    return ctx.set(
      'schema',
      'warning',
      'VC Data Model 1.1 (legacy) credential: valid JSON-LD, but the OB 3.0 schema for 1.1 credentials is not bundled',
    )
  }
  ctx.set('schema', 'passed', 'Matches the OB 3.0 JSON Schema and is valid JSON-LD (safe mode)')
}

function issuerIdOf(credential: Obj): string | undefined {
  const issuer = credential.issuer
  if (typeof issuer === 'string') return issuer
  return isObj(issuer) && typeof issuer.id === 'string' ? issuer.id : undefined
}

function issuerNameOf(credential: Obj): string | undefined {
  const issuer = credential.issuer
  return isObj(issuer) && typeof issuer.name === 'string' ? issuer.name : undefined
}

// ---------------------------------------------------------------- VC-JWT

async function verifyJwt(jwt: string, ctx: Context): Promise<void> {
  const algorithms = ctx.options.jwtAlgorithms ?? [...DEFAULT_JWT_ALGORITHMS]
  const sig = await verifyVcJwtSignature(jwt, {
    algorithms,
    resolveKey: (h) => resolveJwtKey(h, ctx.options.trustedIssuers ?? []),
  })
  const decoded: DecodedVcJwt | undefined = sig.decoded
  if (!decoded) {
    ctx.set('format', 'failed', sig.ok ? 'Unreadable JWT' : sig.reason)
    return
  }
  const credential = decoded.credential
  ctx.credential = credential
  const { proof: _p, ...unsecured } = credential
  const canonical = canonicalize(unsecured).then(
    (nquads) => ({ ok: true as const, nquads }),
    (e: unknown) => ({ ok: false as const, reason: messageOf(e) }),
  )
  await checkShape(credential, canonical, ctx)

  let signerJwk: JWK | undefined
  if (!sig.ok) {
    ctx.set('proof', 'failed', sig.reason)
  } else {
    const claimProblems: string[] = []
    const notes: string[] = []
    const p = decoded.payload
    const issuerId = issuerIdOf(credential)
    const subject = isObj(credential.credentialSubject) ? credential.credentialSubject : undefined
    if (p.iss === undefined) notes.push('no iss claim')
    else if (p.iss !== issuerId)
      claimProblems.push(`iss ${String(p.iss)} differs from issuer ${String(issuerId)}`)
    if (p.sub === undefined) notes.push('no sub claim (OB 3.0 requires it)')
    else if (p.sub !== subject?.id)
      claimProblems.push(`sub ${String(p.sub)} differs from credentialSubject.id ${String(subject?.id)}`)
    if (p.jti === undefined) notes.push('no jti claim')
    else if (p.jti !== credential.id)
      claimProblems.push(`jti ${String(p.jti)} differs from the credential id ${String(credential.id)}`)
    if (claimProblems.length) {
      ctx.set(
        'proof',
        'failed',
        `Valid JWT signature, but its claims contradict the credential: ${claimProblems.join('; ')}`,
      )
    } else {
      signerJwk = sig.publicJwk
      const keyNote = sig.keySource === 'header-jwk' ? 'key from the JWT header' : 'key resolved locally'
      ctx.set(
        'proof',
        'passed',
        `Valid ${String(decoded.header.alg)} VC-JWT signature (${keyNote})${notes.length ? `; note: ${notes.join(', ')}` : ''}`,
      )
    }
  }
  checkDates(credential, ctx, decoded.payload)
  await checkStatus(credential, ctx)
  checkRubric(credential, ctx)
  checkIssuerTrust(credential, ctx, signerJwk ? { jwk: signerJwk } : undefined)
  checkRecipient(credential, ctx)
}

/** A JWT without a `jwk` header: resolve `kid` as did:jwk, or as a trusted key's kid / thumbprint. */
async function resolveJwtKey(
  header: ProtectedHeaderParameters,
  trusted: TrustedIssuer[],
): Promise<JWK | undefined> {
  const kid = header.kid
  if (typeof kid !== 'string') return undefined
  if (kid.startsWith('did:jwk:')) {
    try {
      return await publicJwkFromDidJwk(kid)
    } catch {
      return undefined
    }
  }
  const fragment = kid.includes('#') ? kid.slice(kid.indexOf('#') + 1) : kid
  for (const t of trusted) {
    for (const jwk of t.publicJwks ?? []) {
      if (jwk.kid === kid || jwk.kid === fragment) return jwk
      const pub = await safePublicJwk(jwk)
      if (pub && (pub.kid === kid || pub.kid === fragment)) return jwk
    }
  }
  return undefined
}

// ---------------------------------------------------------------- QR token

async function verifyQr(text: string, ctx: Context): Promise<void> {
  let token: DecodedQrToken
  try {
    token = decodeQrToken(text)
  } catch (e) {
    return ctx.set('format', 'failed', messageOf(e))
  }
  ctx.qrToken = token
  ctx.set('format', 'passed', 'Read a Tessera QR token')
  ctx.set(
    'schema',
    'passed',
    `QR token v1 for credential ${token.credentialId}${token.truncated ? ' (a name was shortened to fit)' : ''}`,
  )
  const v = await verifyQrToken(text)
  const signed = v.ok
  ctx.set(
    'proof',
    v.ok ? 'passed' : 'failed',
    v.ok ? `Valid Ed25519 signature by ${token.issuerId}` : v.reason,
  )
  const date = new Date(`${token.date}T00:00:00Z`)
  // The token carries a date only; allow the whole day in any time zone.
  if (date.getTime() - 14 * 3_600_000 > ctx.now.getTime())
    ctx.set('dates', 'failed', `The token is dated ${token.date}, in the future`)
  else ctx.set('dates', 'passed', `Awarded on ${token.date}`)
  ctx.set(
    'status',
    'skipped',
    'A QR token carries no status entry: verify the full credential to check revocation',
  )
  ctx.set('rubric', 'skipped', 'A QR token carries no rubric results')
  setIssuerCheck(ctx, token.issuerId, undefined, signed ? { ed25519: token.issuerPublicKey } : undefined)
  ctx.set(
    'recipient',
    'skipped',
    ctx.options.recipientEmail ? 'A QR token carries no recipient email' : 'No recipient email given',
  )
}

// ---------------------------------------------------------------- dates

function checkDates(credential: Obj, ctx: Context, jwtPayload?: Obj): void {
  const now = ctx.now
  const legacy = credential.validFrom === undefined && credential.issuanceDate !== undefined
  const fromField = legacy ? 'issuanceDate' : 'validFrom'
  const untilField =
    credential.validUntil === undefined && credential.expirationDate !== undefined
      ? 'expirationDate'
      : 'validUntil'
  const from = parseDateTimeZ(credential[fromField])
  if (!from) return ctx.set('dates', 'failed', `${fromField} is missing or not a date-time with a time zone`)
  let until: Date | undefined
  if (credential[untilField] !== undefined) {
    until = parseDateTimeZ(credential[untilField])
    if (!until) return ctx.set('dates', 'failed', `${untilField} is not a date-time with a time zone`)
  }
  if (jwtPayload) {
    const { nbf, exp } = jwtPayload
    if (nbf !== undefined && (typeof nbf !== 'number' || nbf !== Math.floor(from.getTime() / 1000))) {
      return ctx.set(
        'dates',
        'failed',
        `JWT nbf (${String(nbf)}) does not equal ${fromField} ${String(credential[fromField])}`,
      )
    }
    if (exp !== undefined) {
      if (typeof exp !== 'number') return ctx.set('dates', 'failed', 'JWT exp is not a number')
      if (until && exp !== Math.floor(until.getTime() / 1000)) {
        return ctx.set(
          'dates',
          'failed',
          `JWT exp (${exp}) does not equal ${untilField} ${String(credential[untilField])}`,
        )
      }
      if (!until) until = new Date(exp * 1000)
    }
  }
  const clock = `checked against ${now.toISOString()}`
  if (now.getTime() < from.getTime())
    return ctx.set('dates', 'failed', `Not yet valid: valid from ${from.toISOString()} (${clock})`)
  if (until && now.getTime() > until.getTime())
    return ctx.set('dates', 'failed', `Expired on ${until.toISOString()} (${clock})`)
  ctx.set(
    'dates',
    'passed',
    `Valid from ${from.toISOString()}${until ? ` until ${until.toISOString()}` : ', no expiry'} (${clock})`,
  )
}

// ---------------------------------------------------------------- status

interface ListState {
  ok: boolean
  reason?: string
  issuer?: string
  bits?: Uint8Array
  purpose?: unknown
  validFrom?: string
  validUntil?: Date
  signer?: Uint8Array
}

// Verifying a list means canonicalizing it and inflating 16 KB: do it once per held list object, and
// once per list content, since callers (an installation verifying badge after badge) read their held
// lists afresh for every credential. Keyed by the whole JSON, so a list altered in any byte is
// verified anew; the result depends on nothing else (dates are compared by the caller).
const listCache = new WeakMap<object, Promise<ListState>>()
const listCacheByContent = new Map<string, Promise<ListState>>()
const LIST_CACHE_LIMIT = 32

function listState(list: Obj): Promise<ListState> {
  let p = listCache.get(list)
  if (p) return p
  const content = JSON.stringify(list)
  p = listCacheByContent.get(content)
  if (!p) {
    p = verifiedListState(list)
    listCacheByContent.set(content, p)
    if (listCacheByContent.size > LIST_CACHE_LIMIT)
      listCacheByContent.delete(listCacheByContent.keys().next().value!)
  }
  listCache.set(list, p)
  return p
}

async function verifiedListState(list: Obj): Promise<ListState> {
  const types = Array.isArray(list.type) ? list.type : [list.type]
  if (!types.includes('BitstringStatusListCredential'))
    return { ok: false, reason: 'the held list is not a BitstringStatusListCredential' }
  const issuer = issuerIdOf(list)
  const proof = await verifyDocumentProof(list)
  if (!proof.ok) return { ok: false, reason: `the status list's signature is invalid: ${proof.reason}` }
  if (proof.key.controller !== issuer)
    return {
      ok: false,
      reason: `the status list is signed by ${proof.key.controller}, not its issuer ${String(issuer)}`,
    }
  const subject = isObj(list.credentialSubject) ? list.credentialSubject : {}
  let bits: Uint8Array
  try {
    bits = await decodeBitstring(subject.encodedList as string)
  } catch (e) {
    return { ok: false, reason: messageOf(e) }
  }
  return {
    ok: true,
    issuer,
    signer: proof.key.publicKey,
    bits,
    purpose: subject.statusPurpose,
    validFrom: typeof list.validFrom === 'string' ? list.validFrom : undefined,
    validUntil: parseDateTimeZ(list.validUntil),
  }
}

/** `signerKey`: the Ed25519 key that signed the credential, if it was a Data Integrity proof. */
async function checkStatus(credential: Obj, ctx: Context, signerKey?: Uint8Array): Promise<void> {
  const entries = Array.isArray(credential.credentialStatus)
    ? credential.credentialStatus
    : credential.credentialStatus === undefined
      ? []
      : [credential.credentialStatus]
  if (entries.length === 0)
    return ctx.set('status', 'skipped', 'The credential has no status entry (it cannot be revoked)')
  const messages: string[] = []
  let worst: CheckStatus = 'passed'
  const raise = (s: CheckStatus): void => {
    const rank = { passed: 0, skipped: 1, warning: 2, failed: 3 }
    if (rank[s] > rank[worst]) worst = s
  }
  for (const entry of entries) {
    if (!isObj(entry)) {
      raise('failed')
      messages.push('a credentialStatus entry is not an object')
      continue
    }
    if (entry.type !== 'BitstringStatusListEntry') {
      raise('warning')
      messages.push(`status not checked: ${String(entry.type)} status is not supported offline`)
      continue
    }
    const url = entry.statusListCredential
    const purpose = entry.statusPurpose
    const index =
      typeof entry.statusListIndex === 'number' ? entry.statusListIndex : Number(entry.statusListIndex)
    if (
      typeof url !== 'string' ||
      !Number.isInteger(index) ||
      index < 0 ||
      (typeof entry.statusListIndex === 'string' && !/^\d+$/.test(entry.statusListIndex))
    ) {
      raise('failed')
      messages.push('the status entry is malformed (statusListCredential / statusListIndex)')
      continue
    }
    const held = (ctx.options.statusLists ?? []).find((l) => (l.url ?? (l.credential as Obj).id) === url)
    if (!held) {
      raise('warning')
      messages.push(`status not checked: no copy of the status list ${url} is held on this device`)
      continue
    }
    const state = await listState(held.credential as Obj)
    if (!state.ok || !state.bits) {
      raise('failed')
      messages.push(`status cannot be trusted: ${state.reason ?? 'unreadable list'}`)
      continue
    }
    // The list must come from whoever signed the credential (same issuer and key), or from a
    // trusted issuer (e.g. the central office re-signing merged lists).
    const sameSigner =
      state.issuer === issuerIdOf(credential) &&
      signerKey !== undefined &&
      state.signer !== undefined &&
      bytesEqual(signerKey, state.signer)
    const listTrusted = (ctx.options.trustedIssuers ?? []).some(
      (t) => t.id === state.issuer && state.signer && signsFor(t, { ed25519: state.signer }),
    )
    if (!sameSigner && !listTrusted) {
      raise('failed')
      messages.push(
        `the status list is signed by ${String(state.issuer)}, which is neither the credential's signer nor trusted`,
      )
      continue
    }
    if (state.purpose !== purpose) {
      raise('failed')
      messages.push(`the held list is for ${String(state.purpose)}, the entry for ${String(purpose)}`)
      continue
    }
    if (index >= state.bits.length * 8) {
      raise('failed')
      messages.push(`status index ${index} is outside the list`)
      continue
    }
    const asOf = `list of ${state.validFrom ?? 'unknown date'}`
    if (getStatusBit(state.bits, index)) {
      raise('failed')
      messages.push(purpose === 'suspension' ? `Suspended (${asOf})` : `Revoked by the issuer (${asOf})`)
      continue
    }
    if (state.validUntil && state.validUntil.getTime() < ctx.now.getTime()) {
      raise('warning')
      messages.push(
        `not ${purpose === 'suspension' ? 'suspended' : 'revoked'} as of the ${asOf}, but that list expired on ${state.validUntil.toISOString()}: sync to refresh it`,
      )
      continue
    }
    messages.push(`Not ${purpose === 'suspension' ? 'suspended' : 'revoked'} (${asOf})`)
  }
  ctx.set('status', worst, capitalize(messages.join('; ')))
}

// ---------------------------------------------------------------- rubric, issuer, recipient

function checkRubric(credential: Obj, ctx: Context): void {
  const subject = isObj(credential.credentialSubject) ? credential.credentialSubject : undefined
  const achievement = subject && isObj(subject.achievement) ? subject.achievement : undefined
  if (!achievement) return ctx.set('rubric', 'skipped', 'No achievement to check')
  const issues = checkRubricConsistency(credential)
  const errors = issues.filter((i) => i.severity === 'error')
  const warnings = issues.filter((i) => i.severity === 'warning')
  if (errors.length)
    return ctx.set('rubric', 'failed', `Rubric results are inconsistent: ${formatRubricIssues(errors)}`)
  if (warnings.length)
    return ctx.set('rubric', 'warning', `Rubric results look unusual: ${formatRubricIssues(warnings)}`)
  const hasResults = Array.isArray(subject?.result) && subject.result.length > 0
  ctx.set(
    'rubric',
    'passed',
    hasResults
      ? 'Rubric results are consistent with the achievement'
      : 'No rubric results; the achievement is consistent',
  )
}

type SignerKey = { ed25519: Uint8Array } | { jwk: JWK }

function checkIssuerTrust(credential: Obj, ctx: Context, signer: SignerKey | undefined): void {
  const id = issuerIdOf(credential)
  if (!id) return ctx.set('issuer', 'failed', 'The credential names no issuer')
  setIssuerCheck(ctx, id, issuerNameOf(credential), signer)
}

/**
 * Trusted = the issuer id is in the trust list AND the key that signed is one of that issuer's
 * keys. A listed issuer signed with someone else's key is an impersonation attempt: failed.
 */
function setIssuerCheck(
  ctx: Context,
  id: string,
  claimedName: string | undefined,
  signer: SignerKey | undefined,
): void {
  const entry = (ctx.options.trustedIssuers ?? []).find((t) => t.id === id)
  const trusted = entry !== undefined && signer !== undefined && signsFor(entry, signer)
  const name = trusted ? (entry.name ?? claimedName) : claimedName
  ctx.issuer = { id, ...(name ? { name } : {}), trusted }
  if (!signer)
    return ctx.set('issuer', 'skipped', `Issuer ${id} is unproven because the signature did not verify`)
  if (trusted) {
    const who = entry.name ? `${entry.name} (${id})` : id
    return ctx.set(
      'issuer',
      'passed',
      `Issued by ${who}, ${entry.source === 'own' ? 'this installation' : 'a trusted issuer'}`,
    )
  }
  if (entry) {
    const who = entry.name ? `${entry.name} (${id})` : id
    return ctx.set(
      'issuer',
      'failed',
      `The credential claims to come from ${who}, a trusted issuer, but it is signed with a key that issuer does not use`,
    )
  }
  const named = claimedName ? `"${claimedName}" (${id})` : id
  ctx.set(
    'issuer',
    ctx.options.requireTrustedIssuer ? 'failed' : 'warning',
    `Third-party credential: the signature is valid, but issuer ${named} is not in this installation's trust list, so its name is self-asserted`,
  )
}

/** Whether `signer` is one of the trusted issuer's keys (a did:key issuer's own key always is). */
function signsFor(entry: TrustedIssuer, signer: SignerKey): boolean {
  if ('ed25519' in signer) {
    if (entry.id.startsWith('did:key:') && didKeyFromEd25519PublicKey(signer.ed25519) === entry.id)
      return true
    return (entry.publicJwks ?? []).some((jwk) => {
      try {
        return bytesEqual(ed25519PublicKeyOf(jwk), signer.ed25519)
      } catch {
        return false // not an Ed25519 key
      }
    })
  }
  return (entry.publicJwks ?? []).some((jwk) => sameJwk(jwk, signer.jwk))
}

function checkRecipient(credential: Obj, ctx: Context): void {
  const email = ctx.options.recipientEmail
  if (!email) return ctx.set('recipient', 'skipped', 'No recipient email given')
  const subject = isObj(credential.credentialSubject) ? credential.credentialSubject : undefined
  const ids = Array.isArray(subject?.identifier) ? subject.identifier.filter(isObj) : []
  const emailIds = ids.filter((i) => i.identityType === 'emailAddress')
  if (emailIds.length === 0)
    return ctx.set(
      'recipient',
      'failed',
      'The credential does not name its recipient by email, so it cannot be matched',
    )
  const candidates = [...new Set([normalizeEmail(email), email.trim()])]
  const match = emailIds.some((i) => {
    if (typeof i.identityHash !== 'string') return false
    if (i.hashed === true)
      return candidates.some((c) =>
        identityHashMatches(i.identityHash as string, c, typeof i.salt === 'string' ? i.salt : undefined),
      )
    return candidates.some((c) => c.toLowerCase() === (i.identityHash as string).trim().toLowerCase())
  })
  if (match) ctx.set('recipient', 'passed', `Issued to ${email.trim()}`)
  else
    ctx.set('recipient', 'failed', `Not issued to ${email.trim()}: the recipient identifier does not match`)
}

// ---------------------------------------------------------------- helpers

async function safePublicJwk(jwk: JWK): Promise<PublicJwk | undefined> {
  try {
    return await toPublicJwk(jwk)
  } catch {
    return undefined
  }
}

function sameJwk(a: JWK, b: JWK): boolean {
  if (a.kty !== b.kty) return false
  if (a.kty === 'RSA') return a.n === b.n && a.e === b.e
  return a.crv === b.crv && a.x === b.x && a.y === b.y
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

function messageOf(e: unknown): string {
  if (e instanceof TesseraError || e instanceof Error) return e.message
  return String(e)
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)
