import { conflict, notFound, TesseraError } from '../../contract/errors'
import type { credentialsOps, CredentialSummary } from '../../contract/ops/credentials'
import type { VerifyInput } from '../verify/verify'
import type { Outcome } from '../domain/outcome'
import { fullName } from '../domain/names'
import { verifierBundle } from '../node/verifier-bundle'
import { appendAudit } from './audit'
import { isoNow, type ServiceContext, type Tx } from './context'
import { artefactsOf, certificatesPdf, summaryOf } from './credential-artefacts'
import {
  activeCredentialOf,
  issueOne,
  latestCredentialOf,
  requireIssuable,
  type CredentialRow,
} from './credential-issue'
import { verifyHere } from './credential-verify'
import type { FeatureHandlers } from './handlers'
import { trustedIssuers, unlockActiveKeys } from './issuer-keys'
import { buildPublicKeysDocument } from './public-keys-document'
import {
  holdForeignStatusList,
  ownedListIsStale,
  ownedLists,
  signOwnedList,
  toStatusListInfo,
} from './status-lists'
import { VERIFIER_KIT_FILE, verifierKitHtml } from './verifier-kit'

export function credentialsHandlers(ctx: ServiceContext): FeatureHandlers<typeof credentialsOps> {
  const { db } = ctx

  const requireCredential = async (tx: Tx, id: string): Promise<CredentialRow> => {
    const row = await tx.selectFrom('credential').selectAll().where('id', '=', id).executeTakeFirst()
    if (row) return row
    // People copy the bare UUID from a file name.
    const byUuid = await tx
      .selectFrom('credential')
      .selectAll()
      .where('id', '=', `urn:uuid:${id.toLowerCase()}`)
      .executeTakeFirst()
    if (!byUuid) throw notFound('Credential', id)
    return byUuid
  }

  const summarize = async (tx: Tx, row: CredentialRow): Promise<CredentialSummary> => {
    const list = await tx
      .selectFrom('status_list')
      .select('url')
      .where('id', '=', row.status_list_id)
      .executeTakeFirstOrThrow()
    const next = await tx
      .selectFrom('credential')
      .select('id')
      .where('supersedes_id', '=', row.id)
      .orderBy('issued_at', 'desc')
      .executeTakeFirst()
    return summaryOf(row, list.url, next?.id ?? null)
  }

  /** Re-signs owned lists whose signed copy is stale (asks for the passphrase only then). */
  const refreshOwnedLists = async (force: boolean): Promise<void> => {
    const stale: Awaited<ReturnType<typeof ownedLists>> = []
    for (const list of await ownedLists(db))
      if (force || (await ownedListIsStale(db, ctx, list))) stale.push(list)
    if (stale.length === 0 || ctx.database.readonly) return
    const keys = await unlockActiveKeys(ctx)
    await db.transaction().execute(async (trx) => {
      for (const list of stale) await signOwnedList(trx, ctx, list, keys.ed25519)
    })
  }

  return {
    'credentials.issue': async ({ assessmentId, reissue, reason, withPdf, pageSize }, call) => {
      // Every rule is checked before the passphrase is asked, so a refusal never needs it.
      await requireIssuable(db, assessmentId)
      const existing = await activeCredentialOf(db, assessmentId)
      if (existing && !reissue) {
        return {
          credential: await summarize(db, existing),
          created: false,
          supersededId: null,
          artefacts: await artefactsOf(db, existing, { withPdf, pageSize }),
        }
      }
      const previous = existing ?? (await latestCredentialOf(db, assessmentId))
      if (previous && !reissue) {
        throw conflict(
          `The credential of assessment ${assessmentId} (${previous.id}) was revoked on ${previous.revoked_at}: ${previous.revocation_reason}. Use reissue to issue a new one`,
          { credentialId: previous.id },
        )
      }
      // A wrong passphrase stops here: nothing is signed, nothing is written.
      const keys = await unlockActiveKeys(ctx)
      const row = await db.transaction().execute(async (trx) => {
        const current = await activeCredentialOf(trx, assessmentId)
        if (current && !reissue) return current
        return issueOne(trx, ctx, call, assessmentId, { keys, supersedes: current ?? previous, reason })
      })
      const created = row.id !== existing?.id
      return {
        credential: await summarize(db, row),
        created,
        supersededId: created ? (row.supersedes_id ?? null) : null,
        artefacts: await artefactsOf(db, row, { withPdf, pageSize }),
      }
    },

    'credentials.issueCohort': async ({ cohort: nameOrId, withPdf, pageSize }, call) => {
      const cohort =
        (await db
          .selectFrom('cohort')
          .select(['id', 'name'])
          .where('id', '=', nameOrId)
          .executeTakeFirst()) ??
        (await db
          .selectFrom('cohort')
          .select(['id', 'name'])
          .where('name', '=', nameOrId.normalize('NFC'))
          .executeTakeFirst())
      if (!cohort) throw notFound('Cohort', nameOrId)
      const candidates = await db
        .selectFrom('assessment as a')
        .innerJoin('learner_cohort as lc', 'lc.learner_id', 'a.learner_id')
        .innerJoin('learner as l', 'l.id', 'a.learner_id')
        .select(['a.id', 'a.outcome', 'l.given_name', 'l.family_name'])
        .where('lc.cohort_id', '=', cohort.id)
        .where('a.state', '=', 'finalized')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('assessment as c')
                .select('c.id')
                .whereRef('c.supersedes_id', '=', 'a.id')
                .where('c.state', '=', 'finalized'),
            ),
          ),
        )
        .orderBy('l.family_name')
        .orderBy('l.given_name')
        .orderBy('a.assessed_on')
        .orderBy('a.id')
        .execute()
      const passing = candidates.filter(
        (a) => (JSON.parse(a.outcome ?? 'null') as Outcome | null)?.passed === true,
      )
      const skipped: { assessmentId: string; learnerName: string; reason: string }[] = []
      const todo: typeof passing = []
      for (const a of passing) {
        const latest = await latestCredentialOf(db, a.id)
        if (!latest) todo.push(a)
        else if (latest.revoked_at)
          skipped.push({
            assessmentId: a.id,
            learnerName: fullName(a.given_name, a.family_name),
            reason: `its credential ${latest.id} was revoked (${latest.revocation_reason}); re-issue it on its own if that was a mistake`,
          })
      }
      const issued: CredentialRow[] = []
      if (todo.length > 0) {
        const keys = await unlockActiveKeys(ctx)
        for (const [i, a] of todo.entries()) {
          call.progress?.({
            step: 'credentials.issue',
            done: i,
            total: todo.length,
            message: fullName(a.given_name, a.family_name),
          })
          try {
            // One transaction per credential: a problem with one learner's record does not undo the others.
            const row = await db.transaction().execute(async (trx) => {
              if (await latestCredentialOf(trx, a.id)) return undefined
              return issueOne(trx, ctx, call, a.id, { keys })
            })
            if (row) issued.push(row)
          } catch (e) {
            if (!(e instanceof TesseraError) || !['validation', 'conflict', 'not_found'].includes(e.code))
              throw e
            skipped.push({
              assessmentId: a.id,
              learnerName: fullName(a.given_name, a.family_name),
              reason: e.message,
            })
          }
        }
        call.progress?.({ step: 'credentials.issue', done: todo.length, total: todo.length })
      }
      let combinedPdfBase64: string | null = null
      if (withPdf && issued.length > 0) {
        const pdf = await certificatesPdf(db, issued, pageSize, (done, total) =>
          call.progress?.({ step: 'credentials.pdf', done, total }),
        )
        combinedPdfBase64 = Buffer.from(pdf).toString('base64')
      }
      const summaries: CredentialSummary[] = []
      for (const r of issued) summaries.push(await summarize(db, r))
      return { cohort, issued: summaries, skipped, combinedPdfBase64 }
    },

    'credentials.list': async ({ limit, offset, learnerId, achievementId, assessmentId, revoked }) => {
      let q = db.selectFrom('credential')
      if (learnerId) q = q.where('learner_id', '=', learnerId)
      if (achievementId) q = q.where('achievement_id', '=', achievementId)
      if (assessmentId) q = q.where('assessment_id', '=', assessmentId)
      if (revoked !== undefined) q = q.where('revoked_at', revoked ? 'is not' : 'is', null)
      const { n } = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      const rows = await q
        .selectAll()
        .orderBy('issued_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute()
      const items: CredentialSummary[] = []
      for (const r of rows) items.push(await summarize(db, r))
      return { items, total: Number(n), limit, offset }
    },

    'credentials.get': async ({ id }) => {
      const row = await requireCredential(db, id)
      const history = await db
        .selectFrom('audit_log')
        .select(['at', 'actor', 'action', 'details'])
        .where('entity_type', '=', 'credential')
        .where('entity_id', '=', row.id)
        .orderBy('seq')
        .execute()
      return {
        ...(await summarize(db, row)),
        credential: JSON.parse(row.json) as Record<string, unknown>,
        jwt: row.jwt,
        qrToken: row.qr_token,
        history: history.map((h) => ({ ...h, details: JSON.parse(h.details) as Record<string, unknown> })),
      }
    },

    'credentials.files': async ({ id, withPdf, pageSize }) =>
      artefactsOf(db, await requireCredential(db, id), { withPdf, pageSize }),

    'credentials.certificatePdf': async ({ ids, pageSize }, call) => {
      const rows: CredentialRow[] = []
      for (const id of ids) rows.push(await requireCredential(db, id))
      const pdf = await certificatesPdf(db, rows, pageSize, (done, total) =>
        call.progress?.({ step: 'credentials.pdf', done, total }),
      )
      return { pdfBase64: Buffer.from(pdf).toString('base64'), pages: rows.length }
    },

    'credentials.revoke': async ({ id, reason }, call) => {
      const row = await requireCredential(db, id)
      if (row.revoked_at) {
        throw conflict(
          `Credential ${row.id} was already revoked on ${row.revoked_at}: ${row.revocation_reason}`,
          { id: row.id },
        )
      }
      const list = await db
        .selectFrom('status_list')
        .selectAll()
        .where('id', '=', row.status_list_id)
        .executeTakeFirstOrThrow()
      // The signed list must show the revocation at once; lists of other devices are signed there
      // (the revocation is recorded here and checked from these records).
      const keys = list.owned === 1 ? await unlockActiveKeys(ctx) : undefined
      await db.transaction().execute(async (trx) => {
        const now = isoNow(ctx)
        const r = await trx
          .updateTable('credential')
          .set({ revoked_at: now, revocation_reason: reason, updated_at: now })
          .where('id', '=', row.id)
          .where('revoked_at', 'is', null)
          .executeTakeFirst()
        if (Number(r.numUpdatedRows) !== 1)
          throw conflict(`Credential ${row.id} was revoked meanwhile`, { id: row.id })
        await appendAudit(trx, ctx, call, {
          action: 'credential.revoke',
          entityType: 'credential',
          entityId: row.id,
          details: {
            reason,
            assessmentId: row.assessment_id,
            statusList: list.url,
            statusIndex: row.status_index,
          },
        })
        if (keys) await signOwnedList(trx, ctx, list, keys.ed25519)
      })
      return summarize(db, await requireCredential(db, row.id))
    },

    'credentials.statusList': async ({ refresh }) => {
      await refreshOwnedLists(refresh)
      const rows = await db
        .selectFrom('status_list')
        .selectAll()
        .orderBy('owned', 'desc')
        .orderBy('created_at')
        .execute()
      const lists = []
      for (const r of rows) lists.push(await toStatusListInfo(db, r))
      return { lists }
    },

    'credentials.importStatusList': async ({ credential }) => {
      const trusted = new Set((await trustedIssuers(db)).map((t) => t.id))
      const row = await db
        .transaction()
        .execute((trx) => holdForeignStatusList(trx, ctx, credential, trusted))
      return toStatusListInfo(db, row)
    },

    'credentials.verify': async ({ source, email }) => {
      let input: VerifyInput
      if (source.kind === 'json') input = source.credential
      else if (source.kind === 'png') input = new Uint8Array(Buffer.from(source.dataBase64, 'base64'))
      else input = source.text
      return verifyHere(ctx, input, { email })
    },

    'credentials.verifierKit': async () => {
      await refreshOwnedLists(false)
      const now = ctx.now()
      const trust = await buildPublicKeysDocument(db, now)
      const html = verifierKitHtml({ bundle: await verifierBundle(), trust, generatedAt: now.toISOString() })
      const files = [
        { name: VERIFIER_KIT_FILE, mediaType: 'text/html', text: html },
        {
          name: 'trusted-keys.json',
          mediaType: 'application/json',
          text: JSON.stringify(trust, null, 2) + '\n',
        },
        ...trust.statusLists.map((l, i) => ({
          name: `status-list-${i + 1}.json`,
          mediaType: 'application/json',
          text: JSON.stringify(l, null, 2) + '\n',
        })),
      ]
      return { files }
    },
  }
}
