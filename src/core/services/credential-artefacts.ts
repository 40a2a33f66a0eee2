import type { CredentialArtefacts, CredentialSummary } from '../../contract/ops/credentials'
import { bakePng } from '../credentials/bake'
import { defaultBadgePng } from '../credentials/default-badge'
import type { Outcome } from '../domain/outcome'
import type * as CertificateModuleTypes from '../pdf/certificate'
import type { CertificateData, PageSize } from '../pdf/certificate'
import type { Tx } from './context'
import type { CredentialRow } from './credential-issue'
import { loadRubricVersion } from './rubric-store'

/**
 * What a person saves for a credential, made from the stored (signed, frozen) rows: the JSON and
 * the JWT exactly as signed, the badge image with the JSON baked in, and the PDF certificate.
 * Names on the certificate are the ones signed in the credential, so a later edit of the learner
 * never makes a certificate disagree with its badge (re-issue to change them).
 */

type Json = Record<string, unknown>
type CertificateModule = typeof CertificateModuleTypes

/** `urn:uuid:…` → the UUID: file names without colons, which Windows refuses. */
export const baseNameOf = (credentialId: string): string =>
  credentialId.replace(/^urn:uuid:/, '').replace(/[^\w.-]+/g, '_')

const str = (v: unknown): string => (typeof v === 'string' ? v : '')

// The credential JSON last parsed here: issuing one credential reads it for the summary, the certificate
// and the saved files (some 40 KB, a parse each). Same text, same value; read-only for every caller.
let lastParsed: { text: string; value: Json } | undefined

function credentialOf(row: CredentialRow): Json {
  if (lastParsed?.text !== row.json) lastParsed = { text: row.json, value: JSON.parse(row.json) as Json }
  return lastParsed.value
}

export function summaryOf(
  row: CredentialRow,
  listUrl: string,
  supersededById: string | null,
): CredentialSummary {
  const credential = credentialOf(row)
  const subject = (credential.credentialSubject ?? {}) as Json
  const achievement = (subject.achievement ?? {}) as Json
  return {
    id: row.id,
    baseName: baseNameOf(row.id),
    assessmentId: row.assessment_id,
    learnerId: row.learner_id,
    learnerName: str(subject.name),
    achievementId: row.achievement_id,
    achievementName: str(achievement.name),
    rubricVersionId: row.rubric_version_id,
    issuerId: row.issuer_id,
    issuedAt: row.issued_at,
    awardedAt: row.awarded_at,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    statusListUrl: listUrl,
    statusIndex: row.status_index,
    supersedesId: row.supersedes_id,
    supersededById,
    revokedAt: row.revoked_at,
    revocationReason: row.revocation_reason,
    deviceId: row.device_id,
  }
}

/** The achievement's PNG image with the credential baked in, or the default badge when it has none. */
export async function bakedBadge(tx: Tx, row: CredentialRow): Promise<Uint8Array> {
  const a = await tx
    .selectFrom('achievement')
    .select(['image', 'image_media_type'])
    .where('id', '=', row.achievement_id)
    .executeTakeFirst()
  if (a?.image && a.image_media_type === 'image/png') {
    try {
      return bakePng(new Uint8Array(a.image), row.json)
    } catch {
      // An image that is not a readable PNG: fall back to the default badge rather than fail.
    }
  }
  return bakePng(await defaultBadgePng(), row.json)
}

/** The facts one certificate page shows. */
export async function certificateData(tx: Tx, row: CredentialRow): Promise<CertificateData> {
  const credential = credentialOf(row)
  const subject = (credential.credentialSubject ?? {}) as Json
  const achievement = (subject.achievement ?? {}) as Json
  const issuer = (credential.issuer ?? {}) as Json
  const source = (subject.source ?? {}) as Json
  const assessment = await tx
    .selectFrom('assessment')
    .select('outcome')
    .where('id', '=', row.assessment_id)
    .executeTakeFirstOrThrow()
  const outcome = JSON.parse(assessment.outcome ?? '{}') as Outcome
  const version = await loadRubricVersion(tx, row.rubric_version_id)
  const org = await tx
    .selectFrom('organization')
    .select(['logo', 'logo_media_type'])
    .orderBy('created_at')
    .executeTakeFirst()
  const logo =
    org?.logo && (org.logo_media_type === 'image/png' || org.logo_media_type === 'image/jpeg')
      ? { data: new Uint8Array(org.logo), mediaType: org.logo_media_type }
      : undefined
  return {
    organization: { name: str(issuer.name), ...(logo ? { logo } : {}) },
    learnerName: str(subject.name),
    achievementName: str(achievement.name),
    ...(str(achievement.description) ? { achievementDescription: str(achievement.description) } : {}),
    issuedOn: row.valid_from,
    ...(row.valid_until ? { validUntil: row.valid_until } : {}),
    outcome: {
      passed: outcome.passed,
      total: outcome.total,
      maxTotal: outcome.maxTotal,
      percent: outcome.percent,
    },
    criteria: version.content.criteria.map((c, i) => {
      const o = outcome.criteria?.[i]
      return {
        title: c.title,
        levelLabel: c.levels.find((l) => l.id === o?.levelId)?.label ?? '—',
        points: o?.weighted ?? 0,
        maxPoints: o?.maxWeighted ?? 0,
        critical: c.critical,
      }
    }),
    assessorName: str(source.name),
    credentialId: row.id,
    issuerId: row.issuer_id,
    qrText: row.qr_token,
  }
}

// Loaded on first use: pdfkit and fontkit take some 0.4 s to load, which every start of the app (and
// of `tessera serve`) paid before its first screen (bench/cases/browser-start.ts). The promise is kept:
// a dynamic import() per certificate is a round trip to the module loader (a thread of its own under tsx).
let certificateModulePromise: Promise<CertificateModule> | undefined
const certificateModule = (): Promise<CertificateModule> =>
  (certificateModulePromise ??= import('../pdf/certificate').catch((e: unknown) => {
    certificateModulePromise = undefined
    throw e
  }))

export async function certificatesPdf(
  tx: Tx,
  rows: CredentialRow[],
  pageSize: PageSize,
  onProgress?: (done: number, total: number) => void,
): Promise<Uint8Array> {
  const pages: CertificateData[] = []
  for (const r of rows) pages.push(await certificateData(tx, r))
  const { renderCertificates } = await certificateModule()
  return renderCertificates(pages, { pageSize, onProgress })
}

export async function artefactsOf(
  tx: Tx,
  row: CredentialRow,
  opts: { withPdf: boolean; pageSize: PageSize },
): Promise<CredentialArtefacts> {
  const png = await bakedBadge(tx, row)
  const pdf = opts.withPdf ? await certificatesPdf(tx, [row], opts.pageSize) : null
  return {
    baseName: baseNameOf(row.id),
    json: JSON.stringify(credentialOf(row), null, 2) + '\n',
    jwt: row.jwt,
    pngBase64: Buffer.from(png).toString('base64'),
    pdfBase64: pdf ? Buffer.from(pdf).toString('base64') : null,
    qrToken: row.qr_token,
  }
}
