/**
 * The issuer's private keys imported for jose once per key object, not once per signature: importing
 * costs about as much as signing, and issuing signs a VC-JWT and a QR token per credential with the same
 * two keys (held unlocked for the session by services/issuer-keys.ts).
 *
 * Keyed by the private JWK object itself, so a rotated or re-unlocked key (a new object) is imported
 * afresh and a dropped one is forgotten with it. Isomorphic (jose).
 */
import { importJWK, type JWK } from 'jose'

type ImportedKey = Awaited<ReturnType<typeof importJWK>>

const imported = new WeakMap<JWK, Map<string, Promise<ImportedKey>>>()

export function importedPrivateKey(privateJwk: JWK, alg: string): Promise<ImportedKey> {
  let byAlg = imported.get(privateJwk)
  if (!byAlg) {
    byAlg = new Map()
    imported.set(privateJwk, byAlg)
  }
  let key = byAlg.get(alg)
  if (!key) {
    const importing = importJWK(privateJwk, alg)
    key = importing
    byAlg.set(alg, importing)
    importing.catch(() => byAlg.delete(alg))
  }
  return key
}
