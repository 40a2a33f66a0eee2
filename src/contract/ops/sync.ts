import { z } from 'zod'
import { defineOps } from '../define'
import { empty, id, optionalText, requiredText } from '../schemas/common'

/**
 * Offline sync between field devices and the central office (hub), results reports and backups.
 * Bundles, receipts and backups are files: ops take and return file paths (they can be far larger
 * than a JSON message should carry), read and written by the core process.
 */

const filePath = z.string().min(1, 'is required').max(4096)
const statusCounts = z.object({ accepted: z.number(), duplicate: z.number(), conflict: z.number() })

export const syncRole = z.enum(['field', 'hub'])

export const syncDevice = z.object({
  deviceId: z.string(),
  name: z.string(),
  role: syncRole,
  status: z.enum(['trusted', 'revoked']),
  signKid: z.string(),
  fingerprint: z.string(),
  trustedAt: z.string(),
  trustedBy: z.string(),
  revokedAt: z.string().nullable(),
  revokeReason: z.string().nullable(),
  lastBundleAt: z.string().nullable(),
})
export type SyncDevice = z.output<typeof syncDevice>

export const syncConflict = z.object({
  id: z.string(),
  kind: z.string(),
  recordId: z.string(),
  reason: z.string(),
  /** Which version the record table holds now. */
  current: z.enum(['held', 'incoming']),
  fromDeviceId: z.string(),
  bundleId: z.string(),
  status: z.enum(['open', 'resolved']),
  resolution: z.string().nullable(),
  resolutionNote: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  createdAt: z.string(),
})
export type SyncConflict = z.output<typeof syncConflict>

export const syncOps = defineOps({
  'sync.status': {
    summary:
      'This installation for sync: role, keys, hub, and how many records the hub has not acknowledged yet',
    readonly: true,
    input: empty,
    output: z.object({
      deviceId: z.string(),
      /** null: no sync keys yet (made on first sync use). */
      role: syncRole.nullable(),
      name: z.string().nullable(),
      fingerprint: z.string().nullable(),
      hub: z
        .object({ deviceId: z.string(), name: z.string(), fingerprint: z.string(), pairedAt: z.string() })
        .nullable(),
      unacknowledged: z.object({
        total: z.number(),
        byKind: z.record(z.string(), z.number()),
        evidenceFiles: z.number(),
      }),
      /** Drafts stay on the device until finalized, so they are not counted as unacknowledged. */
      drafts: z.number(),
      /** Every record that may leave this device is held by the hub (signed receipts say so). */
      allAccountedFor: z.boolean(),
      /** Own records the hub holds in conflict (kept side by side there). */
      inConflictAtHub: z.number(),
      conflictsOpen: z.number(),
      pendingAuditEntries: z.number(),
      lastReceipt: z
        .object({ receiptId: z.string(), bundleId: z.string(), issuedAt: z.string(), importedAt: z.string() })
        .nullable(),
      bundlesImported: z.number(),
      knownDevices: z.number(),
    }),
  },
  'sync.ensureDevice': {
    summary:
      'Make this installation\u2019s device signing and encryption keys if it has none (asks for the passphrase)',
    input: z.object({ name: optionalText(200) }).default({ name: null }),
    output: z.object({
      deviceId: z.string(),
      name: z.string(),
      role: syncRole,
      fingerprint: z.string(),
      created: z.boolean(),
    }),
  },
  'sync.hubEnrollFile': {
    summary:
      'Make this installation the hub and write the file field devices join with (public keys, rubrics)',
    input: z.object({ outFile: filePath, name: optionalText(200) }),
    output: z.object({
      file: z.string(),
      sha256: z.string(),
      hubDeviceId: z.string(),
      fingerprint: z.string(),
      counts: z.record(z.string(), z.number()),
    }),
  },
  'sync.hubJoin': {
    summary: 'Pair this field device with the hub of an enrollment file and take its rubrics',
    input: z.object({ file: filePath, name: optionalText(200) }),
    output: z.object({
      hubDeviceId: z.string(),
      hubName: z.string(),
      fingerprint: z.string(),
      alreadyPaired: z.boolean(),
      counts: statusCounts,
    }),
  },
  'sync.listDevices': {
    summary: 'Devices this installation knows (field devices at a hub; the hub at a field device)',
    readonly: true,
    input: empty,
    output: z.array(syncDevice),
  },
  'sync.trustDevice': {
    summary: 'Trust a known device again after it was revoked',
    input: z.object({ deviceId: id }),
    output: syncDevice,
  },
  'sync.revokeDevice': {
    summary: 'Revoke a device: its bundles are refused from now on',
    input: z.object({ deviceId: id, reason: requiredText(500) }),
    output: syncDevice,
  },
  'sync.export': {
    summary:
      'Write a signed (and, once paired, encrypted) bundle of everything the hub has not acknowledged; or an update for a field device',
    progress: true,
    input: z.object({
      outFile: filePath,
      withoutEvidence: z.boolean().default(false),
      /** At a hub: an update bundle (rubrics, trusted keys, status list) for this field device. */
      forDevice: id.optional(),
      /** Everything, acknowledged or not (after the hub lost data, or "refers to ... not held here"). */
      full: z.boolean().default(false),
    }),
    output: z.object({
      file: z.string(),
      bundleId: z.string(),
      type: z.enum(['field-export', 'hub-update']),
      sha256: z.string(),
      bytes: z.number(),
      encrypted: z.boolean(),
      to: z.string().nullable(),
      records: z.number(),
      counts: z.record(z.string(), z.number()),
      evidenceFiles: z.number(),
      evidenceOmitted: z.number(),
    }),
  },
  'sync.import': {
    summary: 'Check a bundle completely, then apply it in one transaction; at a hub, sign a receipt',
    progress: true,
    input: z.object({
      file: filePath,
      receiptFile: filePath.optional(),
      trustDevice: z.boolean().default(false),
    }),
    output: z.object({
      bundleId: z.string(),
      type: z.enum(['field-export', 'hub-update']),
      from: z.object({ deviceId: z.string(), name: z.string() }),
      alreadyImported: z.boolean(),
      trustedNewDevice: z.boolean(),
      counts: statusCounts,
      byKind: z.record(z.string(), statusCounts),
      conflicts: z.array(z.object({ id: z.string(), kind: z.string(), recordId: z.string() })),
      pendingAuditEntries: z.number(),
      receiptFile: z.string().nullable(),
    }),
  },
  'sync.importReceipt': {
    summary: 'Check a receipt signed by the hub and mark the records it lists as synced',
    input: z.object({ file: filePath }),
    output: z.object({
      receiptId: z.string(),
      bundleId: z.string(),
      alreadyImported: z.boolean(),
      counts: statusCounts,
      stillUnacknowledged: z.number(),
    }),
  },
  'sync.listConflicts': {
    summary: 'Records that arrived with the same id and different content',
    readonly: true,
    input: z
      .object({ status: z.enum(['open', 'resolved', 'all']).default('open') })
      .default({ status: 'open' }),
    output: z.array(syncConflict),
  },
  'sync.showConflict': {
    summary: 'Both versions of a conflicting record',
    readonly: true,
    input: z.object({ id }),
    output: syncConflict.extend({
      held: z.unknown(),
      incoming: z.unknown(),
      heldHash: z.string(),
      incomingHash: z.string(),
    }),
  },
  'sync.resolveConflict': {
    summary: 'Settle a conflict: keep the current version, or (mutable records) make the other one current',
    input: z.object({ id, keep: z.enum(['current', 'other']), note: optionalText(2000) }),
    output: syncConflict,
  },
  'reports.results': {
    summary: 'Results for spreadsheets: one row per assessment with criterion levels, or one per credential',
    readonly: true,
    input: z.object({
      format: z.enum(['csv', 'json']),
      what: z.enum(['assessments', 'credentials']).default('assessments'),
      outFile: filePath.optional(),
    }),
    output: z.object({
      format: z.enum(['csv', 'json']),
      what: z.enum(['assessments', 'credentials']),
      rows: z.number(),
      file: z.string().nullable(),
      /** The report itself when no file was asked for. */
      content: z.string().nullable(),
    }),
  },
  'backup.create': {
    summary: 'Copy the database with SQLite\u2019s online backup (works while the app runs)',
    readonly: true,
    /** Without outFile the backup goes to the backups folder beside the database (see backup.list). */
    input: z.object({ outFile: filePath.optional() }).default({}),
    output: z.object({ file: z.string(), bytes: z.number(), sha256: z.string(), schemaVersion: z.number() }),
  },
})
