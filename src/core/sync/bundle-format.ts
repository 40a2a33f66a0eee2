import { z } from 'zod'

/**
 * The sync bundle and receipt formats, version 1. Documented for people in docs/sync-format.md;
 * this file is the machine-checked truth. Any change that an older Tessera could misread must bump
 * `formatVersion`.
 *
 * A bundle file is UTF-8 text, one part per line:
 *   line 1      header (plain JSON): format, formatVersion, encrypted
 *   line 2      the body: a compact JWS (EdDSA, device signing key) whose payload is
 *               `{ manifest, records }`; when encrypted, that JWS string is the plaintext of a compact
 *               JWE (ECDH-ES + A256GCM) to the recipient's encryption key
 *   lines 3..n  evidence bytes, one blob per line in `manifest.blobs` order: base64url, or (encrypted)
 *               a compact JWE of the bytes. Each is bound to the signature by its SHA-256 in the manifest.
 */

export const BUNDLE_FORMAT = 'tessera.sync-bundle'
export const RECEIPT_FORMAT = 'tessera.sync-receipt'
export const FORMAT_VERSION = 1

export const JWS_TYP_BUNDLE = 'tessera-sync-bundle+jws'
export const JWS_TYP_RECEIPT = 'tessera-sync-receipt+jws'
export const SIGN_ALG = 'EdDSA'
export const KEY_ALG = 'ECDH-ES'
export const CONTENT_ALG = 'A256GCM'

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256')
const idText = z.string().min(1).max(200)
const dateTime = z.iso.datetime({ offset: true })

export const bundleHeader = z.strictObject({
  format: z.literal(BUNDLE_FORMAT, {
    message: `is not a Tessera sync bundle (format must be "${BUNDLE_FORMAT}")`,
  }),
  formatVersion: z.literal(FORMAT_VERSION, {
    message: `this Tessera reads sync bundle format version ${FORMAT_VERSION}`,
  }),
  encrypted: z.boolean(),
})
export type BundleHeader = z.output<typeof bundleHeader>

/** A public JWK exactly as Tessera writes it (members of crypto/keys.ts `toPublicJwk`); a private member is refused. */
const publicJwk = z.strictObject({
  kty: z.enum(['OKP', 'EC']),
  crv: z.enum(['Ed25519', 'P-256']),
  x: z.string(),
  y: z.string().optional(),
  kid: z.string(),
})

export const deviceCard = z.strictObject({
  deviceId: idText,
  name: z.string().max(200),
  role: z.enum(['field', 'hub']),
  signJwk: publicJwk,
  encryptJwk: publicJwk,
})
export type DeviceCard = z.output<typeof deviceCard>

export const manifestRecord = z.strictObject({
  kind: z.string().min(1).max(50),
  id: idText,
  sha256,
  /** Mutable kinds: hashes of earlier versions of this record the receiver is known to hold (newest first). */
  prev: z.array(sha256).max(100).optional(),
})
export type ManifestRecord = z.output<typeof manifestRecord>

export const manifestBlob = z.strictObject({ sha256, size: z.number().int().min(0) })

export const manifest = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  formatVersion: z.literal(FORMAT_VERSION),
  bundleId: idText,
  type: z.enum(['field-export', 'hub-update']),
  createdAt: dateTime,
  /** Database schema (PRAGMA user_version) of the sender. */
  schemaVersion: z.number().int().min(1),
  from: deviceCard,
  /** The installation the bundle is meant for, if known (it is encrypted to that one). */
  to: z.strictObject({ deviceId: idText, encryptKid: z.string() }).nullable(),
  /** The sender's audit position (highest own audit seq): orders one device's successive versions. */
  position: z.number().int().min(0),
  full: z.boolean(),
  withoutEvidence: z.boolean(),
  counts: z.record(z.string(), z.number().int().min(0)),
  records: z.array(manifestRecord),
  blobs: z.array(manifestBlob),
  /** Evidence bytes left out (--without-evidence): only their hashes travel; sent by a later export. */
  omittedBlobs: z.array(manifestBlob),
})
export type Manifest = z.output<typeof manifest>

export const payloadRecord = z.strictObject({
  kind: z.string(),
  id: idText,
  data: z.record(z.string(), z.unknown()),
})
export const bundlePayload = z.strictObject({ manifest, records: z.array(payloadRecord) })
export type BundlePayload = z.output<typeof bundlePayload>

export const receiptStatus = z.enum(['accepted', 'duplicate', 'conflict'])
export type ReceiptStatus = z.output<typeof receiptStatus>

export const receiptPayload = z.strictObject({
  format: z.literal(RECEIPT_FORMAT, {
    message: `is not a Tessera sync receipt (format must be "${RECEIPT_FORMAT}")`,
  }),
  formatVersion: z.literal(FORMAT_VERSION),
  receiptId: idText,
  bundleId: idText,
  /** SHA-256 of the bundle file as received, and of its manifest JSON. */
  bundleSha256: sha256,
  manifestSha256: sha256,
  hubDeviceId: idText,
  deviceId: idText,
  issuedAt: dateTime,
  counts: z.strictObject({
    accepted: z.number().int(),
    duplicate: z.number().int(),
    conflict: z.number().int(),
  }),
  /** Every record and blob of the bundle with what the hub did with it. Blobs have kind "blob", id = sha256. */
  records: z.array(z.strictObject({ kind: z.string(), id: idText, sha256, status: receiptStatus })),
})
export type ReceiptPayload = z.output<typeof receiptPayload>
