import type { Database } from 'better-sqlite3'
import { z } from 'zod'
import { canonicalJson } from '../domain/canonical-json'
import { stmt, tableKind, type RecordKind, type Ref, type Transition } from './record-kinds'
import type { SyncRecord } from './columns'

/**
 * The record kinds of credentials (2/5), registered in `recordKinds` (record-kinds.ts):
 *
 * - `issuer_key`: the organization's public keys, both ways, so every installation of the
 *   organization trusts credentials any of them signed. The private envelope never leaves its
 *   device (omitted), so a key that arrives can verify but never sign.
 * - `trusted_key`: other organizations' public keys imported somewhere; both ways (a hub imports a
 *   partner's keys once, its field devices get them with the next update).
 * - `status_list`: the latest signed copy of each list, both ways, so revocations are checked
 *   offline everywhere; `owned` is local (each list is signed only by the installation that made it).
 * - `credential`: field -> hub. Immutable once signed; its one lifecycle step, revocation (including
 *   "superseded" by a re-issue), travels as a forward transition, like voiding an assessment.
 *   A second unrevoked credential for the same assessment is kept as a conflict for a person.
 *
 * Functions, not values: record-kinds.ts imports this module while it is itself being loaded.
 */

const ref = (kind: string, id: unknown): Ref[] => (typeof id === 'string' && id !== '' ? [{ kind, id }] : [])

const CREDENTIAL_LIFECYCLE_COLUMNS = ['revoked_at', 'revocation_reason', 'updated_at']

function credentialKind(): RecordKind {
  const base = tableKind({
    name: 'credential',
    order: 110,
    table: 'credential',
    mutability: 'immutable',
    references: (r) => [
      ...ref('assessment', r.assessment_id),
      ...ref('learner', r.learner_id),
      ...ref('achievement', r.achievement_id),
      ...ref('rubric_version', r.rubric_version_id),
      ...ref('status_list', r.status_list_id),
      ...ref('credential', r.supersedes_id),
    ],
    blockedReason: (sqlite: Database, r: SyncRecord) => {
      if (r.revoked_at != null) return null
      const other = stmt(
        sqlite,
        `SELECT id FROM credential WHERE assessment_id = ? AND revoked_at IS NULL AND id <> ?`,
      ).get(r.assessment_id, r.id) as { id: string } | undefined
      return other
        ? `second_credential: assessment ${String(r.assessment_id)} already has the unrevoked credential ${other.id} here; revoke one of them`
        : null
    },
  })
  const coreOf = (r: SyncRecord): string => {
    const out = { ...r }
    for (const c of CREDENTIAL_LIFECYCLE_COLUMNS) delete out[c]
    return canonicalJson(out)
  }
  return {
    ...base,
    transition(held, incoming): Transition {
      if (coreOf(held) !== coreOf(incoming)) return 'different'
      if (held.revoked_at == null && incoming.revoked_at != null) return 'forward'
      // Revoked here already (or revoked on both sides): the credential is revoked either way and
      // the revocation held first stays.
      if (held.revoked_at != null) return 'stale'
      return 'different'
    },
    advance(sqlite, incoming) {
      stmt(
        sqlite,
        `UPDATE credential SET revoked_at = ?, revocation_reason = ?, updated_at = ? WHERE id = ? AND revoked_at IS NULL`,
      ).run(incoming.revoked_at, incoming.revocation_reason, incoming.updated_at, incoming.id)
    },
    replace: undefined,
  }
}

const keyType = z.enum(['Ed25519', 'P-256'], { message: 'must be Ed25519 or P-256' })

/**
 * What an installation signs itself (its own keys, its own status lists) is never replaced by a copy
 * that comes back from elsewhere: the held row is the original.
 */
function keepOwn(kind: RecordKind, ownWhere: string): RecordKind {
  const replace = kind.replace!
  return {
    ...kind,
    replace(sqlite, record) {
      if (stmt(sqlite, `SELECT 1 FROM ${kind.table} WHERE id = ? AND ${ownWhere}`).get(record.id)) return
      replace(sqlite, record)
    },
  }
}

export function credentialRecordKinds(): RecordKind[] {
  return [
    keepOwn(
      tableKind({
        name: 'issuer_key',
        order: 15,
        table: 'issuer_key',
        mutability: 'mutable',
        hubToField: true,
        omit: ['private_envelope'],
        overrides: { type: keyType },
      }),
      'private_envelope IS NOT NULL',
    ),
    tableKind({
      name: 'trusted_key',
      order: 16,
      table: 'trusted_key',
      mutability: 'mutable',
      hubToField: true,
      overrides: { type: keyType },
    }),
    keepOwn(
      tableKind({
        name: 'status_list',
        order: 105,
        table: 'status_list',
        mutability: 'mutable',
        hubToField: true,
        omit: ['owned'],
        overrides: {
          purpose: z.enum(['revocation', 'suspension'], { message: 'must be revocation or suspension' }),
        },
      }),
      'owned = 1',
    ),
    credentialKind(),
  ]
}
