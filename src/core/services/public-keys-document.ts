import { z } from 'zod'
import { TesseraError, type ErrorIssue } from '../../contract/errors'
import { didKeyFromPublicJwk, toPublicJwk, type PublicJwk } from '../crypto/keys'
import type { Tx } from './context'

/**
 * The public-keys file (`tessera keys export-public`): what another installation, a hub or an
 * offline verifier needs to trust this organization's credentials. One entry per issuer id (a key
 * generation: its Ed25519 did:key plus the P-256 key of its VC-JWTs), retired generations
 * included, plus the latest signed status lists. Nothing secret; nothing in it is trusted on its
 * own either: whoever imports it vouches for it (compare the fingerprints with the issuer).
 */

export const PUBLIC_KEYS_FORMAT = 'tessera.public-keys'

const publicJwkSchema = z
  .object({
    kty: z.string(),
    crv: z.string(),
    x: z.string(),
    y: z.string().optional(),
    kid: z.string().optional(),
  })
  .passthrough()

export const publicKeysDocumentSchema = z.object({
  format: z.literal(PUBLIC_KEYS_FORMAT, { message: `must be "${PUBLIC_KEYS_FORMAT}"` }),
  formatVersion: z.literal(1, { message: 'must be 1 (this version of Tessera reads version 1)' }),
  exportedAt: z.string(),
  organization: z.object({
    name: z.string().min(1, 'is required').max(500),
    url: z.string().max(2000).nullable().optional(),
    email: z.string().max(320).nullable().optional(),
  }),
  issuers: z
    .array(
      z.object({
        id: z.string().startsWith('did:key:z', 'must be a did:key'),
        name: z.string().max(500).optional(),
        current: z.boolean().optional(),
        keys: z
          .array(
            z.object({
              kid: z.string(),
              type: z.enum(['Ed25519', 'P-256']),
              createdAt: z.string(),
              retiredAt: z.string().nullable().optional(),
              publicJwk: publicJwkSchema,
            }),
          )
          .min(1, 'needs at least one key'),
      }),
    )
    .min(1, 'needs at least one issuer'),
  statusLists: z.array(z.record(z.string(), z.unknown())).default([]),
})
export type PublicKeysDocument = z.output<typeof publicKeysDocumentSchema>

export interface VerifiedIssuerKey {
  issuerId: string
  kid: string
  type: 'Ed25519' | 'P-256'
  retiredAt: string | null
  publicJwk: PublicJwk
}

/** Parses and checks a public-keys file: every kid is its key's thumbprint, every Ed25519 key is its issuer's did:key. */
export async function readPublicKeysDocument(
  input: unknown,
): Promise<{ doc: PublicKeysDocument; keys: VerifiedIssuerKey[] }> {
  const parsed = publicKeysDocumentSchema.safeParse(input)
  if (!parsed.success) {
    const issues: ErrorIssue[] = parsed.error.issues.map((i) => ({
      path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      message: i.message,
    }))
    throw new TesseraError(
      'validation',
      `Not a Tessera public-keys file: ${issues[0]?.path.join('.')}: ${issues[0]?.message}`,
      { issues },
    )
  }
  const doc = parsed.data
  const keys: VerifiedIssuerKey[] = []
  const issues: ErrorIssue[] = []
  for (const [i, issuer] of doc.issuers.entries()) {
    for (const [j, k] of issuer.keys.entries()) {
      const path = ['issuers', i, 'keys', j]
      if ('d' in k.publicJwk) {
        issues.push({
          path: [...path, 'publicJwk'],
          message: 'contains a private key: refused (and tell its owner)',
        })
        continue
      }
      let jwk: PublicJwk
      try {
        jwk = await toPublicJwk(k.publicJwk)
      } catch (e) {
        issues.push({ path: [...path, 'publicJwk'], message: e instanceof Error ? e.message : String(e) })
        continue
      }
      if (jwk.kid !== k.kid)
        issues.push({ path: [...path, 'kid'], message: 'is not the thumbprint of the key' })
      if ((k.type === 'Ed25519') !== (jwk.crv === 'Ed25519'))
        issues.push({ path: [...path, 'type'], message: `does not match the key (${jwk.crv})` })
      if (jwk.crv === 'Ed25519' && didKeyFromPublicJwk(jwk) !== issuer.id) {
        issues.push({ path: [...path, 'publicJwk'], message: `is not the key of ${issuer.id}` })
      }
      keys.push({
        issuerId: issuer.id,
        kid: jwk.kid,
        type: k.type,
        retiredAt: k.retiredAt ?? null,
        publicJwk: jwk,
      })
    }
  }
  if (issues.length) {
    throw new TesseraError(
      'validation',
      `The public-keys file is inconsistent: ${issues[0]!.path.join('.')}: ${issues[0]!.message}`,
      { issues },
    )
  }
  return { doc, keys }
}

/** This organization's public keys (every generation held here) and the signed lists of those issuers. */
export async function buildPublicKeysDocument(db: Tx, now: Date): Promise<PublicKeysDocument> {
  const org = await db.selectFrom('organization').selectAll().orderBy('created_at').executeTakeFirst()
  if (!org) throw new TesseraError('not_found', 'The organization is not set up yet: run `tessera init`')
  const rows = await db.selectFrom('issuer_key').selectAll().orderBy('created_at').orderBy('type').execute()
  if (rows.length === 0)
    throw new TesseraError('not_found', 'This installation has no issuer keys yet: run `tessera keys rotate`')
  const issuers = new Map<string, PublicKeysDocument['issuers'][number]>()
  for (const r of rows) {
    let entry = issuers.get(r.issuer_id)
    if (!entry) {
      entry = { id: r.issuer_id, name: org.name, current: false, keys: [] }
      issuers.set(r.issuer_id, entry)
    }
    if (r.private_envelope !== null && r.retired_at === null) entry.current = true
    entry.keys.push({
      kid: r.id,
      type: r.type,
      createdAt: r.created_at,
      retiredAt: r.retired_at,
      publicJwk: JSON.parse(
        r.public_jwk,
      ) as PublicKeysDocument['issuers'][number]['keys'][number]['publicJwk'],
    })
  }
  const lists = await db
    .selectFrom('status_list')
    .select(['signed_json', 'issuer_id'])
    .where('signed_json', 'is not', null)
    .where('issuer_id', 'in', [...issuers.keys()])
    .orderBy('created_at')
    .execute()
  return {
    format: PUBLIC_KEYS_FORMAT,
    formatVersion: 1,
    exportedAt: now.toISOString(),
    organization: { name: org.name, url: org.url, email: org.email },
    issuers: [...issuers.values()],
    statusLists: lists.map((l) => JSON.parse(l.signed_json!) as Record<string, unknown>),
  }
}
