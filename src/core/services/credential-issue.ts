import type { Selectable } from 'kysely'
import { conflict, invalid, notFound, TesseraError } from '../../contract/errors'
import { issuerIdOf, type IssuerKeys } from '../crypto/keys'
import type { BadgeInput, ImageInput } from '../credentials/ob3-builder'
import { signDocument } from '../credentials/data-integrity'
import { signVcJwt } from '../credentials/vc-jwt'
import { signQrToken } from '../credentials/qr-token'
import { statusEntry } from '../credentials/status-list'
import { isoSeconds } from '../credentials/date-time'
import { loadOnFirstUse } from '../credentials/load-on-first-use'
import type { AssessmentTable, CredentialTable } from '../db/schema'
import { newId } from '../domain/ids'
import type { Outcome } from '../domain/outcome'
import { appendAudit } from './audit'
import { isoNow, type CallContext, type ServiceContext, type Tx } from './context'
import { loadRubricVersion } from './rubric-store'
import { reserveStatusSlot, signOwnedList } from './status-lists'

/**
 * Issuing one credential for one assessment: the rules (finalized, passed, not voided, not
 * replaced by a correction), the Open Badge built from the stored records, its three signatures
 * (Data Integrity JSON, VC-JWT, QR token) and the row, all inside the caller's transaction.
 */

export type CredentialRow = Selectable<CredentialTable>
type AssessmentRow = Selectable<AssessmentTable>

// The badge builder and the OB 3.0 schema validator (generated, some 260 KB) are loaded by the first
// credential issued, not by every start.
const loadBadgeCode = loadOnFirstUse('credential-issuing', async () => {
  const [builder, schema] = await Promise.all([
    import('../credentials/ob3-builder'),
    import('../verify/ob3-schema'),
  ])
  return { ...builder, ...schema }
})

/** Images above this size are not embedded in the credential (they would bloat every copy of it). */
const MAX_EMBEDDED_IMAGE_BYTES = 64 * 1024

/** Throws a clear error unless the assessment may carry a credential. */
export async function requireIssuable(
  tx: Tx,
  assessmentId: string,
): Promise<{ row: AssessmentRow; outcome: Outcome }> {
  const row = await tx.selectFrom('assessment').selectAll().where('id', '=', assessmentId).executeTakeFirst()
  if (!row) throw notFound('Assessment', assessmentId)
  if (row.state === 'draft') {
    throw conflict(`Assessment ${assessmentId} is a draft: finalize it before issuing a credential`, {
      id: assessmentId,
      state: row.state,
    })
  }
  if (row.state === 'voided') {
    throw conflict(
      `Assessment ${assessmentId} was voided on ${row.voided_at} (${row.void_reason}): no credential can be issued for it`,
      {
        id: assessmentId,
        state: row.state,
      },
    )
  }
  const outcome = JSON.parse(row.outcome ?? 'null') as Outcome | null
  if (!outcome?.passed) {
    throw invalid(
      `Assessment ${assessmentId} did not pass (${outcome ? `${outcome.total} of ${outcome.maxTotal} points` : 'no outcome'}): credentials are only issued for a pass`,
      [{ path: ['assessmentId'], message: 'the assessment did not pass' }],
    )
  }
  const correction = await tx
    .selectFrom('assessment')
    .select(['id'])
    .where('supersedes_id', '=', assessmentId)
    .where('state', '=', 'finalized')
    .executeTakeFirst()
  if (correction) {
    throw conflict(
      `Assessment ${assessmentId} was corrected by assessment ${correction.id}: issue the correction instead`,
      {
        id: assessmentId,
        correctionId: correction.id,
      },
    )
  }
  return { row, outcome }
}

/** The credential of an assessment that is not revoked, if any. */
export async function activeCredentialOf(tx: Tx, assessmentId: string): Promise<CredentialRow | undefined> {
  return tx
    .selectFrom('credential')
    .selectAll()
    .where('assessment_id', '=', assessmentId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
}

export async function latestCredentialOf(tx: Tx, assessmentId: string): Promise<CredentialRow | undefined> {
  return tx
    .selectFrom('credential')
    .selectAll()
    .where('assessment_id', '=', assessmentId)
    .orderBy('issued_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst()
}

function imageInput(
  image: { mediaType: string; bytes: Uint8Array } | null,
  caption: string,
): ImageInput | null {
  if (!image || image.bytes.length > MAX_EMBEDDED_IMAGE_BYTES) return null
  if (image.mediaType !== 'image/png' && image.mediaType !== 'image/svg+xml') return null
  return { data: image.bytes, mediaType: image.mediaType, caption }
}

/** Assembles the builder's input from the stored (frozen) records of a finalized assessment. */
async function badgeInput(
  tx: Tx,
  assessment: AssessmentRow,
  outcome: Outcome,
  opts: { credentialUuid: string; issuerId: string; issuedAt: Date; awardedAt: string },
): Promise<{ input: BadgeInput; achievementId: string }> {
  const org = await tx.selectFrom('organization').selectAll().orderBy('created_at').executeTakeFirst()
  if (!org) throw new TesseraError('not_found', 'The organization is not set up yet: run `tessera init`')
  const learner = await tx
    .selectFrom('learner')
    .selectAll()
    .where('id', '=', assessment.learner_id)
    .executeTakeFirstOrThrow()
  const assessor = await tx
    .selectFrom('assessor')
    .selectAll()
    .where('id', '=', assessment.assessor_id)
    .executeTakeFirstOrThrow()
  const version = await loadRubricVersion(tx, assessment.rubric_version_id)
  const previous = await tx
    .selectFrom('rubric_version')
    .select('id')
    .where('rubric_id', '=', version.rubricId)
    .where('version', '<', version.version)
    .orderBy('version', 'desc')
    .executeTakeFirst()
  const scores = await tx
    .selectFrom('assessment_score')
    .select(['criterion_id', 'level_id'])
    .where('assessment_id', '=', assessment.id)
    .execute()
  const evidence = await tx
    .selectFrom('evidence')
    .selectAll()
    .where('assessment_id', '=', assessment.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  const a = version.achievement
  const input: BadgeInput = {
    credentialId: opts.credentialUuid,
    issuer: {
      id: opts.issuerId,
      name: org.name,
      url: org.url,
      email: org.email,
      description: org.description,
      image: imageInput(
        org.logo && org.logo_media_type ? { mediaType: org.logo_media_type, bytes: org.logo } : null,
        `${org.name} logo`,
      ),
    },
    learner: {
      id: learner.id,
      givenName: learner.given_name,
      familyName: learner.family_name || null,
      email: learner.email,
      externalId: learner.external_id,
    },
    assessor: { id: assessor.id, name: assessor.name, email: assessor.email },
    achievement: {
      id: a.id,
      name: a.name,
      description: a.description.trim() || a.name,
      criteriaNarrative: a.criteriaNarrative || null,
      achievementType: a.achievementType,
      image: imageInput(a.image, a.name),
      tags: a.tags,
      alignment: a.alignment.map((al) => {
        const out: Record<string, unknown> = {
          type: ['Alignment'],
          targetName: al.targetName,
          targetUrl: al.targetUrl,
        }
        for (const k of ['targetCode', 'targetDescription', 'targetFramework', 'targetType'] as const)
          if (al[k]) out[k] = al[k]
        return out
      }),
      validityMonths: a.validityMonths,
      rubric: {
        id: version.rubricId,
        versionId: version.id,
        version: version.version,
        contentHash: version.contentHash,
        content: version.content,
        previousVersionId: previous?.id ?? null,
      },
    },
    scores: scores
      .filter((s) => s.level_id !== null)
      .map((s) => ({ criterionId: s.criterion_id, levelId: s.level_id! })),
    outcome: { passed: outcome.passed, total: outcome.total },
    evidence: evidence.map((e) => ({
      id: e.id,
      name: e.filename,
      sha256: e.sha256,
      mediaType: e.media_type,
    })),
    assessorComment: assessment.overall_comment || null,
    dates: { issuedAt: opts.issuedAt, awardedAt: opts.awardedAt },
  }
  return { input, achievementId: a.id }
}

export interface IssueOneOptions {
  keys: IssuerKeys
  /** The credential this one replaces (revoked in the same transaction). */
  supersedes?: CredentialRow
  reason?: string
}

/** Builds, signs and stores one credential; the caller's transaction makes it all or nothing. */
export async function issueOne(
  trx: Tx,
  ctx: ServiceContext,
  call: CallContext | undefined,
  assessmentId: string,
  opts: IssueOneOptions,
): Promise<CredentialRow> {
  const { buildOpenBadgeCredential, validateOb3Schema, formatSchemaIssues } = await loadBadgeCode()
  const { row: assessment, outcome } = await requireIssuable(trx, assessmentId)
  const { keys } = opts
  const issuerId = issuerIdOf(keys.ed25519)
  const issuedAt = ctx.now()
  const uuid = newId()
  const id = `urn:uuid:${uuid}`
  const awardedAt = opts.supersedes?.awarded_at ?? assessment.finalized_at ?? isoNow(ctx)
  const { input, achievementId } = await badgeInput(trx, assessment, outcome, {
    credentialUuid: uuid,
    issuerId,
    issuedAt,
    awardedAt,
  })

  const { list, index } = await reserveStatusSlot(trx, ctx, call)
  const built = buildOpenBadgeCredential(input)
  // The builder only accepts http(s) list URLs; an installation without a web address uses a
  // urn:uuid list id (docs/credentials.md), so the status entry is added here and checked again.
  const unsigned: Record<string, unknown> & typeof built = {
    ...built,
    credentialStatus: statusEntry(list.url, index, list.purpose),
  }
  const schemaIssues = validateOb3Schema(unsigned)
  if (schemaIssues.length)
    throw new TesseraError(
      'internal',
      `The credential does not match the OB 3.0 schema: ${formatSchemaIssues(schemaIssues)}`,
    )

  const signed = await signDocument(unsigned, keys.ed25519.privateJwk, { created: issuedAt })
  const jwt = await signVcJwt(unsigned, keys.p256)
  const learnerName = String((unsigned.credentialSubject as { name?: unknown }).name ?? '')
  const qrToken = await signQrToken(
    {
      credentialId: id,
      learnerName,
      achievementName: input.achievement.name,
      date: isoSeconds(new Date(awardedAt)).slice(0, 10),
      outcome: 'passed',
    },
    keys.ed25519,
  )

  const now = isoNow(ctx)
  if (opts.supersedes) {
    const why = `Superseded by ${id}${opts.reason ? `: ${opts.reason}` : ''}`
    if (opts.supersedes.revoked_at === null) {
      await trx
        .updateTable('credential')
        .set({ revoked_at: now, revocation_reason: why, updated_at: now })
        .where('id', '=', opts.supersedes.id)
        .execute()
      await appendAudit(trx, ctx, call, {
        action: 'credential.revoke',
        entityType: 'credential',
        entityId: opts.supersedes.id,
        details: { reason: why, supersededBy: id },
      })
    }
  }
  const row: CredentialRow = {
    id,
    device_id: ctx.deviceId,
    created_at: now,
    updated_at: now,
    assessment_id: assessment.id,
    learner_id: assessment.learner_id,
    achievement_id: achievementId,
    rubric_version_id: assessment.rubric_version_id,
    issuer_id: issuerId,
    issued_at: now,
    awarded_at: String(unsigned.awardedDate ?? awardedAt),
    valid_from: unsigned.validFrom,
    valid_until: typeof unsigned.validUntil === 'string' ? unsigned.validUntil : null,
    status_list_id: list.id,
    status_index: index,
    json: JSON.stringify(signed),
    jwt,
    qr_token: qrToken,
    supersedes_id: opts.supersedes?.id ?? null,
    revoked_at: null,
    revocation_reason: null,
  }
  await trx.insertInto('credential').values(row).execute()
  await appendAudit(trx, ctx, call, {
    action: 'credential.issue',
    entityType: 'credential',
    entityId: id,
    details: {
      assessmentId: assessment.id,
      learnerId: assessment.learner_id,
      achievementId,
      rubricVersionId: assessment.rubric_version_id,
      issuerId,
      statusList: list.url,
      statusIndex: index,
      validUntil: row.valid_until,
      supersedes: row.supersedes_id,
      ...(opts.reason ? { reason: opts.reason } : {}),
    },
  })

  // The list's signed copy must exist before a credential pointing to it leaves this machine, and
  // must show the superseded credential as revoked; lists of other devices are signed there.
  const touched = new Set<string>()
  if (list.signed_json === null) touched.add(list.id)
  if (opts.supersedes && opts.supersedes.revoked_at === null) touched.add(opts.supersedes.status_list_id)
  for (const listId of touched) {
    const l = await trx
      .selectFrom('status_list')
      .selectAll()
      .where('id', '=', listId)
      .executeTakeFirstOrThrow()
    if (l.owned === 1) await signOwnedList(trx, ctx, l, keys.ed25519)
  }
  return row
}
