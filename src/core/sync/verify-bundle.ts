import { isUtf8 } from 'node:buffer'
import fs from 'node:fs'
import type { Database } from 'better-sqlite3'
import type { JWK } from 'jose'
import { TesseraError, type ErrorIssue } from '../../contract/errors'
import { toPublicJwk } from '../crypto/keys'
import type { SyncDeviceTable } from '../db/schema'
import { canonicalJson } from '../domain/canonical-json'
import { sha256Hex } from '../node/hash'
import {
  JWS_TYP_BUNDLE,
  SIGN_ALG,
  bundleHeader,
  bundlePayload,
  manifest as manifestSchema,
  type BundleHeader,
  type DeviceCard,
  type Manifest,
} from './bundle-format'
import { recordHash, type SyncRecord } from './columns'
import type { SyncIdentity, UnlockedIdentity } from './device-keys'
import { fingerprint } from './device-keys'
import {
  decryptCompactBytes,
  importSigningKey,
  peekHeaderBytes,
  verifyCompactBytes,
  type ProtectedHeader,
} from './jose-bytes'
import { LineReader } from './line-file'
import { parseUtf8Json } from './utf8-json'
import { kindsFor, stmt, type RecordKind } from './record-kinds'

/**
 * Everything an import checks BEFORE it writes anything, in this order: parse -> decrypt -> signature
 * against the known device key -> device trusted and not revoked -> addressed to us -> every record's
 * hash against the signed manifest -> every record against its kind's schema -> references resolvable
 * -> every evidence blob's hash and size. All of it only reads. (Records whose id is already held
 * here are validated by apply.ts instead, before any record is written, and only if they differ from
 * the copy held: see VerifiedRecord.validated.)
 */

export interface VerifiedRecord {
  kind: RecordKind
  id: string
  sha256: string
  prev: string[]
  data: SyncRecord
  /**
   * Checked against its kind's schema. False for a record whose id is already held here: most of a
   * re-import is records already held, and one identical to the copy held writes nothing, so it is
   * never validated; apply.ts (`checkHeldRecords`) validates, before anything is applied, every such
   * record that is not identical to what is held.
   */
  validated: boolean
}

export interface VerifiedBundle {
  file: string
  fileSha256: string
  header: BundleHeader
  manifest: Manifest
  manifestSha256: string
  records: VerifiedRecord[]
  sender: DeviceCard
  /** The sender is not known here yet; it will be trusted (explicitly asked for) when applied. */
  trustOnApply: boolean
  /** Key to decrypt the blob parts again while applying (encrypted bundles). */
  decryptKey: UnlockedIdentity['decryptKey'] | null
}

export interface VerifyOptions {
  identity: SyncIdentity | undefined
  /** Decrypts the device keys; only called for an encrypted bundle. */
  unlock: () => Promise<UnlockedIdentity>
  /** Accept a device this installation does not know yet (the person confirmed its fingerprint). */
  trustDevice: boolean
  /** `hub join`: the sender is the hub being joined, trusted on apply. */
  joiningHub?: boolean
  deviceId: string
  schemaVersion: number
}

type KnownDevice = SyncDeviceTable

const failed = (message: string, details?: Record<string, unknown>) =>
  new TesseraError('check_failed', message, { details })

function parseJson(bytes: Buffer, what: string): unknown {
  try {
    // What TextDecoder('utf-8', { fatal: true }) accepts, without its copy: valid UTF-8, a BOM dropped.
    if (!isUtf8(bytes)) throw new SyntaxError('not UTF-8')
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
    return parseUtf8Json(bytes, bom)
  } catch {
    throw failed(`${what} is damaged: it is not valid JSON`)
  }
}

function zodIssues(
  error: { issues: { path: PropertyKey[]; message: string }[] },
  prefix: (string | number)[],
): ErrorIssue[] {
  return error.issues.map((i) => ({
    path: [...prefix, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    message: i.message,
  }))
}

export async function verifyBundle(
  sqlite: Database,
  file: string,
  opts: VerifyOptions,
): Promise<VerifiedBundle> {
  if (!fs.existsSync(file)) throw new TesseraError('not_found', `${file} does not exist`)
  const reader = new LineReader(file)
  try {
    return await verifyWith(sqlite, file, reader, opts)
  } finally {
    reader.close()
  }
}

async function verifyWith(
  sqlite: Database,
  file: string,
  reader: LineReader,
  opts: VerifyOptions,
): Promise<VerifiedBundle> {
  // 1. Parse.
  const headerLine = reader.next()
  if (!headerLine || headerLine.length === 0)
    throw failed(`${file} is empty or truncated: it has no bundle header`)
  let headerJson: unknown
  try {
    headerJson = JSON.parse(headerLine.toString('utf8'))
  } catch {
    throw failed(
      `${file} is not a Tessera sync bundle, or its header is damaged (the first line is not the bundle header)`,
    )
  }
  const headerParsed = bundleHeader.safeParse(headerJson)
  if (!headerParsed.success) {
    throw new TesseraError('check_failed', `${file} is not a Tessera sync bundle this version can read`, {
      issues: zodIssues(headerParsed.error, ['header']),
    })
  }
  const header = headerParsed.data
  const bodyLine = reader.next()
  if (!bodyLine || bodyLine.length === 0) throw failed(`${file} is truncated: the signed body is missing`)

  // 2. Decrypt. The body line is decoded and decrypted in place (jose-bytes.ts): 100+ MB never copied.
  let jws: Buffer
  let decryptKey: UnlockedIdentity['decryptKey'] | null = null
  if (header.encrypted) {
    const h = peekHeaderBytes(bodyLine, 'The encrypted bundle')
    if (!opts.identity)
      throw failed(
        'This bundle is encrypted, but this installation has no sync keys: it cannot be meant for it',
      )
    const kid = typeof h.kid === 'string' ? h.kid : undefined
    if (kid !== opts.identity.encryptJwk.kid) {
      throw failed(
        `This bundle is encrypted for another installation (key ${kid ?? 'unknown'}), not for this one (key ${opts.identity.encryptJwk.kid}). ` +
          'It cannot be read here; import it at the installation it was exported for.',
        { recipientKid: kid, ownKid: opts.identity.encryptJwk.kid },
      )
    }
    const unlocked = await opts.unlock()
    decryptKey = unlocked.decryptKey
    jws = await decryptCompactBytes(bodyLine, decryptKey, 'The bundle')
  } else {
    jws = bodyLine
  }

  // 3. Signature against the known device key (or, for an unknown device, its own key to read who it is).
  const jwsHeader = peekHeaderBytes(jws, 'The bundle signature') as ProtectedHeader
  if (jwsHeader.alg !== SIGN_ALG || jwsHeader.typ !== JWS_TYP_BUNDLE || typeof jwsHeader.kid !== 'string') {
    throw failed(
      'The bundle is not signed the way Tessera signs bundles (expected an EdDSA JWS of type tessera-sync-bundle+jws)',
    )
  }
  const known = stmt(sqlite, `SELECT * FROM sync_device WHERE sign_kid = ?`).get(jwsHeader.kid) as
    KnownDevice | undefined
  let signJwk: JWK
  if (known) {
    signJwk = JSON.parse(known.sign_public_jwk) as JWK
  } else {
    if (!jwsHeader.jwk)
      throw failed(`The bundle is signed by an unknown key (${jwsHeader.kid}) and carries no public key`)
    const embedded = await toPublicJwk(jwsHeader.jwk)
    if (embedded.kid !== jwsHeader.kid) throw failed('The bundle names one signing key and carries another')
    signJwk = embedded
  }
  const payloadBytes = await verifyCompactBytes(jws, await importSigningKey(signJwk), 'the bundle')

  const parsed = parsePayload(parseJson(payloadBytes, 'The bundle body'))
  const { manifest } = parsed
  const sender = manifest.from
  const cardKey = await toPublicJwk(sender.signJwk as JWK).catch(() => null)
  if (!cardKey || cardKey.kid !== jwsHeader.kid)
    throw failed('The bundle says it is from a device whose key did not sign it')

  if (sender.deviceId === opts.deviceId) {
    throw failed('This bundle was exported by this very installation; import it where it is meant to go')
  }

  // 4. Known, trusted, not revoked.
  let trustOnApply = false
  if (known) {
    if (known.device_id !== sender.deviceId) {
      throw failed(
        `The bundle claims to be from device ${sender.deviceId}, but its key belongs to device ${known.device_id}`,
      )
    }
    if (known.status === 'revoked') {
      throw new TesseraError(
        'forbidden',
        `Device "${known.name}" (${known.device_id}) was revoked on ${known.revoked_at ?? '?'}${known.revoke_reason ? ` (${known.revoke_reason})` : ''}: its bundles are refused`,
        { details: { deviceId: known.device_id } },
      )
    }
  } else {
    const sameId = stmt(sqlite, `SELECT name, status FROM sync_device WHERE device_id = ?`).get(
      sender.deviceId,
    ) as { name: string; status: string } | undefined
    if (sameId) {
      throw new TesseraError(
        'forbidden',
        `The bundle claims to be from device ${sender.deviceId} ("${sameId.name}"), which is known here with a different key: refused. ` +
          'If that device really was reinstalled, revoke the old entry and trust the new one explicitly.',
        { details: { deviceId: sender.deviceId } },
      )
    }
    const allowed = manifest.type === 'hub-update' ? opts.joiningHub === true : opts.trustDevice
    if (!allowed) {
      throw new TesseraError(
        'forbidden',
        manifest.type === 'hub-update'
          ? `This update is from a hub this installation is not paired with ("${sender.name}", ${sender.deviceId}). Pair with \`tessera hub join\` first.`
          : `Bundle from an unknown device "${sender.name}" (${sender.deviceId}), key fingerprint ${fingerprint(jwsHeader.kid)}. ` +
              'Nothing was imported. If you expected this device, compare the fingerprint with the one `tessera sync status` shows on it, ' +
              'then import again with --trust-device.',
        {
          details: {
            deviceId: sender.deviceId,
            name: sender.name,
            signKid: jwsHeader.kid,
            fingerprint: fingerprint(jwsHeader.kid),
          },
        },
      )
    }
    trustOnApply = true
  }

  // 5. Meant for this installation, in the right direction.
  if (manifest.to && manifest.to.deviceId !== opts.deviceId) {
    throw failed(
      `This bundle was made for installation ${manifest.to.deviceId}, not this one (${opts.deviceId})`,
    )
  }
  if (manifest.type === 'field-export') {
    if (opts.identity?.role !== 'hub') {
      throw failed(
        'This installation is not a hub: field bundles are imported at the central office (`tessera hub enroll-file` makes a hub)',
      )
    }
    if (sender.role !== 'field') throw failed('A field export must come from a field device')
  } else {
    if (sender.role !== 'hub') throw failed('An update bundle must come from a hub')
    if (!opts.joiningHub) {
      const pairing = stmt(sqlite, `SELECT hub_device_id FROM sync_pairing WHERE slot = 1`).get() as
        { hub_device_id: string } | undefined
      if (pairing?.hub_device_id !== sender.deviceId)
        throw failed(
          `This update is from hub ${sender.deviceId}, which is not the hub this device is paired with`,
        )
    }
  }
  if (manifest.schemaVersion > opts.schemaVersion) {
    throw failed(
      `The bundle was made by a newer Tessera (schema ${manifest.schemaVersion}; this one has ${opts.schemaVersion}). Update Tessera here, then import it again.`,
    )
  }

  // 6. Records: manifest hashes, then schemas, then references.
  const records = checkRecords(sqlite, manifest, parsed.records)

  // 7. Evidence bytes: every part present, decryptable, matching its hash; nothing after them.
  const total = manifest.blobs.length
  for (const [i, b] of manifest.blobs.entries()) {
    const line = reader.next()
    if (line === null || line.length === 0)
      throw failed(`The bundle is truncated: evidence ${i + 1} of ${total} is missing`)
    const bytes = await decodeBlob(line, decryptKey)
    if (bytes.length !== b.size || sha256Hex(bytes) !== b.sha256) {
      throw failed(
        `Evidence ${i + 1} of ${total} does not match its hash in the signed manifest: the bundle was altered or damaged`,
      )
    }
  }
  const rest = reader.next()
  if (rest !== null && rest.length > 0)
    throw failed('The bundle has unexpected data after its last part: it was altered')
  if (reader.next() !== null)
    throw failed('The bundle has unexpected data after its last part: it was altered')
  const fileSha256 = reader.fileSha256()

  return {
    file,
    fileSha256,
    header,
    manifest,
    manifestSha256: sha256Hex(canonicalJson(manifest)),
    records,
    sender,
    trustOnApply,
    decryptKey,
  }
}

type Payload = { manifest: Manifest; records: { kind: string; id: string; data: Record<string, unknown> }[] }

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The payload checked against `bundlePayload`. Its tens of thousands of `records` are checked by hand
 * (what `payloadRecord` says: exactly kind, id and an object `data`) and kept as they are: zod would
 * copy every record, which each kind's own schema then validates again (checkRecords). So are the
 * manifest's entries (`manifestRecord`, one per record). Anything the quick check refuses goes
 * through zod, for its issues.
 */
function parsePayload(value: unknown): Payload {
  const refused = (): never => {
    const r = bundlePayload.safeParse(value)
    throw new TesseraError('check_failed', 'The bundle body does not follow the sync bundle format', {
      issues: r.success ? [{ path: [], message: 'is not a sync bundle payload' }] : zodIssues(r.error, []),
    })
  }
  if (!isObject(value) || !Array.isArray(value.records)) return refused()
  for (const k in value) if (k !== 'manifest' && k !== 'records') return refused()
  for (const r of value.records as unknown[]) {
    if (!isObject(r)) return refused()
    let n = 0
    for (const _ in r) n++
    if (
      n !== 3 ||
      typeof r.kind !== 'string' ||
      typeof r.id !== 'string' ||
      r.id.length < 1 ||
      r.id.length > 200 ||
      !isObject(r.data)
    )
      return refused()
  }
  // The manifest lists every record too: those entries are checked by hand as well, the rest by zod.
  const listed = value.manifest
  if (!isObject(listed) || !Array.isArray(listed.records)) return refused()
  for (const r of listed.records as unknown[]) if (!isManifestRecord(r)) return refused()
  const m = manifestSchema.safeParse({ ...listed, records: [] })
  if (!m.success) return refused()
  return {
    manifest: { ...m.data, records: listed.records as Manifest['records'] },
    records: value.records as Payload['records'],
  }
}

const HEX_SHA256 = /^[0-9a-f]{64}$/

/** What `manifestRecord` (bundle-format.ts) accepts, checked without zod's copy of the entry. */
function isManifestRecord(r: unknown): boolean {
  if (!isObject(r)) return false
  let n = 0
  for (const _ in r) n++
  const { kind, id, sha256, prev } = r
  if (n !== (prev === undefined ? 3 : 4)) return false
  if (typeof kind !== 'string' || kind.length < 1 || kind.length > 50) return false
  if (typeof id !== 'string' || id.length < 1 || id.length > 200) return false
  if (typeof sha256 !== 'string' || !HEX_SHA256.test(sha256)) return false
  if (prev === undefined) return true
  if (!Array.isArray(prev) || prev.length > 100) return false
  for (const p of prev) if (typeof p !== 'string' || !HEX_SHA256.test(p)) return false
  return true
}

export async function decodeBlob(
  line: Buffer,
  decryptKey: UnlockedIdentity['decryptKey'] | null,
): Promise<Uint8Array> {
  // In place: the line is the reader's, already hashed, and not read again.
  if (decryptKey) return decryptCompactBytes(line, decryptKey, 'An evidence part of the bundle')
  const text = line.toString('latin1')
  if (!/^[A-Za-z0-9_-]*$/.test(text))
    throw failed('An evidence part of the bundle is damaged (not base64url)')
  return Buffer.from(text, 'base64url')
}

export const MAX_ISSUES = 50

/** The issues of record `index` of a bundle against its kind's schema (none if valid). */
export function schemaIssues(sqlite: Database, rec: VerifiedRecord, index: number): ErrorIssue[] {
  const r = rec.kind.schema(sqlite).safeParse(rec.data)
  return r.success ? [] : zodIssues(r.error, ['records', index, `${rec.kind.name} ${rec.id}`])
}

export const invalidRecords = (issues: ErrorIssue[]): TesseraError =>
  new TesseraError(
    'validation',
    `The bundle holds invalid records (${issues.length}${issues.length >= MAX_ISSUES ? '+' : ''} problems); nothing was imported`,
    { issues },
  )

/** Per kind, the ids of the bundle's records that are held here (kinds that can tell in one query). */
function heldIdsOf(
  sqlite: Database,
  manifest: Manifest,
  kinds: Map<string, RecordKind>,
): Map<string, Set<string>> {
  const ids = new Map<string, string[]>()
  for (const entry of manifest.records) {
    let list = ids.get(entry.kind)
    if (!list) ids.set(entry.kind, (list = []))
    list.push(entry.id)
  }
  const out = new Map<string, Set<string>>()
  for (const [name, list] of ids) {
    const held = kinds.get(name)?.heldIds?.(sqlite, list)
    if (held?.size) out.set(name, held)
  }
  return out
}

function checkRecords(
  sqlite: Database,
  manifest: Manifest,
  payload: { kind: string; id: string; data: Record<string, unknown> }[],
): VerifiedRecord[] {
  if (payload.length !== manifest.records.length) {
    throw failed(
      `The manifest lists ${manifest.records.length} records but the bundle holds ${payload.length}`,
    )
  }
  const kinds = new Map(kindsFor(sqlite).map((k) => [k.name, k]))
  const issues: ErrorIssue[] = []
  const out: VerifiedRecord[] = []
  const seen = new Set<string>()
  const counts: Record<string, number> = {}

  // Hashes first: a record that does not match the signed manifest means tampering, not bad data.
  for (const [i, entry] of manifest.records.entries()) {
    const rec = payload[i]!
    if (rec.kind !== entry.kind || rec.id !== entry.id)
      throw failed(`Record ${i} does not match the manifest (order or id changed)`)
    if (recordHash(rec.data) !== entry.sha256) {
      throw failed(
        `Record ${i} (${entry.kind} ${entry.id}) does not match its SHA-256 in the signed manifest`,
      )
    }
  }

  const held = heldIdsOf(sqlite, manifest, kinds)
  for (const [i, entry] of manifest.records.entries()) {
    const rec = payload[i]!
    const where = ['records', i, `${entry.kind} ${entry.id}`]
    const kind = kinds.get(entry.kind)
    if (!kind) {
      issues.push({
        path: where,
        message: `unknown record kind "${entry.kind}": update Tessera here to import it`,
      })
      continue
    }
    const direction = manifest.type === 'field-export' ? kind.fieldToHub : kind.hubToField
    if (!direction) {
      issues.push({
        path: where,
        message: `${entry.kind} records do not travel in a ${manifest.type} bundle`,
      })
      continue
    }
    const key = `${entry.kind}\u0000${entry.id}`
    if (seen.has(key)) issues.push({ path: where, message: 'appears twice in the bundle' })
    seen.add(key)
    counts[entry.kind] = (counts[entry.kind] ?? 0) + 1
    // A record whose id is held here is validated by apply.ts unless it is identical to the copy
    // held (then nothing of it is written); see VerifiedRecord.validated.
    const validated = held.get(entry.kind)?.has(entry.id) !== true
    const r = validated ? kind.schema(sqlite).safeParse(rec.data) : null
    if (r && !r.success) {
      issues.push(...zodIssues(r.error, where))
    } else if (kind.idOf(rec.data) !== entry.id) {
      issues.push({ path: where, message: `its id does not match its content (${kind.idOf(rec.data)})` })
    } else if (entry.prev && kind.mutability !== 'mutable') {
      issues.push({ path: where, message: 'only mutable records carry earlier versions' })
    } else if (
      kind.name === 'audit' &&
      manifest.type === 'field-export' &&
      rec.data.device_id !== manifest.from.deviceId
    ) {
      // A device speaks only for its own audit chain; another device's entries would be forgeries.
      issues.push({
        path: [...where, 'device_id'],
        message: `audit entries in a bundle from ${manifest.from.deviceId} must be its own`,
      })
    }
    out.push({ kind, id: entry.id, sha256: entry.sha256, prev: entry.prev ?? [], data: rec.data, validated })
    if (issues.length >= MAX_ISSUES) break
  }
  for (const [k, n] of Object.entries(manifest.counts)) {
    if (k === 'blob') {
      if (n !== manifest.blobs.length)
        issues.push({
          path: ['manifest', 'counts', k],
          message: `says ${n}, the manifest lists ${manifest.blobs.length}`,
        })
    } else if ((counts[k] ?? 0) !== n)
      issues.push({
        path: ['manifest', 'counts', k],
        message: `says ${n}, the bundle holds ${counts[k] ?? 0}`,
      })
  }

  if (issues.length === 0) {
    // Every reference resolves: to a record of this bundle or one already held here.
    // (Each record held here is looked up once: 10,000 assessments point to the same few rubric versions.)
    // With no issue, every record of the bundle is in `out` and its key in `seen`.
    const inBundle = seen
    const heldHere = new Set<string>()
    for (const [i, r] of out.entries()) {
      for (const ref of r.kind.references(r.data)) {
        const refKey = `${ref.kind}\u0000${ref.id}`
        if (inBundle.has(refKey) || heldHere.has(refKey)) continue
        const target = kinds.get(ref.kind)
        if (target && target.loadHeld(sqlite, ref.id)) {
          heldHere.add(refKey)
          continue
        }
        issues.push({
          path: ['records', i, `${r.kind.name} ${r.id}`],
          message: `refers to ${ref.kind} ${ref.id}, which is neither in this bundle nor held here (export again from the device with --full)`,
        })
        if (issues.length >= MAX_ISSUES) break
      }
    }
  }

  if (issues.length) throw invalidRecords(issues)
  return out
}
