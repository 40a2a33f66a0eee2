import type { VerificationReportOutput } from '../../contract/ops/credentials'
import { verifyCredential, type VerificationCheck, type VerifyInput } from '../verify/verify'
import type { ServiceContext, Tx } from './context'
import { trustedIssuers } from './issuer-keys'
import { heldStatusLists } from './status-lists'

/**
 * Verification as an installation does it: the isomorphic verifier (verify.ts) with this
 * installation's trust list (its own keys, retired ones included, and imported keys) and the
 * signed status lists it holds, then what its own records add:
 *
 * - a credential it holds that is revoked fails the status check, even before any list says so
 *   (e.g. revoked at the hub for a credential another device signed);
 * - for a credential issued here, its own records are authoritative: "not revoked" is a pass even
 *   when the signed list copy is old;
 * - a QR token carries no status entry, so the full credential is looked up and its status used.
 *
 * The report is never "verified" unless the proof passed and no check failed.
 */

export async function verifyHere(
  ctx: ServiceContext,
  input: VerifyInput,
  opts: { email?: string | null; db?: Tx } = {},
): Promise<VerificationReportOutput> {
  const db = opts.db ?? ctx.db
  const now = ctx.now()
  const options = {
    trustedIssuers: await trustedIssuers(db),
    statusLists: await heldStatusLists(db),
    now,
    ...(opts.email ? { recipientEmail: opts.email } : {}),
  }
  const report = await verifyCredential(input, options)
  const credentialId =
    (typeof report.credential?.id === 'string' ? report.credential.id : undefined) ??
    report.qrToken?.credentialId ??
    null
  const held = credentialId
    ? await db
        .selectFrom('credential')
        .select(['id', 'json', 'device_id', 'revoked_at', 'revocation_reason'])
        .where('id', '=', credentialId)
        .executeTakeFirst()
    : undefined
  const checks: VerificationCheck[] = report.checks.map((c) => ({ ...c }))
  const status = checks.find((c) => c.name === 'status')!
  const proofPassed = checks.find((c) => c.name === 'proof')?.status === 'passed'

  if (held && proofPassed) {
    const issuedHere = held.device_id === ctx.deviceId
    if (report.kind === 'qr-token') {
      const full = await verifyCredential(held.json, options)
      const fullStatus = full.checks.find((c) => c.name === 'status')!
      status.status = fullStatus.status
      status.message = `From the full credential held here: ${fullStatus.message}`
    }
    if (held.revoked_at) {
      status.status = 'failed'
      status.message = `Revoked on ${held.revoked_at}: ${held.revocation_reason ?? 'no reason given'} (this installation's records)`
    } else if (issuedHere && (status.status === 'warning' || status.status === 'skipped')) {
      status.message = `Not revoked: issued here, and this installation's records show no revocation (${status.message.replace(/\.$/, '')})`
      status.status = 'passed'
    }
  }
  const verified = proofPassed && checks.every((c) => c.status !== 'failed')
  return {
    verified,
    kind: report.kind,
    ...(report.embedded ? { embedded: report.embedded } : {}),
    credentialId,
    ...(report.credential ? { credential: report.credential } : {}),
    ...(report.qrToken ? { qrToken: report.qrToken } : {}),
    ...(report.issuer ? { issuer: report.issuer } : {}),
    checks,
    held: held
      ? {
          revokedAt: held.revoked_at,
          revocationReason: held.revocation_reason,
          issuedHere: held.device_id === ctx.deviceId,
        }
      : null,
    checkedAt: now.toISOString(),
  }
}
