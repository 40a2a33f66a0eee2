/** Tables of migration 0002 (offline sync). See src/core/db/migrations/0002-sync.ts. */

export type SyncRole = 'field' | 'hub'
export type AckStatus = 'accepted' | 'duplicate' | 'conflict' | 'received'
export type BundleType = 'field-export' | 'hub-update'

export interface SyncIdentityTable {
  device_id: string
  name: string
  role: SyncRole
  sign_kid: string
  /** Public JWK (JSON). */
  sign_public_jwk: string
  encrypt_kid: string
  encrypt_public_jwk: string
  /** Keystore envelope (JSON) of `{ sign, encrypt }` private JWKs. */
  private_keys: string
  created_at: string
  updated_at: string
}

export interface SyncDeviceTable {
  device_id: string
  name: string
  role: SyncRole
  sign_kid: string
  sign_public_jwk: string
  encrypt_kid: string | null
  encrypt_public_jwk: string | null
  status: 'trusted' | 'revoked'
  trusted_at: string
  trusted_by: string
  revoked_at: string | null
  revoked_by: string | null
  revoke_reason: string | null
  last_bundle_at: string | null
  created_at: string
  updated_at: string
}

export interface SyncPairingTable {
  slot: number
  hub_device_id: string
  paired_at: string
  enrollment_sha256: string
}

export interface SyncAckTable {
  kind: string
  record_id: string
  hash: string
  status: AckStatus
  /** JSON array of earlier acknowledged hashes, newest first. */
  history: string
  receipt_id: string | null
  acked_at: string
}

export interface SyncReceiptTable {
  receipt_id: string
  bundle_id: string
  hub_device_id: string
  issued_at: string
  imported_at: string
  counts: string
}

export interface SyncBundleTable {
  bundle_id: string
  from_device_id: string
  type: BundleType
  manifest_sha256: string
  file_sha256: string
  created_at: string
  position: number
  imported_at: string
  imported_by: string
  counts: string
  receipt: string | null
}

export interface SyncVersionTable {
  kind: string
  record_id: string
  hash: string
  from_device_id: string
  position: number
  ancestors: string
  content: string
  disposition: string
  bundle_id: string | null
  received_at: string
}

export interface SyncConflictTable {
  id: string
  kind: string
  record_id: string
  reason: string
  held_hash: string
  held_content: string
  incoming_hash: string
  incoming_content: string
  current: 'held' | 'incoming'
  from_device_id: string
  bundle_id: string
  status: 'open' | 'resolved'
  resolution: string | null
  resolution_note: string | null
  resolved_by: string | null
  resolved_at: string | null
  created_at: string
}

export interface SyncAuditPendingTable {
  id: string
  device_id: string
  prev_hash: string
  entry: string
  bundle_id: string
  received_at: string
}

export interface SyncTables {
  sync_identity: SyncIdentityTable
  sync_device: SyncDeviceTable
  sync_pairing: SyncPairingTable
  sync_ack: SyncAckTable
  sync_receipt: SyncReceiptTable
  sync_bundle: SyncBundleTable
  sync_version: SyncVersionTable
  sync_conflict: SyncConflictTable
  sync_audit_pending: SyncAuditPendingTable
}
