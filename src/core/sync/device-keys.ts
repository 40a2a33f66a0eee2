import os from 'node:os'
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose'
import { TesseraError } from '../../contract/errors'
import { openWithPassphrase, sealWithPassphrase } from '../crypto/keystore'
import { toPublicJwk, type PublicJwk } from '../crypto/keys'
import type { SyncIdentityTable, SyncRole } from '../db/schema'
import { appendAudit } from '../services/audit'
import { isoNow, type CallContext, type ServiceContext } from '../services/context'
import type { DeviceCard } from './bundle-format'
import { importEncryptionKey, importSigningKey } from './jose-bytes'

/**
 * This installation's sync identity: an Ed25519 key that signs its bundles and receipts, and a
 * P-256 ECDH key that bundles for it are encrypted to. Private keys are kept only in a passphrase
 * envelope (scrypt + AES-256-GCM, crypto/keystore.ts — shared with the issuer keys).
 *
 * `init` does not make these keys: they are made on first sync use (`sync.ensureDevice`, or lazily by
 * `hub enroll-file`, `hub join` and `export`), so a device that never syncs never needs a passphrase.
 */
export interface SyncIdentity {
  deviceId: string
  name: string
  role: SyncRole
  signJwk: PublicJwk
  encryptJwk: PublicJwk
}

export interface UnlockedIdentity extends SyncIdentity {
  signKey: CryptoKey
  decryptKey: CryptoKey
}

const fromRow = (r: SyncIdentityTable): SyncIdentity => ({
  deviceId: r.device_id,
  name: r.name,
  role: r.role,
  signJwk: JSON.parse(r.sign_public_jwk) as PublicJwk,
  encryptJwk: JSON.parse(r.encrypt_public_jwk) as PublicJwk,
})

/** Raw reads (not kysely) so this also works inside sections that hold kysely's connection. */
export async function loadIdentity(ctx: ServiceContext): Promise<SyncIdentity | undefined> {
  const row = ctx.database.sqlite.prepare(`SELECT * FROM sync_identity LIMIT 1`).get() as
    SyncIdentityTable | undefined
  return row ? fromRow(row) : undefined
}

export async function requireIdentity(ctx: ServiceContext): Promise<SyncIdentity> {
  const id = await loadIdentity(ctx)
  if (!id) {
    throw new TesseraError(
      'not_found',
      'This installation has no sync keys yet: run `tessera hub enroll-file` (hub) or `tessera hub join` (field device)',
    )
  }
  return id
}

export const deviceCardOf = (id: SyncIdentity): DeviceCard => ({
  deviceId: id.deviceId,
  name: id.name,
  role: id.role,
  signJwk: id.signJwk,
  encryptJwk: id.encryptJwk,
})

function defaultName(): string {
  try {
    return os.hostname() || 'Tessera device'
  } catch {
    return 'Tessera device'
  }
}

/** Makes the device keys if this installation has none yet. Asks for the passphrase only then. */
export async function ensureIdentity(
  ctx: ServiceContext,
  call: CallContext | undefined,
  opts: { name?: string } = {},
): Promise<{ identity: SyncIdentity; created: boolean }> {
  if (ctx.database.readonly) {
    const existing = await loadIdentity(ctx)
    if (existing) return { identity: existing, created: false }
    throw new TesseraError(
      'locked',
      'The database is open read-only (another Tessera holds it); sync keys cannot be created now',
    )
  }
  const existing = await loadIdentity(ctx)
  if (existing) return { identity: existing, created: false }

  const sign = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
  const enc = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true })
  const signPriv = await exportJWK(sign.privateKey)
  const encPriv = await exportJWK(enc.privateKey)
  const signJwk = await toPublicJwk(await exportJWK(sign.publicKey))
  const encryptJwk = await toPublicJwk(await exportJWK(enc.publicKey))
  const passphrase = await ctx.secrets.passphrase('create')
  const envelope = await sealWithPassphrase(
    new TextEncoder().encode(JSON.stringify({ sign: signPriv, encrypt: encPriv })),
    passphrase,
  )
  const now = isoNow(ctx)
  const row: SyncIdentityTable = {
    device_id: ctx.deviceId,
    name: opts.name ?? defaultName(),
    role: 'field',
    sign_kid: signJwk.kid,
    sign_public_jwk: JSON.stringify(signJwk),
    encrypt_kid: encryptJwk.kid,
    encrypt_public_jwk: JSON.stringify(encryptJwk),
    private_keys: JSON.stringify(envelope),
    created_at: now,
    updated_at: now,
  }
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('sync_identity').values(row).execute()
    await appendAudit(trx, ctx, call, {
      action: 'sync.device_keys.create',
      entityType: 'device',
      entityId: ctx.deviceId,
      details: { signKid: signJwk.kid, encryptKid: encryptJwk.kid, name: row.name },
    })
  })
  return { identity: fromRow(row), created: true }
}

// Unlocked keys stay in memory while this database is open (one passphrase prompt per session,
// not one per bundle); they are dropped when the session is locked or the database object is closed.
const unlockedKeys = new WeakMap<
  ServiceContext['database'],
  { signKey: CryptoKey; decryptKey: CryptoKey; signKid: string }
>()

/** Drops the unlocked keys (the session was locked): the next bundle asks for the passphrase again. */
export function forgetUnlockedIdentity(ctx: ServiceContext): void {
  unlockedKeys.delete(ctx.database)
}

/** Decrypts the private keys (asks for the passphrase the first time in a session). */
export async function unlockIdentity(
  ctx: ServiceContext,
  identity?: SyncIdentity,
): Promise<UnlockedIdentity> {
  const id = identity ?? (await requireIdentity(ctx))
  const cached = unlockedKeys.get(ctx.database)
  if (cached && cached.signKid === id.signJwk.kid)
    return { ...id, signKey: cached.signKey, decryptKey: cached.decryptKey }
  // Raw read on purpose: this runs inside `exclusive()` sections that already hold kysely's connection.
  const row = ctx.database.sqlite.prepare(`SELECT private_keys FROM sync_identity LIMIT 1`).get() as
    { private_keys: string } | undefined
  if (!row) throw new TesseraError('not_found', 'This installation has no sync keys yet')
  const passphrase = await ctx.secrets.passphrase('unlock')
  const bytes = await openWithPassphrase(row.private_keys, passphrase, 'the device sync keys')
  let keys: { sign: JWK; encrypt: JWK }
  try {
    keys = JSON.parse(new TextDecoder().decode(bytes)) as { sign: JWK; encrypt: JWK }
  } finally {
    bytes.fill(0)
  }
  const [signKey, decryptKey] = await Promise.all([
    importSigningKey(keys.sign),
    importEncryptionKey(keys.encrypt),
  ])
  unlockedKeys.set(ctx.database, { signKey, decryptKey, signKid: id.signJwk.kid })
  return { ...id, signKey, decryptKey }
}

/** Human-comparable fingerprint of a signing key: its RFC 7638 thumbprint in groups of four. */
export const fingerprint = (kid: string): string => kid.slice(0, 24).replace(/(.{4})(?=.)/g, '$1 ')
