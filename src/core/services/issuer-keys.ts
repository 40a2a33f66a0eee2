import type { Selectable } from 'kysely'
import { TesseraError } from '../../contract/errors'
import type { IssuerKeyInfo, TrustedKeyInfo } from '../../contract/ops/credentials'
import { MIN_PASSPHRASE_LENGTH } from '../../contract/ops/session'
import {
  generateIssuerKeys,
  issuerIdOf,
  type IssuerKey,
  type IssuerKeys,
  type PublicJwk,
} from '../crypto/keys'
import { parseKeyEnvelope, sealIssuerKey, serializeKeyEnvelope, unlockIssuerKey } from '../crypto/keystore'
import type { IssuerKeyTable, TrustedKeyTable } from '../db/schema'
import type { TrustedIssuer } from '../verify/verify'
import { appendAudit } from './audit'
import { isoNow, type CallContext, type ServiceContext, type Tx } from './context'

/**
 * The organization's issuer keys as stored (table `issuer_key`, migration 0003): made at `init`,
 * replaced by rotation, never deleted. Private halves exist only inside passphrase envelopes; an
 * unlocked pair is kept in memory while the database is open, so a session asks once.
 */

export { MIN_PASSPHRASE_LENGTH }

/** Human-comparable fingerprint of a key: its thumbprint's first 24 characters in groups of four. */
export const keyFingerprint = (kid: string): string => kid.slice(0, 24).replace(/(.{4})(?=.)/g, '$1 ')

type KeyRow = Selectable<IssuerKeyTable>

export const toIssuerKeyInfo = (r: KeyRow): IssuerKeyInfo => ({
  kid: r.id,
  type: r.type,
  issuerId: r.issuer_id,
  fingerprint: keyFingerprint(r.id),
  createdAt: r.created_at,
  retiredAt: r.retired_at,
  deviceId: r.device_id,
  canSign: r.private_envelope !== null,
  publicJwk: JSON.parse(r.public_jwk) as Record<string, unknown>,
})

export const toTrustedKeyInfo = (r: Selectable<TrustedKeyTable>): TrustedKeyInfo => ({
  kid: r.id,
  type: r.type,
  issuerId: r.issuer_id,
  fingerprint: keyFingerprint(r.id),
  ownerName: r.owner_name,
  ownerUrl: r.owner_url,
  retiredAt: r.retired_at,
  importedAt: r.imported_at,
})

/** Asks for a new passphrase and checks it is usable before anything is generated. */
export async function askNewPassphrase(ctx: ServiceContext): Promise<string> {
  return checkNewPassphrase(await ctx.secrets.passphrase('create'))
}

/** A passphrase for new keys must be long enough; the message never repeats it. */
export function checkNewPassphrase(passphrase: string): string {
  if (typeof passphrase !== 'string' || passphrase.normalize('NFC').length < MIN_PASSPHRASE_LENGTH) {
    throw new TesseraError(
      'validation',
      `The passphrase protecting the issuer keys must have at least ${MIN_PASSPHRASE_LENGTH} characters`,
      {
        issues: [{ path: ['passphrase'], message: `must have at least ${MIN_PASSPHRASE_LENGTH} characters` }],
      },
    )
  }
  return passphrase
}

/** Generates a key pair and seals both private keys: no database access, so it runs before a transaction. */
export async function prepareIssuerKeys(
  ctx: ServiceContext,
  passphrase: string,
): Promise<{ keys: IssuerKeys; rows: KeyRow[] }> {
  const keys = await generateIssuerKeys(ctx.now())
  const issuerId = issuerIdOf(keys.ed25519)
  const now = isoNow(ctx)
  const rows: KeyRow[] = []
  for (const key of [keys.ed25519, keys.p256]) {
    const sealed = await sealIssuerKey(key, passphrase)
    rows.push({
      id: key.kid,
      device_id: ctx.deviceId,
      created_at: now,
      updated_at: now,
      type: key.type,
      issuer_id: issuerId,
      public_jwk: JSON.stringify(key.publicJwk),
      // Opaque text: the desktop shell may wrap the envelope again (safeStorage) without this module knowing.
      private_envelope: serializeKeyEnvelope(sealed.envelope),
      retired_at: null,
    })
  }
  return { keys, rows }
}

/** Stores a prepared key pair, audited, inside the caller's transaction. */
export async function insertIssuerKeys(
  trx: Tx,
  ctx: ServiceContext,
  call: CallContext | undefined,
  prepared: { keys: IssuerKeys; rows: KeyRow[] },
  why: 'init' | 'rotate',
): Promise<void> {
  for (const row of prepared.rows) {
    await trx.insertInto('issuer_key').values(row).execute()
    await appendAudit(trx, ctx, call, {
      action: 'key.create',
      entityType: 'issuer_key',
      entityId: row.id,
      details: { type: row.type, issuerId: row.issuer_id, fingerprint: keyFingerprint(row.id), why },
    })
  }
  rememberUnlocked(ctx, prepared.keys)
}

/** The keys new credentials are signed with (this installation's, not retired). */
export async function activeKeyRows(db: Tx): Promise<{ ed25519: KeyRow; p256: KeyRow } | undefined> {
  const rows = await db
    .selectFrom('issuer_key')
    .selectAll()
    .where('private_envelope', 'is not', null)
    .where('retired_at', 'is', null)
    .orderBy('created_at', 'desc')
    .execute()
  const ed25519 = rows.find((r) => r.type === 'Ed25519')
  const p256 = rows.find((r) => r.type === 'P-256' && r.issuer_id === ed25519?.issuer_id)
  return ed25519 && p256 ? { ed25519, p256 } : undefined
}

export async function requireActiveKeyRows(db: Tx): Promise<{ ed25519: KeyRow; p256: KeyRow }> {
  const rows = await activeKeyRows(db)
  if (!rows) {
    throw new TesseraError(
      'not_found',
      'This installation has no issuer keys yet: run `tessera keys rotate` to create them (it asks for a new passphrase)',
    )
  }
  return rows
}

// Unlocked keys stay in memory while this database is open (one passphrase prompt per session, not
// one per credential); they go with the database object when it is closed.
const unlocked = new WeakMap<ServiceContext['database'], IssuerKeys>()

function rememberUnlocked(ctx: ServiceContext, keys: IssuerKeys): void {
  unlocked.set(ctx.database, keys)
}

/** Drops the unlocked keys of this database (session lock): the next signing needs the passphrase again. */
export function forgetUnlocked(ctx: ServiceContext): void {
  unlocked.delete(ctx.database)
}

const storedOf = (r: KeyRow) => {
  if (!r.private_envelope) throw new TesseraError('internal', `Issuer key ${r.id} has no private half here`)
  return {
    kid: r.id,
    type: r.type,
    createdAt: r.created_at,
    publicJwk: JSON.parse(r.public_jwk) as PublicJwk,
    envelope: parseKeyEnvelope(r.private_envelope),
  }
}

/**
 * Decrypts the current key pair, asking for the passphrase the first time in a session. A wrong
 * passphrase throws `forbidden` here, before any signing code can run.
 */
export async function unlockActiveKeys(ctx: ServiceContext): Promise<IssuerKeys> {
  const rows = await requireActiveKeyRows(ctx.db)
  const cached = unlocked.get(ctx.database)
  if (cached && cached.ed25519.kid === rows.ed25519.id && cached.p256.kid === rows.p256.id) return cached
  const passphrase = await ctx.secrets.passphrase('unlock')
  const ed25519: IssuerKey = await unlockIssuerKey(storedOf(rows.ed25519), passphrase)
  const p256: IssuerKey = await unlockIssuerKey(storedOf(rows.p256), passphrase)
  const keys = { ed25519, p256 }
  rememberUnlocked(ctx, keys)
  return keys
}

/** Checks a passphrase against the current keys without caching anything (rotation re-seals with it). */
export async function checkPassphrase(ctx: ServiceContext, passphrase: string): Promise<IssuerKeys> {
  const rows = await requireActiveKeyRows(ctx.db)
  return {
    ed25519: await unlockIssuerKey(storedOf(rows.ed25519), passphrase),
    p256: await unlockIssuerKey(storedOf(rows.p256), passphrase),
  }
}

/** The organization's name as this installation knows it (the name its credentials carry). */
export async function organizationName(db: Tx): Promise<string | undefined> {
  const org = await db.selectFrom('organization').select('name').orderBy('created_at').executeTakeFirst()
  return org?.name
}

/**
 * Who this installation trusts as an issuer: its organization's keys (every generation, retired
 * ones included, also those of its other devices that arrived by sync) and the imported keys of
 * other organizations. One entry per issuer id, in the shape the verifier takes.
 */
export async function trustedIssuers(db: Tx): Promise<TrustedIssuer[]> {
  const orgName = await organizationName(db)
  const byId = new Map<string, TrustedIssuer>()
  const add = (id: string, name: string | undefined, jwk: string, source: 'own' | 'imported') => {
    let entry = byId.get(id)
    if (!entry) {
      entry = { id, ...(name ? { name } : {}), publicJwks: [], source }
      byId.set(id, entry)
    }
    entry.publicJwks!.push(JSON.parse(jwk) as PublicJwk)
  }
  // 'own' (reported as "this installation") only for keys this installation signs with; keys of the
  // organization's other devices are trusted like imported ones ("a trusted issuer").
  const orgIssuers = new Set<string>()
  for (const r of await db.selectFrom('issuer_key').selectAll().orderBy('created_at').execute()) {
    orgIssuers.add(r.issuer_id)
    add(r.issuer_id, orgName, r.public_jwk, r.private_envelope !== null ? 'own' : 'imported')
  }
  for (const r of await db.selectFrom('trusted_key').selectAll().orderBy('created_at').execute()) {
    if (orgIssuers.has(r.issuer_id)) continue
    add(r.issuer_id, r.owner_name, r.public_jwk, 'imported')
  }
  return [...byId.values()]
}
