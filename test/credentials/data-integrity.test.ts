import { describe, expect, it } from 'vitest'
import { canonicalize } from '../../src/core/credentials/canonicalize'
import {
  hashForProof,
  resolveVerificationMethod,
  signDocument,
  verifyDocumentProof,
} from '../../src/core/credentials/data-integrity'
import { staticDocumentLoader } from '../../src/core/credentials/document-loader'
import { setWebCryptoEd25519 } from '../../src/core/credentials/ed25519'
import { didKeyFromPublicJwk } from '../../src/core/crypto/keys'
import { hex } from '@scure/base'
import { readSharedJson, readSharedText, SPEC_TEST_MULTIBASE, specTestPrivateJwk, testKeys } from './fixtures'

const VECTOR = 'examples/spec/linked-data-proof-ob.signed-credential.json'

describe('eddsa-rdfc-2022: the official OB 3.0 test vector', () => {
  it('canonicalizes the document and the proof configuration byte for byte', async () => {
    const { proof, ...doc } = readSharedJson(VECTOR)
    const { proofValue: _v, ...proofConfig } = proof as Record<string, unknown>
    expect(await canonicalize(doc)).toBe(readSharedText('test-vectors/document-canon.txt'))
    expect(await canonicalize({ ...proofConfig, '@context': doc['@context'] })).toBe(
      readSharedText('test-vectors/proof-canon.txt'),
    )
  })

  it('hashes to the published document hash (proof hash first)', async () => {
    const { proof, ...doc } = readSharedJson(VECTOR)
    const hashData = await hashForProof(doc, proof as Record<string, unknown>)
    // Spec: document hash 87f65a76…0773 is the second half of hashData.
    expect(hex.encode(hashData.slice(32))).toMatch(/^87f65a76d4014620.*0773$/)
    expect(hex.encode(hashData.slice(0, 32))).toMatch(/^d34009ce.*5d19$/)
  })

  it('reproduces the published proofValue exactly from the published seed', async () => {
    const vector = readSharedJson(VECTOR)
    const { proof, ...doc } = vector
    const p = proof as Record<string, string>
    const signed = await signDocument(doc, await specTestPrivateJwk(), {
      verificationMethod: p.verificationMethod,
      created: new Date(p.created as string),
    })
    expect(signed.proof).toHaveLength(1)
    expect(signed.proof[0]).toEqual({
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      created: '2010-01-01T19:23:24Z',
      verificationMethod: `https://example.edu/issuers/565049#${SPEC_TEST_MULTIBASE}`,
      proofPurpose: 'assertionMethod',
      proofValue: 'z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ1sYKJaWvqZtkMtSbz35HcbgXVEDYHxCzgkCr',
    })
  })

  it('the pure-JS fallback (browsers without WebCrypto Ed25519) gives the same proofValue and verdicts', async () => {
    const vector = readSharedJson(VECTOR)
    const { proof, ...doc } = vector
    const p = proof as Record<string, string>
    setWebCryptoEd25519(false)
    try {
      const signed = await signDocument(doc, await specTestPrivateJwk(), {
        verificationMethod: p.verificationMethod,
        created: new Date(p.created as string),
      })
      expect((signed.proof[0] as Record<string, string>).proofValue).toBe(p.proofValue)
      expect((await verifyDocumentProof(vector)).ok).toBe(true)
      expect(
        (await verifyDocumentProof(readSharedJson('examples/validator/invalid/simple-err-proof-value.json')))
          .ok,
      ).toBe(false)
    } finally {
      setWebCryptoEd25519(undefined)
    }
  })

  it('verifies the vector (single-object proof) and rejects it after a one-character change', async () => {
    const vector = readSharedJson(VECTOR)
    const ok = await verifyDocumentProof(vector)
    expect(ok.ok).toBe(true)
    const altered = structuredClone(vector)
    ;(altered.credentialSubject as { achievement: { name: string } }).achievement.name = 'Teamwork!'
    const bad = await verifyDocumentProof(altered)
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.reason).toMatch(/signature does not match/)
  })
})

describe('Data Integrity signing with installation keys', () => {
  it('signs with did:key#fragment, proof as an array, and verifies', async () => {
    const keys = await testKeys()
    const doc = readSharedJson('examples/spec/basicOpenBadgeCredential.json')
    const did = didKeyFromPublicJwk(keys.ed25519.publicJwk)
    const signed = await signDocument(
      { ...doc, issuer: { ...(doc.issuer as object), id: did } },
      keys.ed25519.privateJwk,
      {
        created: new Date('2025-03-14T10:32:00.500Z'),
      },
    )
    const proof = signed.proof[0] as Record<string, string>
    expect(proof.verificationMethod).toBe(`${did}#${did.slice('did:key:'.length)}`)
    expect(proof.created).toBe('2025-03-14T10:32:00Z')
    const result = await verifyDocumentProof(signed)
    expect(result.ok && result.key.controller).toBe(did)
  })

  it('a signature by another key fails, and a second valid proof is enough', async () => {
    const keys = await testKeys()
    const doc = readSharedJson('examples/spec/basicOpenBadgeCredential.json')
    const signed = await signDocument(doc, keys.ed25519.privateJwk)
    const forged = structuredClone(signed) as Record<string, unknown> & { proof: Record<string, string>[] }
    // Claim the spec test key signed it: the signature was made by our key, so it cannot match.
    forged.proof[0]!.verificationMethod = `did:key:${SPEC_TEST_MULTIBASE}#${SPEC_TEST_MULTIBASE}`
    expect((await verifyDocumentProof(forged)).ok).toBe(false)
    const both = await signDocument(forged, await specTestPrivateJwk())
    expect(both.proof).toHaveLength(2)
    expect((await verifyDocumentProof(both)).ok).toBe(true)
  })

  it('refuses what safe mode would silently drop', async () => {
    const keys = await testKeys()
    const doc = { ...readSharedJson('examples/spec/basicOpenBadgeCredential.json'), jti: 'urn:uuid:1' }
    await expect(signDocument(doc, keys.ed25519.privateJwk)).rejects.toMatchObject({
      code: 'check_failed',
      message: expect.stringMatching(/safe mode.*jti/),
    })
  })

  it('verifies a rubric credential signed elsewhere with unpatched jsonld (guards the context-sharing speedup)', async () => {
    const signed = readSharedJson('examples/mapping/ob3-example-rubric-credential.signed.json')
    const result = await verifyDocumentProof(signed)
    expect(result.ok).toBe(true)
  })
})

describe('offline key resolution', () => {
  it('resolves did:key, its fragment form and the 1EdTech <id>#z6Mk form; refuses network-only methods', async () => {
    const did = `did:key:${SPEC_TEST_MULTIBASE}`
    expect((await resolveVerificationMethod(did))?.controller).toBe(did)
    expect((await resolveVerificationMethod(`${did}#${SPEC_TEST_MULTIBASE}`))?.method).toBe('did:key')
    expect(
      await resolveVerificationMethod(`${did}#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK`),
    ).toBeUndefined()
    const frag = await resolveVerificationMethod(`https://example.edu/issuers/565049#${SPEC_TEST_MULTIBASE}`)
    expect(frag).toMatchObject({
      controller: 'https://example.edu/issuers/565049',
      method: 'fragment-multibase',
    })
    expect(hex.encode(frag!.publicKey)).toBe(
      '4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5',
    )
    expect(await resolveVerificationMethod('did:web:example.com#key-1')).toBeUndefined()
    expect(await resolveVerificationMethod('https://example.com/keys/1')).toBeUndefined()
  })

  it('the document loader serves bundled contexts only', async () => {
    await expect(staticDocumentLoader('https://www.w3.org/ns/credentials/v2')).resolves.toMatchObject({
      tag: 'static',
    })
    await expect(staticDocumentLoader('https://example.com/evil-context.json')).rejects.toMatchObject({
      code: 'check_failed',
    })
  })
})
