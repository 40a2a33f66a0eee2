/**
 * Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C VC-DI-EdDSA §3.3), the proof
 * OB 3.0 certification and the DCC wallets accept (ob3.md §2.3):
 *
 *   hashData   = SHA-256(RDFC-1.0(proofConfig)) ‖ SHA-256(RDFC-1.0(document without proof))
 *   proofValue = 'z' + base58btc(Ed25519.sign(hashData))
 *
 * where proofConfig is the proof without `proofValue`, carrying the document's `@context`.
 * Canonicalization runs in JSON-LD safe mode with the bundled contexts only (canonicalize.ts).
 *
 * Isomorphic (WebCrypto or @noble/curves, @noble/hashes, jsonld): the browser verifier uses the same code.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { base58 } from '@scure/base'
import type { JWK } from 'jose'
import { TesseraError } from '../../contract/errors'
import {
  didKeyFromPublicJwk,
  ed25519PublicKeyFromMultibase,
  ed25519PublicKeyOf,
  ed25519SeedOf,
  publicJwkFromDidJwk,
  verificationMethodOf,
} from '../crypto/keys'
import { canonicalize } from './canonicalize'
import { isoSeconds } from './date-time'
import { ed25519Sign, ed25519Verify } from './ed25519'

export const EDDSA_RDFC_2022 = 'eddsa-rdfc-2022' as const

export interface DataIntegrityProof {
  type: 'DataIntegrityProof'
  cryptosuite: typeof EDDSA_RDFC_2022
  created: string
  verificationMethod: string
  proofPurpose: 'assertionMethod'
  proofValue: string
}

type JsonObject = Record<string, unknown>

export interface SignOptions {
  /** Defaults to `did:key:z…#z…` of the signing key. */
  verificationMethod?: string
  /** Defaults to now; whole seconds. */
  created?: Date
}

/**
 * Returns a copy of `document` with a Data Integrity proof appended to its `proof` array (created
 * if absent; a single-object `proof` is turned into an array, as the OB schema requires).
 * `privateJwk` is the issuer's Ed25519 private JWK.
 */
export async function signDocument<T extends object>(
  document: T,
  privateJwk: JWK,
  options: SignOptions = {},
): Promise<T & { proof: unknown[] }> {
  const seed = ed25519SeedOf(privateJwk)
  const { proof: existing, ...unsecured } = document as JsonObject
  const proofConfig = {
    type: 'DataIntegrityProof' as const,
    cryptosuite: EDDSA_RDFC_2022,
    created: isoSeconds(options.created ?? new Date()),
    verificationMethod: options.verificationMethod ?? verificationMethodOf(didKeyFromPublicJwk(privateJwk)),
    proofPurpose: 'assertionMethod' as const,
  }
  const hashData = await hashForProof(unsecured, proofConfig)
  const proofValue = 'z' + base58.encode(await ed25519Sign(hashData, seed, ed25519PublicKeyOf(privateJwk)))
  const proof: DataIntegrityProof = { ...proofConfig, proofValue }
  const previous = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]
  return { ...(unsecured as T), proof: [...previous, proof] }
}

/**
 * SHA-256(canonical proof config) ‖ SHA-256(canonical document). `canonicalDocument` lets a caller
 * that already canonicalized the unsecured document (the verifier's JSON-LD check) skip a second run.
 */
export async function hashForProof(
  unsecured: JsonObject,
  proof: JsonObject,
  canonicalDocument?: string,
): Promise<Uint8Array> {
  const { proofValue: _omit, ...options } = proof
  const proofConfig = { ...options, '@context': unsecured['@context'] }
  const [canonProof, canonDoc] = await Promise.all([
    canonicalProofConfig(proofConfig),
    canonicalDocument !== undefined ? canonicalDocument : canonicalize(unsecured),
  ])
  const out = new Uint8Array(64)
  out.set(sha256(new TextEncoder().encode(canonProof)), 0)
  out.set(sha256(new TextEncoder().encode(canonDoc)), 32)
  return out
}

// Canonical proof configurations by their JSON. A batch signs credential after credential with the same
// key, contexts and `created` second, so the configuration is the same text again and again; RDFC-1.0 is
// a function of the JSON-LD input, so the same text gives the same N-Quads. Bounded: `created` moves on.
const canonicalConfigs = new Map<string, Promise<string>>()
const CANONICAL_CONFIGS_LIMIT = 8

function canonicalProofConfig(proofConfig: JsonObject): Promise<string> {
  const key = JSON.stringify(proofConfig)
  let canon = canonicalConfigs.get(key)
  if (!canon) {
    const computing = canonicalize(proofConfig)
    canon = computing
    canonicalConfigs.set(key, computing)
    if (canonicalConfigs.size > CANONICAL_CONFIGS_LIMIT)
      canonicalConfigs.delete(canonicalConfigs.keys().next().value!)
    computing.catch(() => canonicalConfigs.delete(key))
  }
  return canon
}

/** The key a verification method names, resolved without network. */
export interface ResolvedVerificationMethod {
  publicKey: Uint8Array
  /** The DID or URL that controls the key: must equal the credential's issuer id. */
  controller: string
  /** How the key was found, for the report. */
  method: 'did:key' | 'did:jwk' | 'fragment-multibase'
}

/**
 * Offline key resolution (ob3.md §2.4): `did:key:z…(#z…)`, `did:jwk:…`, and the 1EdTech fragment
 * form `<controller>#z6Mk…` where the fragment is the Multikey itself. Anything that would need a
 * network lookup (did:web, an https controller document) returns undefined.
 */
export async function resolveVerificationMethod(vm: string): Promise<ResolvedVerificationMethod | undefined> {
  const hash = vm.indexOf('#')
  const base = hash < 0 ? vm : vm.slice(0, hash)
  const fragment = hash < 0 ? undefined : vm.slice(hash + 1)
  try {
    if (base.startsWith('did:key:')) {
      const id = base.slice('did:key:'.length)
      if (fragment !== undefined && fragment !== id) return undefined
      return { publicKey: ed25519PublicKeyFromMultibase(id), controller: base, method: 'did:key' }
    }
    if (base.startsWith('did:jwk:')) {
      const jwk = await publicJwkFromDidJwk(base)
      if (jwk.crv !== 'Ed25519') return undefined
      return { publicKey: ed25519PublicKeyOf(jwk), controller: base, method: 'did:jwk' }
    }
    if (fragment?.startsWith('z6Mk')) {
      return {
        publicKey: ed25519PublicKeyFromMultibase(fragment),
        controller: base,
        method: 'fragment-multibase',
      }
    }
  } catch {
    return undefined
  }
  return undefined
}

export type ProofVerification =
  | { ok: true; proof: DataIntegrityProof; key: ResolvedVerificationMethod }
  | { ok: false; reason: string; proof?: JsonObject; key?: ResolvedVerificationMethod }

export interface VerifyProofOptions {
  /** Precomputed RDFC-1.0 N-Quads of the document without `proof` (see hashForProof). */
  canonicalDocument?: string
  expectedProofPurpose?: string
}

/**
 * Verifies the document's eddsa-rdfc-2022 proofs; succeeds when one of them is valid (OB 3.0:
 * "any one is enough"). Never throws for a bad credential: the reason says what failed.
 * Does not judge whether the key belongs to the issuer; callers compare `key.controller`.
 */
export async function verifyDocumentProof(
  document: object,
  options: VerifyProofOptions = {},
): Promise<ProofVerification> {
  const { proof, ...unsecured } = document as JsonObject
  const proofs = proof === undefined ? [] : Array.isArray(proof) ? proof : [proof]
  if (proofs.length === 0) return { ok: false, reason: 'The credential has no embedded proof' }
  let last: ProofVerification | undefined
  for (const p of proofs) {
    last = await verifyOne(unsecured, p, options)
    if (last.ok) return last
  }
  return last ?? { ok: false, reason: 'No proof could be checked' }
}

async function verifyOne(
  unsecured: JsonObject,
  p: unknown,
  options: VerifyProofOptions,
): Promise<ProofVerification> {
  if (!p || typeof p !== 'object' || Array.isArray(p))
    return { ok: false, reason: 'A proof entry is not an object' }
  const proof = p as JsonObject
  if (proof.type !== 'DataIntegrityProof' || proof.cryptosuite !== EDDSA_RDFC_2022) {
    return {
      ok: false,
      proof,
      reason: `Unsupported proof: type ${String(proof.type)}, cryptosuite ${String(proof.cryptosuite)} (only DataIntegrityProof/${EDDSA_RDFC_2022} is supported)`,
    }
  }
  const purpose = options.expectedProofPurpose ?? 'assertionMethod'
  if (proof.proofPurpose !== purpose) {
    return { ok: false, proof, reason: `Proof purpose is ${String(proof.proofPurpose)}, expected ${purpose}` }
  }
  if (typeof proof.proofValue !== 'string' || !proof.proofValue.startsWith('z')) {
    return { ok: false, proof, reason: 'proofValue must be a base58btc multibase string ("z…")' }
  }
  if (typeof proof.verificationMethod !== 'string') {
    return { ok: false, proof, reason: 'The proof has no verificationMethod' }
  }
  const key = await resolveVerificationMethod(proof.verificationMethod)
  if (!key) {
    return {
      ok: false,
      proof,
      reason: `Cannot resolve verification method ${proof.verificationMethod} offline (supported: did:key, did:jwk, <id>#z6Mk…)`,
    }
  }
  let signature: Uint8Array
  try {
    signature = base58.decode(proof.proofValue.slice(1))
  } catch {
    return { ok: false, proof, key, reason: 'proofValue is not valid base58btc' }
  }
  if (signature.length !== 64)
    return { ok: false, proof, key, reason: 'proofValue is not a 64-byte Ed25519 signature' }
  let hashData: Uint8Array
  try {
    hashData = await hashForProof(unsecured, proof, options.canonicalDocument)
  } catch (e) {
    const msg = e instanceof TesseraError ? e.message : String(e)
    return { ok: false, proof, key, reason: `Cannot canonicalize the credential: ${msg}` }
  }
  const valid = await ed25519Verify(signature, hashData, key.publicKey)
  if (!valid)
    return {
      ok: false,
      proof,
      key,
      reason: 'The signature does not match the credential (altered data or wrong key)',
    }
  return { ok: true, proof: proof as unknown as DataIntegrityProof, key }
}
