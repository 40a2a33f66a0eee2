import type { Selectable } from 'kysely'
import { TesseraError } from '../../contract/errors'
import type { StatusListInfo } from '../../contract/ops/credentials'
import type { IssuerKey } from '../crypto/keys'
import { issuerIdOf } from '../crypto/keys'
import { verifyDocumentProof } from '../credentials/data-integrity'
import {
  createBitstring,
  decodeBitstring,
  encodeBitstring,
  freeStatusIndex,
  setStatusBit,
  signStatusListCredential,
  STATUS_LIST_MIN_ENTRIES,
} from '../credentials/status-list'
import { parseDateTimeZ } from '../credentials/date-time'
import { newId } from '../domain/ids'
import type { StatusListTable } from '../db/schema'
import type { HeldStatusList } from '../verify/verify'
import { appendAudit } from './audit'
import { isoNow, type CallContext, type ServiceContext, type Tx } from './context'

/**
 * Bitstring Status Lists (ob3.md §4) as this installation keeps them.
 *
 * - Each installation allocates slots only in lists it created (`owned`), so devices that sync
 *   later can never hand out the same slot. A list's URL is fixed when it is created:
 *   `<organization url>/credentials/status/<list id>` when the organization has a web address,
 *   otherwise `urn:uuid:<list id>` (then only holders of the signed list, e.g. a verifier kit or
 *   an installation that imported it, can check status: nobody can fetch it).
 * - The bits of an owned list are derived from the credential rows (`revoked_at`); the signed
 *   BitstringStatusListCredential is stored as `signed_json` and re-signed when a credential of it
 *   is revoked, when keys rotate, and when it is about to expire.
 * - Lists of other devices or organizations are held as their latest signed copy only.
 */

/** A signed list is valid this long; verifiers warn about an older copy (ob3.md §4: "short validUntil"). */
export const STATUS_LIST_VALIDITY_DAYS = 30
/** Re-sign an owned list when its copy expires within this many days. */
const REFRESH_BEFORE_DAYS = 7
const DAY_MS = 86_400_000

type ListRow = Selectable<StatusListTable>

export function statusListUrl(orgUrl: string | null | undefined, listId: string): string {
  if (orgUrl && /^https?:\/\//i.test(orgUrl))
    return `${orgUrl.replace(/\/+$/, '')}/credentials/status/${listId}`
  return `urn:uuid:${listId}`
}

/** A new owned revocation list, for when every owned list is full (or on first use). */
async function newOwnedList(trx: Tx, ctx: ServiceContext, call: CallContext | undefined): Promise<ListRow> {
  const org = await trx.selectFrom('organization').select('url').orderBy('created_at').executeTakeFirst()
  const id = newId()
  const now = isoNow(ctx)
  const row: ListRow = {
    id,
    device_id: ctx.deviceId,
    created_at: now,
    updated_at: now,
    url: statusListUrl(org?.url, id),
    purpose: 'revocation',
    size: STATUS_LIST_MIN_ENTRIES,
    owned: 1,
    issuer_id: null,
    signed_json: null,
    signed_at: null,
  }
  await trx.insertInto('status_list').values(row).execute()
  await appendAudit(trx, ctx, call, {
    action: 'status_list.create',
    entityType: 'status_list',
    entityId: id,
    details: { url: row.url, size: row.size },
  })
  return row
}

/**
 * Reserves a random free slot (herd privacy) in the newest owned list with room, starting a new list
 * when they are all full. The slot is found by probing the UNIQUE (status_list_id, status_index)
 * index for a few random candidates, never by counting or loading the list's credentials: a list
 * holds up to 131,072 after years of issuing, and this runs for every credential. Same connection as
 * `trx` (better-sqlite3 has one), so the probes see this transaction's rows.
 */
export async function reserveStatusSlot(
  trx: Tx,
  ctx: ServiceContext,
  call: CallContext | undefined,
): Promise<{ list: ListRow; index: number }> {
  const taken = ctx.database.sqlite.prepare(
    'SELECT 1 FROM credential WHERE status_list_id = ? AND status_index = ?',
  )
  const freeIn = (list: ListRow): number | null =>
    freeStatusIndex((i) => taken.get(list.id, i) !== undefined, { entries: list.size })
  // Newest first: a list is only started when the others are full, so the newest is the one with
  // room, and a full one is scanned to its end once (the call that starts the next list).
  const lists = await trx
    .selectFrom('status_list')
    .selectAll()
    .where('owned', '=', 1)
    .where('purpose', '=', 'revocation')
    .orderBy('created_at', 'desc')
    .execute()
  for (const list of lists) {
    const index = freeIn(list)
    if (index !== null) return { list, index }
  }
  const list = await newOwnedList(trx, ctx, call)
  const index = freeIn(list)
  if (index === null) throw new Error(`the new status list ${list.id} has no free slot`)
  return { list, index }
}

async function derivedBits(trx: Tx, list: ListRow): Promise<Uint8Array> {
  const bits = createBitstring(list.size)
  const revoked = await trx
    .selectFrom('credential')
    .select('status_index')
    .where('status_list_id', '=', list.id)
    .where('revoked_at', 'is not', null)
    .execute()
  for (const r of revoked) setStatusBit(bits, r.status_index)
  return bits
}

/**
 * The validFrom of a list's next signed copy: now, unless that is not strictly later than the copy it
 * replaces. validFrom has whole seconds, and verifiers and other installations keep the copy with the
 * latest validFrom (holdForeignStatusList), so a copy re-signed in the same second as the previous one
 * (two revocations in a row), or after the clock went back, is dated one second after it: every holder
 * then orders the two copies, whatever they know about the bits.
 */
export function nextListValidFrom(now: Date, previousSignedJson: string | null): Date {
  let previous: Date | undefined
  try {
    previous = parseDateTimeZ((JSON.parse(previousSignedJson ?? '{}') as { validFrom?: unknown }).validFrom)
  } catch {
    previous = undefined // an unreadable copy orders nothing: it is replaced
  }
  if (!previous || Math.floor(now.getTime() / 1000) * 1000 > previous.getTime()) return now
  return new Date(Math.floor(previous.getTime() / 1000) * 1000 + 1000)
}

/** Signs an owned list from the credential rows and stores the signed copy (inside the caller's transaction). */
export async function signOwnedList(
  trx: Tx,
  ctx: ServiceContext,
  list: ListRow,
  key: IssuerKey,
): Promise<void> {
  if (list.owned !== 1) throw new TesseraError('internal', `Status list ${list.url} is not signed here`)
  const now = ctx.now()
  // The copy held now, read again: `list` may be a row read before an earlier signing in this transaction.
  const previous = await trx
    .selectFrom('status_list')
    .select('signed_json')
    .where('id', '=', list.id)
    .executeTakeFirst()
  const validFrom = nextListValidFrom(now, previous?.signed_json ?? null)
  const signed = await signStatusListCredential(
    {
      listUrl: list.url,
      issuer: issuerIdOf(key),
      purpose: list.purpose,
      bits: await derivedBits(trx, list),
      validFrom,
      validUntil: new Date(validFrom.getTime() + STATUS_LIST_VALIDITY_DAYS * DAY_MS),
    },
    key.privateJwk,
  )
  await trx
    .updateTable('status_list')
    .set({
      signed_json: JSON.stringify(signed),
      signed_at: now.toISOString(),
      issuer_id: issuerIdOf(key),
      updated_at: now.toISOString(),
    })
    .where('id', '=', list.id)
    .execute()
}

/** Whether an owned list's signed copy is missing, out of date with the credential rows, or about to expire. */
export async function ownedListIsStale(trx: Tx, ctx: ServiceContext, list: ListRow): Promise<boolean> {
  if (!list.signed_json) return true
  const signed = JSON.parse(list.signed_json) as {
    validUntil?: string
    credentialSubject?: { encodedList?: string }
  }
  const until = parseDateTimeZ(signed.validUntil)
  if (!until || until.getTime() - ctx.now().getTime() < REFRESH_BEFORE_DAYS * DAY_MS) return true
  const expected = await encodeBitstring(await derivedBits(trx, list))
  if (expected === signed.credentialSubject?.encodedList) return false
  // gzip output may differ between platforms for the same bits: compare the bits themselves.
  const held = await decodeBitstring(signed.credentialSubject?.encodedList ?? '').catch(() => undefined)
  const want = await derivedBits(trx, list)
  return !held || held.length !== want.length || held.some((b, i) => b !== want[i])
}

export async function ownedLists(db: Tx): Promise<ListRow[]> {
  return db.selectFrom('status_list').selectAll().where('owned', '=', 1).orderBy('created_at').execute()
}

/** Every signed list held here, in the shape the verifier takes. */
export async function heldStatusLists(db: Tx): Promise<HeldStatusList[]> {
  const rows = await db
    .selectFrom('status_list')
    .select(['url', 'signed_json'])
    .where('signed_json', 'is not', null)
    .execute()
  return rows.map((r) => ({ url: r.url, credential: parsedList(r.signed_json!) }))
}

// One parsed object per signed copy: the verifier keeps what it checked about a list object (its
// signature, the inflated bits), so verifying badge after badge does not re-verify the list each time.
// Read-only for callers.
const parsedLists = new Map<string, object>()

function parsedList(json: string): object {
  let list = parsedLists.get(json)
  if (!list) {
    list = JSON.parse(json) as object
    parsedLists.set(json, list)
    if (parsedLists.size > 32) parsedLists.delete(parsedLists.keys().next().value!)
  }
  return list
}

export async function toStatusListInfo(db: Tx, r: ListRow): Promise<StatusListInfo> {
  let issued: number | null = null
  let revoked: number | null = null
  if (r.owned === 1) {
    const counts = await db
      .selectFrom('credential')
      .select((eb) => [
        eb.fn.countAll<number>().as('issued'),
        eb.fn.count<number>('revoked_at').as('revoked'),
      ])
      .where('status_list_id', '=', r.id)
      .executeTakeFirstOrThrow()
    issued = Number(counts.issued)
    revoked = Number(counts.revoked)
  }
  return {
    id: r.id,
    url: r.url,
    purpose: r.purpose,
    size: r.size,
    owned: r.owned === 1,
    issuerId: r.issuer_id,
    signedAt: r.signed_at,
    issued,
    revoked,
    credential: r.signed_json ? (JSON.parse(r.signed_json) as Record<string, unknown>) : null,
  }
}

/**
 * Holds a signed list from elsewhere (another organization, the hub, another device of this one).
 * Its signature must verify and its issuer must be trusted here; a copy older than the one held is
 * ignored. Own lists are never replaced from outside.
 */
export async function holdForeignStatusList(
  trx: Tx,
  ctx: ServiceContext,
  list: Record<string, unknown>,
  trustedIssuerIds: Set<string>,
): Promise<ListRow> {
  const types = Array.isArray(list.type) ? list.type : [list.type]
  const url = typeof list.id === 'string' ? list.id : undefined
  const subject = list.credentialSubject as { statusPurpose?: unknown; encodedList?: unknown } | undefined
  if (!types.includes('BitstringStatusListCredential') || !url || typeof subject?.encodedList !== 'string') {
    throw new TesseraError(
      'validation',
      'Not a BitstringStatusListCredential (type, id and credentialSubject.encodedList are required)',
    )
  }
  const purpose = subject.statusPurpose === 'suspension' ? 'suspension' : 'revocation'
  const proof = await verifyDocumentProof(list)
  if (!proof.ok)
    throw new TesseraError('check_failed', `The status list ${url} is not validly signed: ${proof.reason}`)
  const issuer =
    typeof list.issuer === 'string' ? list.issuer : (list.issuer as { id?: string } | undefined)?.id
  if (proof.key.controller !== issuer) {
    throw new TesseraError(
      'check_failed',
      `The status list ${url} is signed by ${proof.key.controller}, not by its issuer ${String(issuer)}`,
    )
  }
  if (!issuer || !trustedIssuerIds.has(issuer)) {
    throw new TesseraError(
      'forbidden',
      `The status list ${url} comes from ${String(issuer)}, which is not trusted here: import its keys first (tessera keys import-public)`,
    )
  }
  const bits = await decodeBitstring(subject.encodedList)
  const validFrom = typeof list.validFrom === 'string' ? list.validFrom : ''
  const now = isoNow(ctx)
  const held = await trx.selectFrom('status_list').selectAll().where('url', '=', url).executeTakeFirst()
  if (held) {
    if (held.owned === 1)
      throw new TesseraError(
        'conflict',
        `The status list ${url} is this installation's own: it is signed here`,
      )
    const heldJson = held.signed_json
      ? (JSON.parse(held.signed_json) as { validFrom?: string; credentialSubject?: { encodedList?: string } })
      : null
    const heldFrom = String(heldJson?.validFrom ?? '')
    if (heldFrom && heldFrom > validFrom) return held
    if (heldFrom && heldFrom === validFrom) {
      // validFrom has whole seconds: a revocation signed in the same second as the list held here is
      // newer exactly when it sets every bit the held one sets and more (revocations are never undone).
      const heldBits = await decodeBitstring(heldJson?.credentialSubject?.encodedList ?? '').catch(
        () => new Uint8Array(0),
      )
      const addsBits =
        purpose === 'revocation' &&
        heldBits.length === bits.length &&
        heldBits.every((b, i) => (b & bits[i]!) === b) &&
        heldBits.some((b, i) => b !== bits[i])
      if (!addsBits) return held
    }
    await trx
      .updateTable('status_list')
      .set({
        signed_json: JSON.stringify(list),
        signed_at: validFrom || now,
        issuer_id: issuer,
        updated_at: now,
      })
      .where('id', '=', held.id)
      .execute()
    return await trx.selectFrom('status_list').selectAll().where('id', '=', held.id).executeTakeFirstOrThrow()
  }
  const row: ListRow = {
    id: newId(),
    device_id: ctx.deviceId,
    created_at: now,
    updated_at: now,
    url,
    purpose,
    size: bits.length * 8,
    owned: 0,
    issuer_id: issuer,
    signed_json: JSON.stringify(list),
    signed_at: validFrom || now,
  }
  await trx.insertInto('status_list').values(row).execute()
  return row
}
