/**
 * The QR token printed on certificates: a compact JWS signed by the issuer's Ed25519 key, small
 * enough for a QR code that still scans from paper (≤ 400 characters).
 *
 * Format (only Tessera reads it, so it optimizes for size):
 *   header  {"alg":"Ed25519","typ":"TQ1"}   alg pinned (RFC 9864 fully-specified Ed25519);
 *                                           typ = explicit typing so no other JWS passes as a token
 *   payload binary, version 1:
 *     u8     version (1)
 *     u8     flags: bits 0-1 outcome (0 passed, 1 failed), bit 2 credential id is a urn:uuid,
 *            bit 3 a name was shortened
 *     32 B   issuer Ed25519 public key → issuer id did:key:z6Mk…
 *     16 B   credential UUID (bit 2) | varint length + UTF-8 credential id
 *     u16 BE award date, days since 1970-01-01 (UTC)
 *     varint length + UTF-8 learner name
 *     UTF-8  achievement name (rest)
 * Binary instead of JSON leaves ~165 bytes for names instead of ~100, which matters for
 * non-Latin scripts (3 bytes a character in UTF-8). When names do not fit, the achievement name is
 * shortened first (on grapheme boundaries, with "…"), then the learner name; the credential id never.
 *
 * Isomorphic (jose, @scure/base).
 */
import { CompactSign, compactVerify, decodeProtectedHeader, importJWK } from 'jose'
import { base64urlnopad } from '@scure/base'
import { TesseraError } from '../../contract/errors'
import { importedPrivateKey } from './imported-keys'
import { didKeyFromEd25519PublicKey, ed25519PublicKeyOf, type IssuerKey } from '../crypto/keys'
import { concatBytes } from '../domain/bytes'

export const QR_TOKEN_MAX_LENGTH = 400
export const QR_TOKEN_ALG = 'Ed25519'
export const QR_TOKEN_TYP = 'TQ1'
const VERSION = 1
const ELLIPSIS = '…'

export type QrOutcome = 'passed' | 'failed'

export interface QrTokenClaims {
  credentialId: string
  learnerName: string
  achievementName: string
  /** Award date, YYYY-MM-DD (UTC). */
  date: string
  outcome: QrOutcome
  /** did:key of the signing Ed25519 key. */
  issuerId: string
}

export interface DecodedQrToken extends QrTokenClaims {
  /** True when a name was shortened to fit. */
  truncated: boolean
  issuerPublicKey: Uint8Array
}

const HEADER_B64 = base64urlnopad.encode(
  new TextEncoder().encode(JSON.stringify({ alg: QR_TOKEN_ALG, typ: QR_TOKEN_TYP })),
)
const SIGNATURE_CHARS = 86 // 64-byte Ed25519 signature in base64url
const MAX_PAYLOAD_BYTES = Math.floor(
  ((QR_TOKEN_MAX_LENGTH - HEADER_B64.length - 2 - SIGNATURE_CHARS) * 3) / 4,
)
const MIN_ACHIEVEMENT_GRAPHEMES = 12

/** Signs a QR token with the issuer's Ed25519 key, shortening names if needed to stay ≤ 400 characters. */
export async function signQrToken(claims: Omit<QrTokenClaims, 'issuerId'>, key: IssuerKey): Promise<string> {
  if (key.type !== 'Ed25519')
    throw new TesseraError('validation', 'QR tokens are signed with the Ed25519 issuer key')
  const publicKey = ed25519PublicKeyOf(key.publicJwk)
  const payload = fitPayload(claims, publicKey)
  const privateKey = await importedPrivateKey(key.privateJwk, QR_TOKEN_ALG)
  const token = await new CompactSign(payload)
    .setProtectedHeader({ alg: QR_TOKEN_ALG, typ: QR_TOKEN_TYP })
    .sign(privateKey)
  if (token.length > QR_TOKEN_MAX_LENGTH)
    throw new TesseraError('internal', `QR token came out at ${token.length} characters`)
  return token
}

/** Whether text looks like a QR token (header check only, no verification). Accepts a `…#token` URL. */
export function isQrToken(text: string): boolean {
  return extractToken(text).startsWith(HEADER_B64 + '.')
}

/** Decodes without verifying the signature. Throws `validation` on anything that is not a v1 token. */
export function decodeQrToken(text: string): DecodedQrToken {
  const token = extractToken(text)
  const parts = token.split('.')
  if (parts.length !== 3) throw new TesseraError('validation', 'Not a QR token: expected a compact JWS')
  let header: Record<string, unknown>
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>
  } catch {
    throw new TesseraError('validation', 'Not a QR token: unreadable header')
  }
  const keys = Object.keys(header).sort().join(',')
  if (header.alg !== QR_TOKEN_ALG || header.typ !== QR_TOKEN_TYP || keys !== 'alg,typ') {
    throw new TesseraError(
      'validation',
      `Not a Tessera QR token: header must be exactly {alg:${QR_TOKEN_ALG}, typ:${QR_TOKEN_TYP}}`,
    )
  }
  let bytes: Uint8Array
  try {
    bytes = base64urlnopad.decode(parts[1] as string)
  } catch {
    throw new TesseraError('validation', 'QR token payload is not base64url')
  }
  return decodePayload(bytes)
}

export type QrVerification =
  { ok: true; token: DecodedQrToken } | { ok: false; reason: string; token?: DecodedQrToken }

/**
 * Verifies the signature with the key the token names (its issuer id). Whether that issuer is
 * trusted is the caller's decision (verify.ts). Never throws for a bad token.
 */
export async function verifyQrToken(text: string): Promise<QrVerification> {
  let decoded: DecodedQrToken
  try {
    decoded = decodeQrToken(text)
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) }
  }
  try {
    const key = await importJWK(
      { kty: 'OKP', crv: 'Ed25519', x: base64urlnopad.encode(decoded.issuerPublicKey) },
      QR_TOKEN_ALG,
    )
    await compactVerify(extractToken(text), key, { algorithms: [QR_TOKEN_ALG] })
  } catch {
    return {
      ok: false,
      token: decoded,
      reason: 'The QR token signature does not match (altered token or wrong key)',
    }
  }
  return { ok: true, token: decoded }
}

// ---------------------------------------------------------------- payload

function extractToken(text: string): string {
  const t = text.trim()
  const hash = t.lastIndexOf('#')
  return hash >= 0 ? t.slice(hash + 1) : t
}

function fitPayload(claims: Omit<QrTokenClaims, 'issuerId'>, publicKey: Uint8Array): Uint8Array {
  // No name can use more than the whole payload, so anything longer than that is cut up front.
  let achievement = capped(graphemes(claims.achievementName.normalize('NFC').trim()))
  let learner = capped(graphemes(claims.learnerName.normalize('NFC').trim()))
  let truncated = achievement.at(-1) === ELLIPSIS || learner.at(-1) === ELLIPSIS
  let payload = encodePayload(claims, publicKey, learner.join(''), achievement.join(''), truncated)
  while (payload.length > MAX_PAYLOAD_BYTES) {
    const a = shorten(achievement, MIN_ACHIEVEMENT_GRAPHEMES)
    const l = a ? undefined : shorten(learner, 1)
    const a1 = a || l ? undefined : shorten(achievement, 1)
    if (a) achievement = a
    else if (l) learner = l
    else if (a1) achievement = a1
    else
      throw new TesseraError(
        'validation',
        'QR token: the credential id alone is too long for a 400-character token',
      )
    truncated = true
    payload = encodePayload(claims, publicKey, learner.join(''), achievement.join(''), truncated)
  }
  return payload
}

/** Drops the last grapheme (before the ellipsis) and ends with "…"; undefined when at `min`. */
function shorten(list: string[], min: number): string[] | undefined {
  const body = list.at(-1) === ELLIPSIS ? list.slice(0, -1) : list
  return body.length <= min ? undefined : [...body.slice(0, -1), ELLIPSIS]
}

const capped = (list: string[]): string[] =>
  list.length > MAX_PAYLOAD_BYTES ? [...list.slice(0, MAX_PAYLOAD_BYTES), ELLIPSIS] : list

const UUID_URN = /^urn:uuid:([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/

function encodePayload(
  claims: Omit<QrTokenClaims, 'issuerId'>,
  publicKey: Uint8Array,
  learnerName: string,
  achievementName: string,
  truncated: boolean,
): Uint8Array {
  const enc = new TextEncoder()
  const uuid = UUID_URN.exec(claims.credentialId.toLowerCase())
  if (claims.outcome !== 'passed' && claims.outcome !== 'failed')
    throw new TesseraError('validation', `QR token: unknown outcome ${String(claims.outcome)}`)
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(claims.date)
  const days = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000 : NaN
  if (
    !Number.isInteger(days) ||
    days < 0 ||
    days > 0xffff ||
    new Date(days * 86_400_000).toISOString().slice(0, 10) !== claims.date
  ) {
    throw new TesseraError(
      'validation',
      `QR token: date must be YYYY-MM-DD between 1970 and 2149, got ${claims.date}`,
    )
  }
  const flags = (claims.outcome === 'failed' ? 1 : 0) | (uuid ? 4 : 0) | (truncated ? 8 : 0)
  const idBytes = uuid ? hexBytes(uuid.slice(1).join('')) : withLength(enc.encode(claims.credentialId))
  const parts = [
    new Uint8Array([VERSION, flags]),
    publicKey,
    idBytes,
    new Uint8Array([days >> 8, days & 0xff]),
    withLength(enc.encode(learnerName)),
    enc.encode(achievementName),
  ]
  return concatBytes(parts)
}

function decodePayload(b: Uint8Array): DecodedQrToken {
  const bad = (what: string): never => {
    throw new TesseraError('validation', `QR token payload is malformed: ${what}`)
  }
  const dec = new TextDecoder('utf-8', { fatal: true })
  const text = (bytes: Uint8Array, what: string): string => {
    try {
      return dec.decode(bytes)
    } catch {
      return bad(`${what} is not UTF-8`)
    }
  }
  if (b.length < 2 + 32 + 1 + 2 + 1) bad('too short')
  if (b[0] !== VERSION) bad(`unknown version ${String(b[0])}`)
  const flags = b[1] as number
  if (flags & ~0b1111 || (flags & 3) > 1) bad('unknown flags')
  const issuerPublicKey = b.slice(2, 34)
  let pos = 34
  let credentialId: string
  if (flags & 4) {
    if (pos + 16 > b.length) bad('credential id')
    const h = Array.from(b.subarray(pos, pos + 16), (x) => x.toString(16).padStart(2, '0')).join('')
    credentialId = `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
    pos += 16
  } else {
    const [len, p] = readVarint(b, pos, bad)
    if (p + len > b.length) bad('credential id')
    credentialId = text(b.subarray(p, p + len), 'credential id')
    pos = p + len
  }
  if (pos + 2 > b.length) bad('date')
  const days = ((b[pos] as number) << 8) | (b[pos + 1] as number)
  pos += 2
  const [len, p] = readVarint(b, pos, bad)
  if (p + len > b.length) bad('learner name')
  const learnerName = text(b.subarray(p, p + len), 'learner name')
  const achievementName = text(b.subarray(p + len), 'achievement name')
  return {
    credentialId,
    learnerName,
    achievementName,
    date: new Date(days * 86_400_000).toISOString().slice(0, 10),
    outcome: (flags & 3) === 1 ? 'failed' : 'passed',
    issuerId: didKeyFromEd25519PublicKey(issuerPublicKey),
    truncated: (flags & 8) !== 0,
    issuerPublicKey,
  }
}

function withLength(bytes: Uint8Array): Uint8Array {
  const len: number[] = []
  let n = bytes.length
  do {
    len.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0))
    n >>>= 7
  } while (n > 0)
  const out = new Uint8Array(len.length + bytes.length)
  out.set(len, 0)
  out.set(bytes, len.length)
  return out
}

function readVarint(b: Uint8Array, pos: number, bad: (what: string) => never): [number, number] {
  let n = 0
  for (let shift = 0; shift < 21; shift += 7) {
    if (pos >= b.length) bad('length')
    const byte = b[pos++] as number
    n |= (byte & 0x7f) << shift
    if (!(byte & 0x80)) return [n, pos]
  }
  return bad('length too large')
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

// Cut names only between user-perceived characters, never inside a combining sequence or emoji.
function graphemes(s: string): string[] {
  const seg = new Intl.Segmenter(undefined, { granularity: 'grapheme' })
  return Array.from(seg.segment(s), (x) => x.segment)
}
