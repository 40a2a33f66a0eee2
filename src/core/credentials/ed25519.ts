/**
 * Ed25519 sign/verify for Data Integrity proofs: the platform's WebCrypto when it supports
 * Ed25519 (Node ≥ 18.4, Chromium ≥ 137, Firefox ≥ 129, Safari ≥ 17), else @noble/curves.
 *
 * Why both: WebCrypto is ~10x faster than pure-JS curve arithmetic (1.6 ms per verify with noble),
 * which is most of a verification's budget after canonicalization; noble keeps older browsers
 * working. Ed25519 signatures are deterministic (RFC 8032), so both produce identical bytes.
 *
 * Isomorphic.
 */
import { base64urlnopad } from '@scure/base'
import { loadOnFirstUse } from './load-on-first-use'

// Only where WebCrypto lacks Ed25519 (older browsers): not loaded, not even compiled, elsewhere.
const loadNoble = loadOnFirstUse('Ed25519', async () => (await import('@noble/curves/ed25519.js')).ed25519)

type Bytes = Uint8Array<ArrayBuffer>
// Named this way because Node's typings have no global CryptoKey type.
type WebCryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>
const ED25519 = { name: 'Ed25519' }
// A valid public key to probe with: the one of the seed 07 07 … 07 (32 bytes).
const PROBE_PUBLIC_KEY = base64urlnopad.decode('6kpsY-KcUgq-9VB7Ey7F-ZVHdq6-vnuSQh7qaRRG0iw')

let support: Promise<boolean> | undefined

/**
 * Forces the pure-JS path (false) or returns to probing (undefined). For tests and for a platform
 * whose WebCrypto misbehaves; normal code never calls it.
 */
export function setWebCryptoEd25519(enabled: false | undefined): void {
  support = enabled === false ? Promise.resolve(false) : undefined
}

/** Whether this platform's WebCrypto does Ed25519 (probed once). */
function webCryptoEd25519(): Promise<boolean> {
  support ??= (async () => {
    const subtle = globalThis.crypto?.subtle
    if (!subtle) return false
    try {
      await subtle.importKey('raw', PROBE_PUBLIC_KEY as Bytes, ED25519, false, ['verify'])
      return true
    } catch {
      return false
    }
  })()
  return support
}

// Importing a key costs about as much as a verification; issuers are few, so keep them.
const verifyKeys = new Map<string, Promise<WebCryptoKey>>()
const MAX_CACHED_KEYS = 256

function verifyKey(publicKey: Uint8Array): Promise<WebCryptoKey> {
  const id = base64urlnopad.encode(publicKey)
  let key = verifyKeys.get(id)
  if (!key) {
    if (verifyKeys.size >= MAX_CACHED_KEYS) verifyKeys.clear()
    key = crypto.subtle.importKey('raw', publicKey.slice() as Bytes, ED25519, false, ['verify'])
    verifyKeys.set(id, key)
  }
  return key
}

/** RFC 8032 verification; false (never a throw) for a malformed key or signature. */
export async function ed25519Verify(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): Promise<boolean> {
  if (signature.length !== 64 || publicKey.length !== 32) return false
  if (await webCryptoEd25519()) {
    try {
      return await crypto.subtle.verify(
        ED25519,
        await verifyKey(publicKey),
        signature as Bytes,
        message as Bytes,
      )
    } catch {
      return false
    }
  }
  const ed25519 = await loadNoble()
  try {
    // zip215:false = strict RFC 8032, like the platform implementations.
    return ed25519.verify(signature, message, publicKey, { zip215: false })
  } catch {
    return false
  }
}

/** Signs with the 32-byte seed (private JWK `d`); `publicKey` is the JWK `x`. */
export async function ed25519Sign(
  message: Uint8Array,
  seed: Uint8Array,
  publicKey: Uint8Array,
): Promise<Uint8Array> {
  if (await webCryptoEd25519()) {
    const key = await signKey(seed, publicKey)
    return new Uint8Array(await crypto.subtle.sign(ED25519, key, message as Bytes))
  }
  return (await loadNoble()).sign(message, seed)
}

// Importing the private key cost as much as signing; a batch of credentials signs with one key, so
// keep the (non-extractable) imported key. The seed is already held in memory by whoever signs.
const signKeys = new Map<string, Promise<WebCryptoKey>>()
const MAX_SIGN_KEYS = 8

function signKey(seed: Uint8Array, publicKey: Uint8Array): Promise<WebCryptoKey> {
  const jwk = {
    kty: 'OKP',
    crv: 'Ed25519',
    x: base64urlnopad.encode(publicKey),
    d: base64urlnopad.encode(seed),
  }
  const id = `${jwk.x}.${jwk.d}`
  let key = signKeys.get(id)
  if (!key) {
    if (signKeys.size >= MAX_SIGN_KEYS) signKeys.clear()
    key = crypto.subtle.importKey('jwk', jwk, ED25519, false, ['sign'])
    key.catch(() => signKeys.delete(id))
    signKeys.set(id, key)
  }
  return key
}
