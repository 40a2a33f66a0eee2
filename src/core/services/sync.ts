import fs from 'node:fs'
import path from 'node:path'
import type { Selectable } from 'kysely'
import { notFound, TesseraError } from '../../contract/errors'
import type { SyncConflict, SyncDevice, syncOps } from '../../contract/ops/sync'
import { keptUntilChange } from '../db/kept-until-change'
import type { SyncConflictTable, SyncDeviceTable } from '../db/schema'
import { canonicalJson } from '../domain/canonical-json'
import { applyBundle, type RecordOutcome } from '../sync/apply'
import { assessmentReport, credentialReport, toCsv } from '../sync/report'
import { backupDatabase } from '../sync/backup'
import { recordHash, type SyncRecord } from '../sync/columns'
import {
  deviceCardOf,
  ensureIdentity,
  fingerprint,
  loadIdentity,
  unlockIdentity,
  type SyncIdentity,
  type UnlockedIdentity,
} from '../sync/device-keys'
import { auditPosition, planFieldExport, planHubUpdate, writeBundle, type ExportPlan } from '../sync/export'
import { AtomicLineWriter } from '../sync/line-file'
import { countOutcomes, signReceipt, verifyReceipt } from '../sync/receipt'
import { BLOB_KIND, kindByName, stmt } from '../sync/record-kinds'
import { verifyBundle, type VerifiedBundle } from '../sync/verify-bundle'
import { appendAudit } from './audit'
import { unacknowledgedCounter } from './unacknowledged-counter'
import { isoNow, type CallContext, type ServiceContext } from './context'
import type { FeatureHandlers } from './handlers'

const MAX_HISTORY = 20

const toDevice = (r: Selectable<SyncDeviceTable>): SyncDevice => ({
  deviceId: r.device_id,
  name: r.name,
  role: r.role,
  status: r.status,
  signKid: r.sign_kid,
  fingerprint: fingerprint(r.sign_kid),
  trustedAt: r.trusted_at,
  trustedBy: r.trusted_by,
  revokedAt: r.revoked_at,
  revokeReason: r.revoke_reason,
  lastBundleAt: r.last_bundle_at,
})

const toConflict = (r: Selectable<SyncConflictTable>): SyncConflict => ({
  id: r.id,
  kind: r.kind,
  recordId: r.record_id,
  reason: r.reason,
  current: r.current,
  fromDeviceId: r.from_device_id,
  bundleId: r.bundle_id,
  status: r.status,
  resolution: r.resolution,
  resolutionNote: r.resolution_note,
  resolvedBy: r.resolved_by,
  resolvedAt: r.resolved_at,
  createdAt: r.created_at,
})

/** The TESSERA_TEST_SLOW_IMPORT_MS hook: only tests set it, to kill an import mid-transaction. */
function slowImportMs(): number | undefined {
  const v = Number(process.env.TESSERA_TEST_SLOW_IMPORT_MS)
  return Number.isFinite(v) && v > 0 ? v : undefined
}

export function syncHandlers(ctx: ServiceContext): FeatureHandlers<typeof syncOps> {
  const { db } = ctx
  const sqlite = ctx.database.sqlite
  const actorOf = (call: CallContext) => call.actor ?? ctx.defaultActor

  /** Runs synchronous raw reads while holding kysely's connection, so no other op interleaves. */
  const exclusive = <T>(fn: () => T | Promise<T>): Promise<T> => db.connection().execute(async () => fn())

  const pairedHub = () =>
    db
      .selectFrom('sync_pairing')
      .innerJoin('sync_device', 'sync_device.device_id', 'sync_pairing.hub_device_id')
      .selectAll('sync_device')
      .select(['sync_pairing.paired_at', 'sync_pairing.enrollment_sha256'])
      .executeTakeFirst()

  /**
   * How many records and evidence files the hub has not acknowledged. Counting hashes every
   * acknowledged record (seconds on years of data), and the dashboard asks on every visit: the counts
   * are kept until the database changes (keptUntilChange), and counted on a read-only connection of
   * their own, in slices (unacknowledged-counter.ts), so the app keeps answering while they are.
   */
  const unacknowledged = keptUntilChange(
    sqlite,
    unacknowledgedCounter(() => ctx.database.snapshotReader(), ctx.countPacing),
  )

  /**
   * Records the hub reported in conflict whose version here is still the one it saw. Finding the
   * conflict acks scans every ack (no index on status: 370,000 on a synced device, ~100 ms), so the
   * count is kept until the database changes, as the counts above are.
   */
  const conflictsAtHub = keptUntilChange(sqlite, () => {
    const rows = stmt(
      sqlite,
      `SELECT kind, record_id, hash FROM sync_ack WHERE status = 'conflict'`,
    ).all() as {
      kind: string
      record_id: string
      hash: string
    }[]
    return rows.filter((r) => currentHash(r.kind, r.record_id) === r.hash).length
  })

  /** Marks records as held by the other side (on the field device: what came from the hub). */
  const markReceived = (outcomes: RecordOutcome[], now: string) => {
    for (const o of outcomes) {
      if (o.status === 'conflict') continue
      upsertAck(o.kind, o.id, o.sha256, 'received', null, now)
    }
  }

  const upsertAck = (
    kind: string,
    id: string,
    hash: string,
    status: string,
    receiptId: string | null,
    now: string,
  ) => {
    const existing = stmt(sqlite, `SELECT hash, history FROM sync_ack WHERE kind = ? AND record_id = ?`).get(
      kind,
      id,
    ) as { hash: string; history: string } | undefined
    if (!existing) {
      stmt(
        sqlite,
        `INSERT INTO sync_ack (kind, record_id, hash, status, history, receipt_id, acked_at) VALUES (?, ?, ?, ?, '[]', ?, ?)`,
      ).run(kind, id, hash, status, receiptId, now)
      return
    }
    if (existing.hash === hash) return
    const history = JSON.parse(existing.history) as string[]
    // A receipt for an older version arriving after a newer one must not make the current version look
    // unacknowledged again: keep the ack that matches what this device holds now, remember the other.
    if (existing.hash === currentHash(kind, id)) {
      if (!history.includes(hash)) {
        stmt(sqlite, `UPDATE sync_ack SET history = ? WHERE kind = ? AND record_id = ?`).run(
          JSON.stringify([hash, ...history].slice(0, MAX_HISTORY)),
          kind,
          id,
        )
      }
      return
    }
    const nextHistory = [existing.hash, ...history.filter((h) => h !== existing.hash && h !== hash)].slice(
      0,
      MAX_HISTORY,
    )
    stmt(
      sqlite,
      `UPDATE sync_ack SET hash = ?, status = ?, history = ?, receipt_id = ?, acked_at = ? WHERE kind = ? AND record_id = ?`,
    ).run(hash, status, JSON.stringify(nextHistory), receiptId, now, kind, id)
  }

  const currentHash = (kind: string, id: string): string | null => {
    if (kind === BLOB_KIND) return id
    const k = kindByName(kind)
    const rec = k?.loadHeld(sqlite, id)
    return rec ? recordHash(rec) : null
  }

  const importVerified = async (
    verified: VerifiedBundle,
    unlocked: UnlockedIdentity | undefined,
    call: CallContext,
    extra: { joining?: boolean; enrollmentSha256?: string } = {},
  ) => {
    const now = isoNow(ctx)
    const { manifest } = verified
    return db.transaction().execute(async (trx) => {
      if (verified.trustOnApply) {
        await trx
          .insertInto('sync_device')
          .values({
            device_id: verified.sender.deviceId,
            name: verified.sender.name,
            role: verified.sender.role,
            sign_kid: verified.sender.signJwk.kid ?? '',
            sign_public_jwk: canonicalJson(verified.sender.signJwk),
            encrypt_kid: verified.sender.encryptJwk.kid ?? null,
            encrypt_public_jwk: canonicalJson(verified.sender.encryptJwk),
            status: 'trusted',
            trusted_at: now,
            trusted_by: actorOf(call),
            last_bundle_at: now,
            created_at: now,
            updated_at: now,
          })
          .execute()
        await appendAudit(trx, ctx, call, {
          action: 'sync.device.trust',
          entityType: 'device',
          entityId: verified.sender.deviceId,
          details: {
            name: verified.sender.name,
            role: verified.sender.role,
            signKid: verified.sender.signJwk.kid,
            firstBundle: manifest.bundleId,
          },
        })
      } else {
        // The device may have renamed itself or rotated its encryption key; both are signed by its known key.
        await trx
          .updateTable('sync_device')
          .set({
            name: verified.sender.name,
            encrypt_kid: verified.sender.encryptJwk.kid ?? null,
            encrypt_public_jwk: canonicalJson(verified.sender.encryptJwk),
            last_bundle_at: now,
            updated_at: now,
          })
          .where('device_id', '=', verified.sender.deviceId)
          .execute()
      }
      if (extra.joining) {
        await trx.deleteFrom('sync_pairing').execute()
        await trx
          .insertInto('sync_pairing')
          .values({
            slot: 1,
            hub_device_id: verified.sender.deviceId,
            paired_at: now,
            enrollment_sha256: extra.enrollmentSha256 ?? verified.fileSha256,
          })
          .execute()
      }

      const outcome = await applyBundle(sqlite, verified, {
        selfDeviceId: ctx.deviceId,
        now,
        progress: call.progress,
        slowMs: slowImportMs(),
      })
      if (manifest.type === 'hub-update') markReceived(outcome.records, now)

      const receipt =
        manifest.type === 'field-export' && unlocked
          ? await signReceipt(unlocked, {
              bundleId: manifest.bundleId,
              bundleSha256: verified.fileSha256,
              manifestSha256: verified.manifestSha256,
              deviceId: verified.sender.deviceId,
              issuedAt: now,
              records: outcome.records,
            })
          : null
      const counts = countOutcomes(outcome.records)
      await trx
        .insertInto('sync_bundle')
        .values({
          bundle_id: manifest.bundleId,
          from_device_id: verified.sender.deviceId,
          type: manifest.type,
          manifest_sha256: verified.manifestSha256,
          file_sha256: verified.fileSha256,
          created_at: manifest.createdAt,
          position: manifest.position,
          imported_at: now,
          imported_by: actorOf(call),
          counts: JSON.stringify({
            ...counts,
            byKind: byKind(outcome.records),
            conflicts: outcome.conflictIds,
          }),
          receipt: receipt?.jws ?? null,
        })
        .execute()
      await appendAudit(trx, ctx, call, {
        action: extra.joining ? 'sync.hub.join' : 'sync.import',
        entityType: 'sync_bundle',
        entityId: manifest.bundleId,
        details: {
          from: verified.sender.deviceId,
          type: manifest.type,
          fileSha256: verified.fileSha256,
          ...counts,
        },
      })
      return { outcome, counts, receipt }
    })
  }

  const loadConflict = async (id: string) => {
    const row = await db.selectFrom('sync_conflict').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) throw notFound('Conflict', id)
    return row
  }

  const loadDevice = async (deviceId: string) => {
    const row = await db
      .selectFrom('sync_device')
      .selectAll()
      .where('device_id', '=', deviceId)
      .executeTakeFirst()
    if (!row) throw notFound('Device', deviceId)
    return row
  }

  const writeTextFile = (file: string, text: string) => {
    const w = new AtomicLineWriter(path.resolve(file))
    try {
      w.line(text)
      w.commit()
    } catch (e) {
      w.abort()
      throw e
    }
  }

  const doExport = async (
    identity: SyncIdentity,
    input: {
      outFile: string
      type: 'field-export' | 'hub-update'
      plan: ExportPlan
      full: boolean
      withoutEvidence: boolean
      recipient: { deviceId: string; encryptJwk: { kid: string } } | null
    },
    call: CallContext,
  ) => {
    const unlocked = await unlockIdentity(ctx, identity)
    const position = await exclusive(() => auditPosition(sqlite, ctx.deviceId))
    const blobStmt = sqlite.prepare(`SELECT data FROM blob WHERE sha256 = ?`)
    return writeBundle({
      file: path.resolve(input.outFile),
      type: input.type,
      plan: input.plan,
      identity: unlocked,
      from: deviceCardOf(identity),
      schemaVersion: ctx.database.schemaVersion,
      position,
      full: input.full,
      withoutEvidence: input.withoutEvidence,
      createdAt: isoNow(ctx),
      recipient: input.recipient as never,
      blobBytes: (sha) => {
        const row = blobStmt.get(sha) as { data: Uint8Array } | undefined
        if (!row) throw new TesseraError('internal', `evidence ${sha} is missing from this database`)
        return row.data
      },
      progress: call.progress,
    })
  }

  return {
    'sync.status': async () => {
      const identity = await loadIdentity(ctx)
      const hub = await pairedHub()
      // A hub is where data ends up: it has nothing to hand over, so nothing to plan.
      const isHub = identity?.role === 'hub'
      const plan = isHub ? { counts: {}, records: 0, blobs: 0 } : await unacknowledged()
      const byKind: Record<string, number> = {}
      for (const [k, n] of Object.entries(plan.counts)) if (k !== BLOB_KIND) byKind[k] = n
      const records = Object.values(byKind).reduce((a, b) => a + b, 0)
      const total = records + plan.blobs
      const n = async (q: Promise<{ n: number | string | bigint } | undefined>) => Number((await q)?.n ?? 0)
      const drafts = await n(
        db
          .selectFrom('assessment')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('state', '=', 'draft')
          .executeTakeFirst(),
      )
      const inConflictAtHub = await exclusive(conflictsAtHub)
      const lastReceipt = await db
        .selectFrom('sync_receipt')
        .selectAll()
        .orderBy('imported_at', 'desc')
        .limit(1)
        .executeTakeFirst()
      return {
        deviceId: ctx.deviceId,
        role: identity?.role ?? null,
        name: identity?.name ?? null,
        fingerprint: identity ? fingerprint(identity.signJwk.kid) : null,
        hub: hub
          ? {
              deviceId: hub.device_id,
              name: hub.name,
              fingerprint: fingerprint(hub.sign_kid),
              pairedAt: hub.paired_at,
            }
          : null,
        unacknowledged: isHub
          ? { total: 0, byKind: {}, evidenceFiles: 0 }
          : { total, byKind, evidenceFiles: plan.blobs },
        drafts,
        allAccountedFor: isHub || total === 0,
        inConflictAtHub,
        conflictsOpen: await n(
          db
            .selectFrom('sync_conflict')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('status', '=', 'open')
            .executeTakeFirst(),
        ),
        pendingAuditEntries: await n(
          db
            .selectFrom('sync_audit_pending')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirst(),
        ),
        lastReceipt: lastReceipt
          ? {
              receiptId: lastReceipt.receipt_id,
              bundleId: lastReceipt.bundle_id,
              issuedAt: lastReceipt.issued_at,
              importedAt: lastReceipt.imported_at,
            }
          : null,
        bundlesImported: await n(
          db
            .selectFrom('sync_bundle')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirst(),
        ),
        knownDevices: await n(
          db
            .selectFrom('sync_device')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirst(),
        ),
      }
    },

    'sync.ensureDevice': async ({ name }, call) => {
      const { identity, created } = await ensureIdentity(ctx, call, { name: name ?? undefined })
      return {
        deviceId: identity.deviceId,
        name: identity.name,
        role: identity.role,
        fingerprint: fingerprint(identity.signJwk.kid),
        created,
      }
    },

    'sync.hubEnrollFile': async ({ outFile, name }, call) => {
      const { identity: id0 } = await ensureIdentity(ctx, call, { name: name ?? undefined })
      let identity = id0
      if (identity.role !== 'hub') {
        if (await pairedHub()) {
          throw new TesseraError(
            'conflict',
            'This installation is a field device paired with a hub; it cannot become a hub itself',
          )
        }
        await db.transaction().execute(async (trx) => {
          await trx
            .updateTable('sync_identity')
            .set({ role: 'hub', updated_at: isoNow(ctx) })
            .execute()
          await appendAudit(trx, ctx, call, {
            action: 'sync.hub.create',
            entityType: 'device',
            entityId: ctx.deviceId,
            details: { name: identity.name },
          })
        })
        identity = { ...identity, role: 'hub' }
      }
      const plan = await exclusive(() => planHubUpdate(sqlite))
      const written = await doExport(
        identity,
        { outFile, type: 'hub-update', plan, full: true, withoutEvidence: false, recipient: null },
        call,
      )
      return {
        file: written.file,
        sha256: written.sha256,
        hubDeviceId: identity.deviceId,
        fingerprint: fingerprint(identity.signJwk.kid),
        counts: plan.counts,
      }
    },

    'sync.hubJoin': async ({ file, name }, call) => {
      const { identity } = await ensureIdentity(ctx, call, { name: name ?? undefined })
      if (identity.role === 'hub')
        throw new TesseraError('conflict', 'This installation is a hub; only field devices join a hub')
      const verified = await exclusive(() =>
        verifyBundle(sqlite, path.resolve(file), {
          identity,
          unlock: () => unlockIdentity(ctx, identity),
          trustDevice: false,
          joiningHub: true,
          deviceId: ctx.deviceId,
          schemaVersion: ctx.database.schemaVersion,
        }),
      )
      if (verified.manifest.type !== 'hub-update')
        throw new TesseraError(
          'validation',
          `${file} is not a hub enrollment file (it is a ${verified.manifest.type} bundle)`,
        )
      const current = await pairedHub()
      if (current && current.device_id !== verified.sender.deviceId) {
        throw new TesseraError(
          'conflict',
          `This device is already paired with hub "${current.name}" (${current.device_id}); it was not changed. Data must go to one hub.`,
        )
      }
      const prior = await db
        .selectFrom('sync_bundle')
        .select('bundle_id')
        .where('bundle_id', '=', verified.manifest.bundleId)
        .executeTakeFirst()
      let counts = { accepted: 0, duplicate: 0, conflict: 0 }
      if (!prior)
        counts = (
          await importVerified(verified, undefined, call, {
            joining: !current,
            enrollmentSha256: verified.fileSha256,
          })
        ).counts
      return {
        hubDeviceId: verified.sender.deviceId,
        hubName: verified.sender.name,
        fingerprint: fingerprint(verified.sender.signJwk.kid ?? ''),
        alreadyPaired: Boolean(current),
        counts,
      }
    },

    'sync.listDevices': async () =>
      (await db.selectFrom('sync_device').selectAll().orderBy('name').execute()).map(toDevice),

    'sync.trustDevice': async ({ deviceId }, call) => {
      const row = await loadDevice(deviceId)
      if (row.status === 'trusted') return toDevice(row)
      await db.transaction().execute(async (trx) => {
        const now = isoNow(ctx)
        await trx
          .updateTable('sync_device')
          .set({
            status: 'trusted',
            trusted_at: now,
            trusted_by: actorOf(call),
            revoked_at: null,
            revoked_by: null,
            revoke_reason: null,
            updated_at: now,
          })
          .where('device_id', '=', deviceId)
          .execute()
        await appendAudit(trx, ctx, call, {
          action: 'sync.device.trust',
          entityType: 'device',
          entityId: deviceId,
          details: { name: row.name, again: true },
        })
      })
      return toDevice(await loadDevice(deviceId))
    },

    'sync.revokeDevice': async ({ deviceId, reason }, call) => {
      const row = await loadDevice(deviceId)
      if (row.status === 'revoked') return toDevice(row)
      await db.transaction().execute(async (trx) => {
        const now = isoNow(ctx)
        await trx
          .updateTable('sync_device')
          .set({
            status: 'revoked',
            revoked_at: now,
            revoked_by: actorOf(call),
            revoke_reason: reason,
            updated_at: now,
          })
          .where('device_id', '=', deviceId)
          .execute()
        await appendAudit(trx, ctx, call, {
          action: 'sync.device.revoke',
          entityType: 'device',
          entityId: deviceId,
          details: { name: row.name, reason },
        })
      })
      return toDevice(await loadDevice(deviceId))
    },

    'sync.export': async ({ outFile, withoutEvidence, forDevice, full }, call) => {
      // Keys are made on first sync use; after that an export only reads.
      const { identity } = await ensureIdentity(ctx, call)
      if (forDevice) {
        if (identity.role !== 'hub')
          throw new TesseraError(
            'validation',
            '--for-device makes an update bundle at the hub; this installation is not a hub',
          )
        const device = await loadDevice(forDevice)
        if (device.status !== 'trusted')
          throw new TesseraError(
            'forbidden',
            `Device "${device.name}" is revoked: no update bundle is made for it`,
          )
        if (!device.encrypt_public_jwk || !device.encrypt_kid)
          throw new TesseraError('validation', `Device "${device.name}" has no encryption key on record`)
        const plan = await exclusive(() => planHubUpdate(sqlite))
        const recipient = {
          deviceId: device.device_id,
          encryptJwk: JSON.parse(device.encrypt_public_jwk) as { kid: string },
        }
        const w = await doExport(
          identity,
          { outFile, type: 'hub-update', plan, full: true, withoutEvidence: false, recipient },
          call,
        )
        return { ...summaryOf(w, plan), type: 'hub-update' as const, to: device.device_id }
      }
      if (identity.role === 'hub') {
        throw new TesseraError(
          'validation',
          'This installation is the hub: its data stays here. Use --for-device ID to make an update bundle for a field device.',
        )
      }
      const hub = await pairedHub()
      const plan = await exclusive(() =>
        sqlite.transaction(() => planFieldExport(sqlite, { full, withoutEvidence }))(),
      )
      const recipient = hub?.encrypt_public_jwk
        ? { deviceId: hub.device_id, encryptJwk: JSON.parse(hub.encrypt_public_jwk) as { kid: string } }
        : null
      const w = await doExport(
        identity,
        { outFile, type: 'field-export', plan, full, withoutEvidence, recipient },
        call,
      )
      return { ...summaryOf(w, plan), type: 'field-export' as const, to: hub?.device_id ?? null }
    },

    'sync.import': async ({ file, receiptFile, trustDevice }, call) => {
      const identity = await loadIdentity(ctx)
      let unlocked: UnlockedIdentity | undefined
      const unlock = async () => (unlocked ??= await unlockIdentity(ctx, identity))
      const verified = await exclusive(() =>
        verifyBundle(sqlite, path.resolve(file), {
          identity,
          unlock,
          trustDevice,
          deviceId: ctx.deviceId,
          schemaVersion: ctx.database.schemaVersion,
        }),
      )
      const { manifest } = verified
      const from = { deviceId: verified.sender.deviceId, name: verified.sender.name }

      // The same bundle again: nothing is written; its receipt is handed out again.
      const prior = await db
        .selectFrom('sync_bundle')
        .selectAll()
        .where('bundle_id', '=', manifest.bundleId)
        .executeTakeFirst()
      if (prior) {
        if (prior.manifest_sha256 !== verified.manifestSha256) {
          throw new TesseraError(
            'check_failed',
            `A different bundle with the same id ${manifest.bundleId} was imported before: refused`,
          )
        }
        const stored = JSON.parse(prior.counts) as {
          accepted: number
          duplicate: number
          conflict: number
          byKind: Record<string, never>
          conflicts: string[]
        }
        if (receiptFile && prior.receipt) writeTextFile(receiptFile, prior.receipt)
        return {
          bundleId: manifest.bundleId,
          type: manifest.type,
          from,
          alreadyImported: true,
          trustedNewDevice: false,
          counts: { accepted: stored.accepted, duplicate: stored.duplicate, conflict: stored.conflict },
          byKind: stored.byKind ?? {},
          conflicts: [],
          pendingAuditEntries: Number(
            (
              await db
                .selectFrom('sync_audit_pending')
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .executeTakeFirst()
            )?.n ?? 0,
          ),
          receiptFile: receiptFile && prior.receipt ? path.resolve(receiptFile) : null,
        }
      }
      if (manifest.type === 'field-export') await unlock() // to sign the receipt; asked before the transaction opens
      const { outcome, counts, receipt } = await importVerified(verified, unlocked, call)
      if (receiptFile && receipt) writeTextFile(receiptFile, receipt.jws)
      const conflicts = outcome.conflictIds.length
        ? (
            await db
              .selectFrom('sync_conflict')
              .select(['id', 'kind', 'record_id'])
              .where('id', 'in', outcome.conflictIds)
              .execute()
          ).map((c) => ({
            id: c.id,
            kind: c.kind,
            recordId: c.record_id,
          }))
        : []
      return {
        bundleId: manifest.bundleId,
        type: manifest.type,
        from,
        alreadyImported: false,
        trustedNewDevice: verified.trustOnApply,
        counts,
        byKind: byKind(outcome.records),
        conflicts,
        pendingAuditEntries: outcome.pendingAudit,
        receiptFile: receiptFile && receipt ? path.resolve(receiptFile) : null,
      }
    },

    'sync.importReceipt': async ({ file }) => {
      if (!fs.existsSync(file)) throw notFound('Receipt file', file)
      const text = fs.readFileSync(file, 'utf8')
      const receipt = await exclusive(() => verifyReceipt(sqlite, text, ctx.deviceId))
      const prior = await db
        .selectFrom('sync_receipt')
        .select('receipt_id')
        .where('receipt_id', '=', receipt.receiptId)
        .executeTakeFirst()
      if (!prior) {
        const now = isoNow(ctx)
        await db.transaction().execute(async (trx) => {
          for (const r of receipt.records) upsertAck(r.kind, r.id, r.sha256, r.status, receipt.receiptId, now)
          await trx
            .insertInto('sync_receipt')
            .values({
              receipt_id: receipt.receiptId,
              bundle_id: receipt.bundleId,
              hub_device_id: receipt.hubDeviceId,
              issued_at: receipt.issuedAt,
              imported_at: now,
              counts: JSON.stringify(receipt.counts),
            })
            .execute()
        })
      }
      const plan = await unacknowledged()
      return {
        receiptId: receipt.receiptId,
        bundleId: receipt.bundleId,
        alreadyImported: Boolean(prior),
        counts: receipt.counts,
        stillUnacknowledged: plan.records + plan.blobs,
      }
    },

    'sync.listConflicts': async ({ status }) => {
      let q = db.selectFrom('sync_conflict').selectAll().orderBy('created_at')
      if (status !== 'all') q = q.where('status', '=', status)
      return (await q.execute()).map(toConflict)
    },

    'sync.showConflict': async ({ id }) => {
      const row = await loadConflict(id)
      return {
        ...toConflict(row),
        held: JSON.parse(row.held_content) as unknown,
        incoming: JSON.parse(row.incoming_content) as unknown,
        heldHash: row.held_hash,
        incomingHash: row.incoming_hash,
      }
    },

    'sync.resolveConflict': async ({ id, keep, note }, call) => {
      const row = await loadConflict(id)
      if (row.status === 'resolved')
        throw new TesseraError('conflict', `Conflict ${id} was already resolved (${row.resolution ?? ''})`)
      const kind = kindByName(row.kind)
      let nowCurrent = row.current
      if (keep === 'other') {
        if (!kind || kind.mutability !== 'mutable' || !kind.replace) {
          throw new TesseraError(
            'validation',
            `A ${row.kind} record is immutable once final: the version held stays in place and the other copy stays archived in this conflict. Resolve with --keep current.`,
          )
        }
        if (row.reason.startsWith('adjusted_')) {
          throw new TesseraError(
            'validation',
            'This record was kept under an adjusted value to avoid a clash; change it in its own screen, then resolve with --keep current',
          )
        }
        nowCurrent = row.current === 'held' ? 'incoming' : 'held'
      }
      const other = JSON.parse(nowCurrent === 'held' ? row.held_content : row.incoming_content) as SyncRecord
      await db.transaction().execute(async (trx) => {
        const now = isoNow(ctx)
        if (keep === 'other' && kind?.replace) {
          kind.replace(sqlite, other)
        }
        await trx
          .updateTable('sync_conflict')
          .set({
            status: 'resolved',
            current: nowCurrent,
            resolution: keep === 'other' ? 'took-other' : 'kept-current',
            resolution_note: note,
            resolved_by: actorOf(call),
            resolved_at: now,
          })
          .where('id', '=', id)
          .execute()
        await appendAudit(trx, ctx, call, {
          action: 'sync.conflict.resolve',
          entityType: row.kind,
          entityId: row.record_id,
          details: { conflictId: id, keep, current: nowCurrent, note },
        })
      })
      return toConflict(await loadConflict(id))
    },

    'reports.results': async ({ format, what, outFile }) => {
      const table = await exclusive(() =>
        what === 'assessments'
          ? assessmentReport(sqlite)
          : { ...credentialReport(sqlite), nested: undefined },
      )
      const rowsForJson = 'nested' in table && table.nested ? table.nested : table.rows
      const content = format === 'csv' ? toCsv(table) : JSON.stringify(rowsForJson, null, 2) + '\n'
      if (outFile) {
        const file = path.resolve(outFile)
        fs.mkdirSync(path.dirname(file), { recursive: true })
        fs.writeFileSync(file, content)
        return { format, what, rows: table.rows.length, file, content: null }
      }
      return { format, what, rows: table.rows.length, file: null, content }
    },

    'backup.create': async ({ outFile }) => {
      // The Electron-ABI build of better-sqlite3 must also open the copy that is checked.
      return exclusive(() => backupDatabase(sqlite, outFile, ctx.host?.nativeBinding))
    },
  }
}

function byKind(
  records: RecordOutcome[],
): Record<string, { accepted: number; duplicate: number; conflict: number }> {
  const out: Record<string, { accepted: number; duplicate: number; conflict: number }> = {}
  for (const r of records) {
    const c = (out[r.kind] ??= { accepted: 0, duplicate: 0, conflict: 0 })
    c[r.status]++
  }
  return out
}

function summaryOf(
  w: { file: string; bundleId: string; sha256: string; bytes: number; encrypted: boolean },
  plan: ExportPlan,
) {
  return {
    file: w.file,
    bundleId: w.bundleId,
    sha256: w.sha256,
    bytes: w.bytes,
    encrypted: w.encrypted,
    records: plan.records.length,
    counts: plan.counts,
    evidenceFiles: plan.blobs.length,
    evidenceOmitted: plan.omittedBlobs.length,
  }
}
