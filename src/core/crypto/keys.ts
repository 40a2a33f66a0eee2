/**
 * Issuer key pairs and their public identifiers.
 *
 * An installation issues with two keys: an Ed25519 key for Data Integrity proofs (eddsa-rdfc-2022)
 * and the QR token, whose `did:key` is the issuer id; and a P-256 key for VC-JWTs, because the 1EdTech
 * validator accepts only RS256/ES256 JWTs (ob3.md §2.1). Both live as JWKs so they can be
 * serialised, encrypted at rest (keystore.ts) and imported by jose.
 *
 * Isomorphic: jose and @scure/base only, so the verifier can resolve did:key in a browser.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose'
import { base58, base64urlnopad } from '@scure/base'
import { TesseraError } from '../../contract/errors'
import { isoSeconds } from '../credentials/date-time'

export type IssuerKeyType = 'Ed25519' | 'P-256'

/** A public JWK as Tessera stores and exchanges it: no private members, `kid` = RFC 7638 thumbprint. */
export interface PublicJwk extends JWK {
  kty: 'OKP' | 'EC'
  crv: 'Ed25519' | 'P-256'
  x: string
  y?: string
  kid: string
}

export interface PrivateJwk extends PublicJwk {
  d: string
}

export interface IssuerKey {
  /** RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key. */
  kid: string
  type: IssuerKeyType
  /** ISO 8601 UTC, whole seconds. */
  createdAt: string
  publicJwk: PublicJwk
  privateJwk: PrivateJwk
}

/** The two keys an installation signs with. */
export interface IssuerKeys {
  /** Data Integrity proofs, QR tokens; `issuerIdOf(ed25519)` is the issuer id. */
  ed25519: IssuerKey
  /** VC-JWT (ES256). */
  p256: IssuerKey
}

const ED25519_PUB_MULTICODEC = [0xed, 0x01] as const
const DID_KEY_PREFIX = 'did:key:'
const DID_JWK_PREFIX = 'did:jwk:'

/** Generates one issuer key. Private keys must be extractable to be exported and stored encrypted. */
export async function generateIssuerKey(type: IssuerKeyType, now: Date = new Date()): Promise<IssuerKey> {
  const alg = type === 'Ed25519' ? 'Ed25519' : 'ES256'
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true })
  const pub = await exportJWK(publicKey)
  const priv = await exportJWK(privateKey)
  const publicJwk = await toPublicJwk(pub)
  if (typeof priv.d !== 'string')
    throw new TesseraError('internal', `Generated ${type} key has no private part`)
  return {
    kid: publicJwk.kid,
    type,
    createdAt: isoSeconds(now),
    publicJwk,
    privateJwk: { ...publicJwk, d: priv.d },
  }
}

/** Generates the Ed25519 + P-256 pair an installation issues with. */
export async function generateIssuerKeys(now: Date = new Date()): Promise<IssuerKeys> {
  const [ed25519, p256] = await Promise.all([
    generateIssuerKey('Ed25519', now),
    generateIssuerKey('P-256', now),
  ])
  return { ed25519, p256 }
}

/**
 * Normalises any public (or private) JWK of a supported curve to Tessera's public form: only the
 * key members plus `kid`, so a private member can never leak into a header or a trust list.
 */
export async function toPublicJwk(jwk: JWK): Promise<PublicJwk> {
  let core: { kty: 'OKP' | 'EC'; crv: 'Ed25519' | 'P-256'; x: string; y?: string }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string') {
    core = { kty: 'OKP', crv: 'Ed25519', x: jwk.x }
  } else if (
    jwk.kty === 'EC' &&
    jwk.crv === 'P-256' &&
    typeof jwk.x === 'string' &&
    typeof jwk.y === 'string'
  ) {
    core = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }
  } else {
    throw new TesseraError(
      'validation',
      `Unsupported key: expected an Ed25519 (OKP) or P-256 (EC) JWK, got kty=${String(jwk.kty)} crv=${String(jwk.crv)}`,
    )
  }
  const kid = await calculateJwkThumbprint(core, 'sha256')
  return { ...core, kid }
}

/** The issuer id (`did:key:z6Mk…`) an Ed25519 issuer key signs as. */
export function issuerIdOf(key: Pick<IssuerKey, 'publicJwk'>): string {
  return didKeyFromPublicJwk(key.publicJwk)
}

/** `z` + base58btc(0xed01 ‖ 32-byte key): the Multikey `publicKeyMultibase` of an Ed25519 key. */
export function multibaseFromEd25519PublicKey(publicKey: Uint8Array): string {
  if (publicKey.length !== 32) {
    throw new TesseraError('validation', `An Ed25519 public key has 32 bytes, got ${publicKey.length}`)
  }
  const bytes = new Uint8Array(34)
  bytes.set(ED25519_PUB_MULTICODEC, 0)
  bytes.set(publicKey, 2)
  return 'z' + base58.encode(bytes)
}

/** Inverse of `multibaseFromEd25519PublicKey`; throws on any other multicodec or encoding. */
export function ed25519PublicKeyFromMultibase(multibase: string): Uint8Array {
  if (!multibase.startsWith('z')) {
    throw new TesseraError('validation', `Key ${multibase}: only base58btc multibase ("z…") is supported`)
  }
  let bytes: Uint8Array
  try {
    bytes = base58.decode(multibase.slice(1))
  } catch {
    throw new TesseraError('validation', `Key ${multibase}: not valid base58btc`)
  }
  if (
    bytes.length !== 34 ||
    bytes[0] !== ED25519_PUB_MULTICODEC[0] ||
    bytes[1] !== ED25519_PUB_MULTICODEC[1]
  ) {
    throw new TesseraError(
      'validation',
      `Key ${multibase}: not an Ed25519 public key (multicodec 0xed01, 32 bytes)`,
    )
  }
  return bytes.slice(2)
}

export function didKeyFromEd25519PublicKey(publicKey: Uint8Array): string {
  return DID_KEY_PREFIX + multibaseFromEd25519PublicKey(publicKey)
}

/** Accepts `did:key:z…` and the verification-method form `did:key:z…#z…` (fragment must match). */
export function ed25519PublicKeyFromDidKey(didOrVm: string): Uint8Array {
  if (!didOrVm.startsWith(DID_KEY_PREFIX)) throw new TesseraError('validation', `${didOrVm} is not a did:key`)
  const [id, fragment] = splitFragment(didOrVm.slice(DID_KEY_PREFIX.length))
  if (fragment !== undefined && fragment !== id) {
    throw new TesseraError('validation', `${didOrVm}: the fragment does not name the did:key's own key`)
  }
  return ed25519PublicKeyFromMultibase(id)
}

export function didKeyFromPublicJwk(jwk: JWK): string {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new TesseraError('validation', 'Only Ed25519 keys have a did:key issuer id in Tessera')
  }
  return didKeyFromEd25519PublicKey(base64urlnopad.decode(jwk.x))
}

/** The public JWK a `did:key` (or its `#fragment` verification method) stands for. */
export async function publicJwkFromDidKey(didOrVm: string): Promise<PublicJwk> {
  const key = ed25519PublicKeyFromDidKey(didOrVm)
  return toPublicJwk({ kty: 'OKP', crv: 'Ed25519', x: base64urlnopad.encode(key) })
}

/** `did:key:z…#z…`: the verification method Tessera's Data Integrity proofs name. */
export function verificationMethodOf(did: string): string {
  const [id] = splitFragment(did)
  if (!id.startsWith(DID_KEY_PREFIX)) throw new TesseraError('validation', `${did} is not a did:key`)
  return `${id}#${id.slice(DID_KEY_PREFIX.length)}`
}

/** `did:jwk:<base64url(JSON)>` for a public JWK (used as a JWT `kid` that resolves without network). */
export function didJwkFromPublicJwk(jwk: PublicJwk): string {
  const { kty, crv, x, y } = jwk
  const json = JSON.stringify(y === undefined ? { crv, kty, x } : { crv, kty, x, y })
  return DID_JWK_PREFIX + base64urlnopad.encode(new TextEncoder().encode(json))
}

/** Resolves `did:jwk:…` (optionally with `#0`) to its public JWK. */
export async function publicJwkFromDidJwk(didOrVm: string): Promise<PublicJwk> {
  if (!didOrVm.startsWith(DID_JWK_PREFIX)) throw new TesseraError('validation', `${didOrVm} is not a did:jwk`)
  const [encoded] = splitFragment(didOrVm.slice(DID_JWK_PREFIX.length))
  let jwk: unknown
  try {
    jwk = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(base64urlnopad.decode(encoded)))
  } catch {
    throw new TesseraError('validation', `${didOrVm}: the did:jwk does not hold base64url JSON`)
  }
  if (!jwk || typeof jwk !== 'object' || 'd' in jwk) {
    throw new TesseraError('validation', `${didOrVm}: the did:jwk does not hold a public JWK`)
  }
  return toPublicJwk(jwk as JWK)
}

/** The raw 32-byte Ed25519 private seed of a private JWK (what @noble/curves signs with). */
export function ed25519SeedOf(jwk: JWK): Uint8Array {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string') {
    throw new TesseraError('validation', 'Expected a private Ed25519 JWK (kty OKP, crv Ed25519, with d)')
  }
  const seed = base64urlnopad.decode(jwk.d)
  if (seed.length !== 32) throw new TesseraError('validation', 'A private Ed25519 JWK holds a 32-byte seed')
  return seed
}

export function ed25519PublicKeyOf(jwk: JWK): Uint8Array {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new TesseraError('validation', 'Expected an Ed25519 JWK (kty OKP, crv Ed25519)')
  }
  return base64urlnopad.decode(jwk.x)
}

function splitFragment(s: string): [string, string | undefined] {
  const i = s.indexOf('#')
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)]
}
