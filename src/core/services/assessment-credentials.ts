import { conflict } from '../../contract/errors'
import type { IssuerKeys } from '../crypto/keys'
import { revocationReasonFor, type RevocationCause } from '../domain/revocation-reasons'
import { appendAudit } from './audit'
import type { CallContext, ServiceContext, Tx } from './context'
import { unlockActiveKeys } from './issuer-keys'
import { signOwnedList } from './status-lists'

/**
 * A credential stands only as long as the assessment it was issued from: voiding that assessment,
 * or finalizing a correction of it, revokes its credential(s) in the same transaction, with a
 * reason that says why (docs/credentials.md, "When the assessment changes"). The revocation is an
 * ordinary change of the credential row, so it syncs like any other revocation.
 */

const activeOf = (tx: Tx, assessmentId: string) =>
  tx
    .selectFrom('credential as c')
    .innerJoin('status_list as l', 'l.id', 'c.status_list_id')
    .selectAll('c')
    .select(['l.owned as list_owned'])
    .where('c.assessment_id', '=', assessmentId)
    .where('c.revoked_at', 'is', null)
    .execute()

/**
 * The issuer keys needed to re-sign the status list, asked for (passphrase) only when the
 * assessment has an unrevoked credential in a list signed here. Call it BEFORE the transaction,
 * so a wrong passphrase changes nothing.
 */
export async function keysToRevokeCredentialsOf(
  ctx: ServiceContext,
  assessmentId: string | null,
): Promise<IssuerKeys | undefined> {
  if (!assessmentId) return undefined
  const active = await activeOf(ctx.db, assessmentId)
  return active.some((c) => c.list_owned === 1) ? unlockActiveKeys(ctx) : undefined
}

/**
 * Revokes every unrevoked credential of the assessment at `at` (inside the caller's transaction),
 * audits each, and re-signs the owned status lists they are in so verifiers see it at once.
 */
export async function revokeCredentialsOf(
  trx: Tx,
  ctx: ServiceContext,
  call: CallContext | undefined,
  cause: RevocationCause,
  at: string,
  keys: IssuerKeys | undefined,
): Promise<string[]> {
  const active = await activeOf(trx, cause.assessmentId)
  if (active.length === 0) return []
  const reason = revocationReasonFor(cause)
  const lists = new Set<string>()
  for (const c of active) {
    if (c.list_owned === 1 && !keys) {
      // Issued between the check before the transaction and now: start again (nothing was written).
      throw conflict(
        `Credential ${c.id} of assessment ${cause.assessmentId} was issued meanwhile; try again`,
        {
          credentialId: c.id,
        },
      )
    }
    await trx
      .updateTable('credential')
      .set({ revoked_at: at, revocation_reason: reason, updated_at: at })
      .where('id', '=', c.id)
      .where('revoked_at', 'is', null)
      .execute()
    await appendAudit(trx, ctx, call, {
      action: 'credential.revoke',
      entityType: 'credential',
      entityId: c.id,
      details: {
        reason,
        assessmentId: cause.assessmentId,
        cause: cause.kind === 'voided' ? 'assessment.void' : 'assessment.correct',
        ...(cause.kind === 'corrected' ? { correctionId: cause.correctionId } : {}),
        statusIndex: c.status_index,
      },
    })
    if (c.list_owned === 1) lists.add(c.status_list_id)
  }
  for (const listId of lists) {
    const list = await trx
      .selectFrom('status_list')
      .selectAll()
      .where('id', '=', listId)
      .executeTakeFirstOrThrow()
    await signOwnedList(trx, ctx, list, keys!.ed25519)
  }
  return active.map((c) => c.id)
}
