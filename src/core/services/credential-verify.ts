import type { Database, Statement } from 'better-sqlite3'
import type { VerificationReportOutput } from '../../contract/ops/credentials'
import { keptUntilChange } from '../db/kept-until-change'
import { loadOnFirstUse } from '../credentials/load-on-first-use'
import type { HeldStatusList, TrustedIssuer, VerificationCheck, VerifyInput } from '../verify/verify'
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

// The verifier and the OB 3.0 schema validator it uses are loaded by the first verification.
const loadVerifier = loadOnFirstUse('verifier', () => import('../verify/verify'))

interface VerifierInputs {
  trustedIssuers: TrustedIssuer[]
  statusLists: HeldStatusList[]
}

const readInputs = async (db: Tx): Promise<VerifierInputs> => ({
  trustedIssuers: await trustedIssuers(db),
  statusLists: await heldStatusLists(db),
})

interface HeldRow {
  device_id: string
  revoked_at: string | null
  revocation_reason: string | null
}

/**
 * Per open database: the trust list and held status lists, kept until the database changes, and the
 * prepared statements of the look-ups. Verifying badge after badge (the verify screen, a batch)
 * re-read four tables and copied every signed list out of SQLite for each one.
 */
interface VerifierCache {
  held: Statement<[string], HeldRow>
  heldJson: Statement<[string], { json: string }>
  inputs: (conn: Tx) => Promise<VerifierInputs>
}
const caches = new WeakMap<Database, VerifierCache>()

function cacheOf(sqlite: Database): VerifierCache {
  let c = caches.get(sqlite)
  if (!c) {
    c = {
      held: sqlite.prepare('SELECT device_id, revoked_at, revocation_reason FROM credential WHERE id = ?'),
      heldJson: sqlite.prepare('SELECT json FROM credential WHERE id = ?'),
      inputs: keptUntilChange(sqlite, readInputs),
    }
    caches.set(sqlite, c)
  }
  return c
}

/**
 * Runs raw reads while holding kysely's only connection, so they never see another op's open
 * transaction half-way (and, outside any transaction, `total_changes()` cannot count rows that a
 * rollback will take back).
 */
const exclusive = <T>(ctx: ServiceContext, fn: (conn: Tx) => T | Promise<T>): Promise<T> =>
  ctx.db.connection().execute(async (conn) => fn(conn))

export async function verifyHere(
  ctx: ServiceContext,
  input: VerifyInput,
  opts: { email?: string | null; db?: Tx } = {},
): Promise<VerificationReportOutput> {
  const { verifyCredential } = await loadVerifier()
  const now = ctx.now()
  // Inside a caller's transaction the cache is bypassed: what it reads may still be rolled back.
  const cache = opts.db ? undefined : cacheOf(ctx.database.sqlite)
  const db = opts.db ?? ctx.db
  const inputs = cache ? await exclusive(ctx, cache.inputs) : await readInputs(db)
  const options = { ...inputs, now, ...(opts.email ? { recipientEmail: opts.email } : {}) }
  const report = await verifyCredential(input, options)
  const credentialId =
    (typeof report.credential?.id === 'string' ? report.credential.id : undefined) ??
    report.qrToken?.credentialId ??
    null
  // The full credential only for a QR token (its status comes from the credential held here).
  const wantJson = report.kind === 'qr-token'
  const held: (HeldRow & { json?: string }) | undefined = !credentialId
    ? undefined
    : cache
      ? await exclusive(ctx, () => {
          const row = cache.held.get(credentialId)
          return row && wantJson ? { ...row, json: cache.heldJson.get(credentialId)!.json } : row
        })
      : await db
          .selectFrom('credential')
          .select(['json', 'device_id', 'revoked_at', 'revocation_reason'])
          .where('id', '=', credentialId)
          .executeTakeFirst()
  const checks: VerificationCheck[] = report.checks.map((c) => ({ ...c }))
  const status = checks.find((c) => c.name === 'status')!
  const proofPassed = checks.find((c) => c.name === 'proof')?.status === 'passed'

  if (held && proofPassed) {
    const issuedHere = held.device_id === ctx.deviceId
    if (report.kind === 'qr-token' && held.json !== undefined) {
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
