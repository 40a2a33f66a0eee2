import type { Database } from 'better-sqlite3'
import type { JWK } from 'jose'
import { TesseraError } from '../../contract/errors'
import { newId } from '../domain/ids'
import type { RecordOutcome } from './apply'
import {
  FORMAT_VERSION,
  JWS_TYP_RECEIPT,
  RECEIPT_FORMAT,
  SIGN_ALG,
  receiptPayload,
  type ReceiptPayload,
} from './bundle-format'
import type { UnlockedIdentity } from './device-keys'
import { importSigningKey, peekHeader, signCompact, verifyCompact } from './jose-bytes'
import { stmt } from './record-kinds'

/**
 * A receipt is a compact JWS signed by the hub: which records and evidence blobs of one bundle it
 * holds now (accepted or duplicate) and which are in conflict. It carries ids and hashes only, no
 * personal data, so it is not encrypted. The field device verifies it against the paired hub's key
 * before marking anything as synced.
 */

export function countOutcomes(records: RecordOutcome[]): ReceiptPayload['counts'] {
  const counts = { accepted: 0, duplicate: 0, conflict: 0 }
  for (const r of records) counts[r.status]++
  return counts
}

export async function signReceipt(
  hub: UnlockedIdentity,
  input: {
    bundleId: string
    bundleSha256: string
    manifestSha256: string
    deviceId: string
    issuedAt: string
    records: RecordOutcome[]
  },
): Promise<{ jws: string; payload: ReceiptPayload }> {
  const payload: ReceiptPayload = {
    format: RECEIPT_FORMAT,
    formatVersion: FORMAT_VERSION,
    receiptId: newId(),
    bundleId: input.bundleId,
    bundleSha256: input.bundleSha256,
    manifestSha256: input.manifestSha256,
    hubDeviceId: hub.deviceId,
    deviceId: input.deviceId,
    issuedAt: input.issuedAt,
    counts: countOutcomes(input.records),
    records: input.records.map((r) => ({ kind: r.kind, id: r.id, sha256: r.sha256, status: r.status })),
  }
  const jws = await signCompact(new TextEncoder().encode(JSON.stringify(payload)), hub.signKey, {
    kid: hub.signJwk.kid,
    typ: JWS_TYP_RECEIPT,
  })
  return { jws, payload }
}

/** Verifies a receipt against the hub this device is paired with, and that it is addressed to this device. */
export async function verifyReceipt(
  sqlite: Database,
  text: string,
  selfDeviceId: string,
): Promise<ReceiptPayload> {
  const jws = text.trim()
  const header = peekHeader(jws, 'The receipt')
  if (header.alg !== SIGN_ALG || header.typ !== JWS_TYP_RECEIPT)
    throw new TesseraError('check_failed', 'This file is not a Tessera sync receipt')
  const hub = stmt(
    sqlite,
    `SELECT d.device_id, d.name, d.sign_kid, d.sign_public_jwk, d.status FROM sync_pairing p JOIN sync_device d ON d.device_id = p.hub_device_id WHERE p.slot = 1`,
  ).get() as
    { device_id: string; name: string; sign_kid: string; sign_public_jwk: string; status: string } | undefined
  if (!hub)
    throw new TesseraError(
      'check_failed',
      'This device is not paired with a hub (`tessera hub join FILE`), so it cannot check a receipt',
    )
  if (header.kid !== hub.sign_kid) {
    throw new TesseraError(
      'check_failed',
      `This receipt was not signed by the paired hub "${hub.name}" (${hub.device_id}): refused`,
    )
  }
  const bytes = await verifyCompact(
    jws,
    await importSigningKey(JSON.parse(hub.sign_public_jwk) as JWK),
    'the receipt',
    { typ: JWS_TYP_RECEIPT },
  )
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    throw new TesseraError('check_failed', 'The receipt body is not JSON')
  }
  const parsed = receiptPayload.safeParse(json)
  if (!parsed.success)
    throw new TesseraError(
      'check_failed',
      `The receipt does not follow the receipt format: ${parsed.error.issues[0]?.message ?? ''}`,
    )
  const receipt = parsed.data
  if (receipt.hubDeviceId !== hub.device_id)
    throw new TesseraError('check_failed', 'The receipt names another hub than the one that signed it')
  if (receipt.deviceId !== selfDeviceId) {
    throw new TesseraError(
      'check_failed',
      `This receipt is for device ${receipt.deviceId}, not this one (${selfDeviceId})`,
    )
  }
  return receipt
}
