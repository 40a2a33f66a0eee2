import { z } from 'zod'
import { defineOps } from '../define'
import { base64, email, empty, id, page, requiredText } from '../schemas/common'

/**
 * Issuer keys, credentials (Open Badges 3.0), revocation, status lists and verification.
 * Artefacts (badge JSON, VC-JWT, baked PNG, PDF certificate) cross as text or base64 so every
 * front end can save them where the person chooses (see docs/credentials.md).
 */

const keyType = z.enum(['Ed25519', 'P-256'])
export const pageSize = z.enum(['A4', 'LETTER'], { message: 'must be A4 or LETTER' })

export const issuerKeyInfo = z.object({
  kid: z.string(),
  type: keyType,
  /** did:key of the Ed25519 key of this key's generation: the issuer id its credentials carry. */
  issuerId: z.string(),
  /** First 24 characters of the kid in groups of four, for people to compare. */
  fingerprint: z.string(),
  createdAt: z.string(),
  retiredAt: z.string().nullable(),
  deviceId: z.string(),
  /** The private key is held (encrypted) here: this installation signs with it. */
  canSign: z.boolean(),
  publicJwk: z.record(z.string(), z.unknown()),
})
export type IssuerKeyInfo = z.output<typeof issuerKeyInfo>

export const trustedKeyInfo = z.object({
  kid: z.string(),
  type: keyType,
  issuerId: z.string(),
  fingerprint: z.string(),
  ownerName: z.string(),
  ownerUrl: z.string().nullable(),
  retiredAt: z.string().nullable(),
  importedAt: z.string(),
})
export type TrustedKeyInfo = z.output<typeof trustedKeyInfo>

export const credentialSummary = z.object({
  /** `urn:uuid:…` */
  id: z.string(),
  /** The file name stem used for this credential's artefacts (the UUID). */
  baseName: z.string(),
  assessmentId: z.string(),
  learnerId: z.string(),
  /** As signed in the credential (a later name fix does not change it: re-issue instead). */
  learnerName: z.string(),
  achievementId: z.string(),
  achievementName: z.string(),
  rubricVersionId: z.string(),
  issuerId: z.string(),
  issuedAt: z.string(),
  awardedAt: z.string(),
  validFrom: z.string(),
  validUntil: z.string().nullable(),
  statusListUrl: z.string(),
  statusIndex: z.number(),
  supersedesId: z.string().nullable(),
  supersededById: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revocationReason: z.string().nullable(),
  deviceId: z.string(),
})
export type CredentialSummary = z.output<typeof credentialSummary>

/** Everything a person saves for one credential. */
export const credentialArtefacts = z.object({
  baseName: z.string(),
  /** The signed credential (Data Integrity proof), pretty-printed JSON: `<baseName>.json`. */
  json: z.string(),
  /** The VC-JWT (ES256): `<baseName>.jwt`. */
  jwt: z.string(),
  /** The badge image with the JSON credential baked in: `<baseName>.png`. */
  pngBase64: z.string(),
  /** The PDF certificate with the QR token: `<baseName>.pdf` (only when asked for). */
  pdfBase64: z.string().nullable(),
  qrToken: z.string(),
})
export type CredentialArtefacts = z.output<typeof credentialArtefacts>

export const checkName = z.enum([
  'format',
  'schema',
  'proof',
  'dates',
  'status',
  'rubric',
  'issuer',
  'recipient',
])
export const verificationReport = z.object({
  verified: z.boolean(),
  kind: z.enum(['json', 'jwt', 'png', 'svg', 'qr-token', 'unknown']),
  embedded: z.enum(['json', 'jwt']).optional(),
  credentialId: z.string().nullable(),
  credential: z.record(z.string(), z.unknown()).optional(),
  qrToken: z
    .object({
      credentialId: z.string(),
      learnerName: z.string(),
      achievementName: z.string(),
      date: z.string(),
      outcome: z.enum(['passed', 'failed']),
      issuerId: z.string(),
      truncated: z.boolean(),
    })
    .optional(),
  issuer: z.object({ id: z.string(), name: z.string().optional(), trusted: z.boolean() }).optional(),
  checks: z.array(
    z.object({
      name: checkName,
      status: z.enum(['passed', 'failed', 'skipped', 'warning']),
      message: z.string(),
    }),
  ),
  /** What this installation's own records say about the credential, when it holds it. */
  held: z
    .object({
      revokedAt: z.string().nullable(),
      revocationReason: z.string().nullable(),
      issuedHere: z.boolean(),
    })
    .nullable(),
  /** The clock the dates were checked against. */
  checkedAt: z.string(),
})
export type VerificationReportOutput = z.output<typeof verificationReport>

export const statusListInfo = z.object({
  id: z.string(),
  url: z.string(),
  purpose: z.enum(['revocation', 'suspension']),
  size: z.number(),
  owned: z.boolean(),
  issuerId: z.string().nullable(),
  signedAt: z.string().nullable(),
  /** Owned lists: credentials issued / revoked on it. */
  issued: z.number().nullable(),
  revoked: z.number().nullable(),
  /** The latest signed BitstringStatusListCredential held. */
  credential: z.record(z.string(), z.unknown()).nullable(),
})
export type StatusListInfo = z.output<typeof statusListInfo>

const textFile = z.object({ name: z.string(), mediaType: z.string(), text: z.string() })

export const keysOps = defineOps({
  'keys.list': {
    summary:
      "This organization's issuer keys (current and retired) and the other organizations' keys trusted here",
    readonly: true,
    input: empty,
    output: z.object({
      /** The issuer id new credentials are signed as; null before the keys exist. */
      currentIssuerId: z.string().nullable(),
      keys: z.array(issuerKeyInfo),
      trusted: z.array(trustedKeyInfo),
    }),
  },
  'keys.rotate': {
    summary: 'Make new issuer keys; the old ones are retired but still verify the credentials they signed',
    input: z.object({ reason: z.string().max(500).optional() }).default({}),
    output: z.object({ issuerId: z.string(), keys: z.array(issuerKeyInfo), retired: z.array(z.string()) }),
  },
  'keys.exportPublic': {
    summary:
      "The public keys (and signed status lists) other installations and verifiers need to trust this organization's credentials",
    readonly: true,
    input: empty,
    output: z.object({ fileName: z.string(), document: z.record(z.string(), z.unknown()) }),
  },
  'keys.importPublic': {
    summary: "Trust another organization's (or the hub's) issuer keys, from its export-public file",
    input: z.object({ document: z.unknown() }),
    output: z.object({
      organization: z.string(),
      imported: z.array(trustedKeyInfo),
      unchanged: z.number(),
      statusLists: z.number(),
    }),
  },
})

export const credentialsOps = defineOps({
  'credentials.issue': {
    summary:
      'Issue the Open Badge for a finalized, passing assessment (or return the one already issued); --reissue replaces it',
    input: z.object({
      assessmentId: id,
      /** Make a new credential that supersedes (and revokes) the current one, e.g. after a name fix. */
      reissue: z.boolean().default(false),
      reason: z.string().max(500).optional(),
      withPdf: z.boolean().default(false),
      pageSize: pageSize.default('A4'),
    }),
    output: z.object({
      credential: credentialSummary,
      /** False: the assessment already had this credential; nothing new was signed. */
      created: z.boolean(),
      supersededId: z.string().nullable(),
      artefacts: credentialArtefacts,
    }),
  },
  'credentials.issueCohort': {
    summary:
      "Issue every finalized, passing, not yet issued assessment of a cohort's learners; one combined PDF of the new certificates",
    progress: true,
    input: z.object({
      cohort: requiredText(200),
      withPdf: z.boolean().default(true),
      pageSize: pageSize.default('A4'),
    }),
    output: z.object({
      cohort: z.object({ id: z.string(), name: z.string() }),
      issued: z.array(credentialSummary),
      skipped: z.array(z.object({ assessmentId: z.string(), learnerName: z.string(), reason: z.string() })),
      /** One page per newly issued credential, in the order of `issued`. */
      combinedPdfBase64: z.string().nullable(),
    }),
  },
  'credentials.list': {
    summary: 'Issued credentials, newest first',
    readonly: true,
    input: page
      .extend({
        learnerId: id.optional(),
        achievementId: id.optional(),
        assessmentId: id.optional(),
        revoked: z.boolean().optional(),
      })
      .default({ limit: 50, offset: 0 }),
    output: z.object({
      items: z.array(credentialSummary),
      total: z.number(),
      limit: z.number(),
      offset: z.number(),
    }),
  },
  'credentials.get': {
    summary: 'One credential: its facts, the signed JSON, the VC-JWT, the QR token and its history',
    readonly: true,
    input: z.object({ id }),
    output: credentialSummary.extend({
      credential: z.record(z.string(), z.unknown()),
      jwt: z.string(),
      qrToken: z.string(),
      history: z.array(
        z.object({
          at: z.string(),
          actor: z.string(),
          action: z.string(),
          details: z.record(z.string(), z.unknown()),
        }),
      ),
    }),
  },
  'credentials.files': {
    summary: "A credential's files for saving: JSON, VC-JWT, baked PNG and (optionally) the PDF certificate",
    readonly: true,
    input: z.object({ id, withPdf: z.boolean().default(true), pageSize: pageSize.default('A4') }),
    output: credentialArtefacts,
  },
  'credentials.certificatePdf': {
    summary: 'PDF certificates of one or more credentials, one page each, in one file',
    readonly: true,
    progress: true,
    input: z.object({
      ids: z.array(id).min(1, 'needs at least one credential id').max(5000),
      pageSize: pageSize.default('A4'),
    }),
    output: z.object({ pdfBase64: z.string(), pages: z.number() }),
  },
  'credentials.revoke': {
    summary: 'Revoke a credential (audited); the signed status list is updated so verifiers see it',
    input: z.object({ id, reason: requiredText(500) }),
    output: credentialSummary,
  },
  'credentials.statusList': {
    summary:
      'The status lists held here with their latest signed copies (own lists are re-signed when stale or asked)',
    input: z.object({ refresh: z.boolean().default(false) }).default({ refresh: false }),
    output: z.object({ lists: z.array(statusListInfo) }),
  },
  'credentials.importStatusList': {
    summary:
      "Hold another issuer's signed status list (BitstringStatusListCredential) to check revocation offline",
    input: z.object({ credential: z.record(z.string(), z.unknown()) }),
    output: statusListInfo,
  },
  'credentials.verify': {
    summary:
      'Verify a credential: JSON, VC-JWT, baked PNG/SVG or QR token; every check named with its result',
    readonly: true,
    input: z.object({
      source: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('json'), credential: z.record(z.string(), z.unknown()) }),
        z.object({ kind: z.literal('png'), dataBase64: base64 }),
        /** JSON text, a VC-JWT, SVG text or a QR token: recognised by content. */
        z.object({ kind: z.literal('text'), text: z.string().min(1, 'is empty').max(20_000_000) }),
        z.object({ kind: z.literal('qr'), text: z.string().min(1, 'is empty').max(4000) }),
      ]),
      email,
    }),
    output: verificationReport,
  },
  'credentials.verifierKit': {
    summary:
      "A self-contained offline verifier (one HTML file) with this organization's public keys and signed status lists",
    input: empty,
    output: z.object({ files: z.array(textFile) }),
  },
})
