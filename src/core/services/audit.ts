import { sql } from 'kysely'
import { canonicalJson } from '../domain/canonical-json'
import { newId } from '../domain/ids'
import { sha256Hex } from '../node/hash'
import type { AuditLogTable } from '../db/schema'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { CallContext, ServiceContext, Tx } from './context'

export const GENESIS_HASH = '0'.repeat(64)

export interface AuditInput {
  action: string
  entityType: string
  entityId: string
  details?: Record<string, unknown>
}

type ChainFields = Omit<AuditLogTable, 'seq' | 'hash'>

/** The hash covers every field but `seq` (local to one database) so chains survive sync intact. */
export const auditEntryHash = (e: ChainFields): string =>
  sha256Hex(
    canonicalJson({
      id: e.id,
      at: e.at,
      device_id: e.device_id,
      actor: e.actor,
      action: e.action,
      entity_type: e.entity_type,
      entity_id: e.entity_id,
      details: e.details,
      prev_hash: e.prev_hash,
    }),
  )

/**
 * Appends one entry to the audit log. Must be called inside the transaction that makes the change,
 * so the change and its record commit together or not at all.
 *
 * The chain is per device: each entry links to the previous entry of the same device, so entries
 * imported from field devices keep their own verifiable chains at the hub.
 */
export async function appendAudit(
  tx: Tx,
  ctx: ServiceContext,
  call: CallContext | undefined,
  input: AuditInput,
): Promise<void> {
  const last = await tx
    .selectFrom('audit_log')
    .select('hash')
    .where('device_id', '=', ctx.deviceId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst()
  const entry: ChainFields = {
    id: newId(),
    at: ctx.now().toISOString(),
    device_id: ctx.deviceId,
    actor: call?.actor ?? ctx.defaultActor,
    action: input.action,
    entity_type: input.entityType,
    entity_id: input.entityId,
    details: canonicalJson(input.details ?? {}),
    prev_hash: last?.hash ?? GENESIS_HASH,
  }
  await tx
    .insertInto('audit_log')
    .values({ ...entry, hash: auditEntryHash(entry) })
    .execute()
}

export interface AuditChainProblem {
  seq: number
  entryId: string
  deviceId: string
  problem: string
}

/**
 * Re-computes every entry's hash and link. An edited entry breaks its own hash; a deleted entry
 * breaks the next entry's link; a deleted tail shows as a gap against SQLite's AUTOINCREMENT counter.
 */
export async function verifyAuditChain(
  db: Kysely<DB>,
): Promise<{ entries: number; problems: AuditChainProblem[] }> {
  const rows = await db.selectFrom('audit_log').selectAll().orderBy('seq').execute()
  const problems: AuditChainProblem[] = []
  const lastHashByDevice = new Map<string, string>()
  for (const r of rows) {
    const expectedPrev = lastHashByDevice.get(r.device_id) ?? GENESIS_HASH
    if (r.prev_hash !== expectedPrev) {
      problems.push({
        seq: r.seq,
        entryId: r.id,
        deviceId: r.device_id,
        problem: 'link broken: the entry before it was changed or deleted',
      })
    }
    if (auditEntryHash(r) !== r.hash) {
      problems.push({
        seq: r.seq,
        entryId: r.id,
        deviceId: r.device_id,
        problem: 'content does not match its hash: edited',
      })
    }
    lastHashByDevice.set(r.device_id, r.hash)
  }
  const counter = await sql<{
    seq: number
  }>`SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'`.execute(db)
  const maxSeq = rows.at(-1)?.seq ?? 0
  const issued = counter.rows[0]?.seq ?? 0
  if (issued > maxSeq) {
    problems.push({
      seq: maxSeq + 1,
      entryId: '',
      deviceId: '',
      problem: `entries ${maxSeq + 1}..${issued} were deleted from the end of the log`,
    })
  }
  return { entries: rows.length, problems }
}
