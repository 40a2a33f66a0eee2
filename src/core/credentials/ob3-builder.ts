/**
 * Builds the unsigned Open Badges 3.0 `OpenBadgeCredential` for one finalized assessment
 * (VC Data Model 2.0; mapping in ob3.md §1.7). Pure: data in, credential out, no I/O.
 *
 * Every credential leaving here has passed the official JSON Schema and the rubric consistency
 * rules (ob3.md decision 8); JSON-LD safe mode is enforced when it is signed (data-integrity.ts).
 *
 * Recording choices:
 * - Rubric version → `achievement.id` = one URI per rubric *version* and `achievement.version`.
 *   Its content hash and the Tessera rubric / achievement ids → `achievement.otherIdentifier[]`
 *   entries with `ext:` identifier types. IdentifierEntry is defined by the OB context and the
 *   schema allows `ext:…` types, so this passes both the schema and JSON-LD safe mode, and unlike a
 *   `tag` it stays machine-readable. (An unknown top-level property would fail safe mode.)
 * - Criteria/level ids that are not already URIs or UUIDs become name-based UUIDs (v5) under the
 *   rubric version, so they are stable, unique and valid URIs.
 * - Level `points` are weighted (points × criterion weight) so the RubricScore total is their sum.
 * - Evidence → `Evidence` with a `urn:uuid:` id and the file's SHA-256 in `digestSRI` (VC DM 2.0
 *   §5.3 "Integrity of Related Resources"; defined by the v2 context), never a data: URI.
 * - The learner's email (or external id) is hashed with a salt (`sha256$<hex>`), after trimming,
 *   lower-casing and NFC, so a verifier that is told the email can match it; the names are given in
 *   clear as a Profile (impl. guide "additional recipient profile information").
 * - All strings are NFC-normalized before anything is signed (ob3.md §8 pitfall 10).
 */
import { base64, hex } from '@scure/base'
import { v5 as uuidv5, validate as isUuidString } from 'uuid'
import { TesseraError, formatIssuePath, type ErrorIssue } from '../../contract/errors'
import type { RubricContent, RubricCriterion } from '../domain/rubric-types'
import { computeOutcome, type FailedRule, type Outcome } from '../domain/outcome'
import { OB_CONTEXT, OB_EXTENSIONS_CONTEXT, VC_V2_CONTEXT } from './document-loader'
import { addMonthsUtc, isoSeconds, toDate } from './date-time'
import { OB3_SCHEMA_URL, formatSchemaIssues, validateOb3Schema } from '../verify/ob3-schema'
import { ACHIEVEMENT_TYPES, checkRubricConsistency, formatNumber } from '../verify/rubric-consistency'
import { hashIdentity, normalizeEmail } from '../verify/identity-hash'

/** An image: a URL / data: URI, or bytes that become a data: URI (keep them small, ob3.md §5). */
export type ImageInput =
  | { url: string; caption?: string }
  | { data: Uint8Array; mediaType: 'image/png' | 'image/svg+xml'; caption?: string }

/** The OB 3.0 IdentifierTypeEnum values Tessera may hash, or an `ext:` type. */
export type IdentityType =
  | 'emailAddress'
  | 'identifier'
  | 'sourcedId'
  | 'sisSourcedId'
  | 'systemId'
  | 'accountId'
  | 'userName'
  | 'nationalIdentityNumber'
  | `ext:${string}`

export interface BadgeInput {
  /** The credential id: a UUID (→ `urn:uuid:…`) or an absolute URI. Keep it when re-issuing. */
  credentialId: string
  /** The issuing installation or organisation. */
  issuer: {
    /** `did:key:z6Mk…` of the Ed25519 key that will sign (keys.ts `issuerIdOf`). */
    id: string
    name: string
    url?: string | null
    email?: string | null
    description?: string | null
    image?: ImageInput | null
  }
  learner: {
    /** Tessera learner id (UUID) or a URI (e.g. a DID); becomes `credentialSubject.id`. */
    id: string
    givenName: string
    familyName?: string | null
    /** Hashed into `identifier[]` (identityType emailAddress); never emitted in clear. */
    email?: string | null
    /** Hashed instead of the email when the learner has none. */
    externalId?: string | null
    externalIdType?: Exclude<IdentityType, 'emailAddress'>
    /** Salt for the hashed identifier; 16 random bytes (hex) when omitted. */
    salt?: string
  }
  /** Who assessed: `credentialSubject.source`. */
  assessor: { id: string; name: string; email?: string | null }
  achievement: {
    /** Tessera achievement id (recorded as an otherIdentifier). */
    id: string
    name: string
    description: string
    /** Markdown shown as the criteria; the pass rule is appended. */
    criteriaNarrative?: string | null
    /** A page describing the criteria, if published. */
    criteriaUrl?: string | null
    /** OB achievementType; default 'Assessment'. */
    achievementType?: string
    image?: ImageInput | null
    tags?: string[]
    /** OB 3.0 Alignment objects, as stored with the achievement. */
    alignment?: Record<string, unknown>[]
    /** When set, `validUntil` = `validFrom` + this many calendar months. */
    validityMonths?: number | null
    /** BCP 47 language of the texts, e.g. 'en'. */
    inLanguage?: string | null
    rubric: {
      id: string
      /** The rubric version's id: becomes `achievement.id` (one Achievement per rubric version). */
      versionId: string
      version: number
      /** Hex SHA-256 of the version's canonical content. */
      contentHash: string
      content: RubricContent
      /** Previous version's id, linked as `related`. */
      previousVersionId?: string | null
    }
  }
  /** The level achieved on every criterion of the rubric. */
  scores: { criterionId: string; levelId: string }[]
  /** The outcome fixed at finalization (domain `computeOutcome`); must agree with the scores. */
  outcome: Pick<Outcome, 'passed' | 'total'>
  evidence?: EvidenceInput[]
  /** The assessor's overall comment, added as a narrative evidence entry. */
  assessorComment?: string | null
  dates: {
    /** Becomes `validFrom` (whole seconds). */
    issuedAt: Date | string
    /** Original award time, kept across re-issues (`awardedDate`); default issuedAt. */
    awardedAt?: Date | string | null
    activityStart?: Date | string | null
    activityEnd?: Date | string | null
  }
  /** Bitstring Status List slot reserved for this credential. */
  status?: { listUrl: string; index: number; purpose?: 'revocation' | 'suspension' } | null
  /** Credential display name; default the achievement name. */
  name?: string | null
  description?: string | null
}

export interface EvidenceInput {
  /** Tessera evidence id (UUID) or a URI. */
  id: string
  name?: string | null
  description?: string | null
  narrative?: string | null
  genre?: string | null
  audience?: string | null
  /** Hex SHA-256 of the evidence file. */
  sha256?: string | null
  mediaType?: string | null
}

export type OpenBadgeCredential = Record<string, unknown> & {
  '@context': string[]
  id: string
  type: string[]
  issuer: Record<string, unknown> & { id: string }
  validFrom: string
  credentialSubject: Record<string, unknown>
}

/** Builds and checks the unsigned credential. Throws `validation` with issues on any inconsistency. */
export function buildOpenBadgeCredential(input: BadgeInput): OpenBadgeCredential {
  const issues: ErrorIssue[] = []
  const fail = (path: (string | number)[], message: string): never => {
    throw new TesseraError(
      'validation',
      `Cannot build the credential: ${formatIssuePath(path)}: ${message}`,
      {
        issues: [{ path, message }],
      },
    )
  }

  const credentialId = toUri(input.credentialId, ['credentialId'], fail)
  if (!input.issuer.id.startsWith('did:key:z'))
    fail(['issuer', 'id'], 'must be the did:key of the signing Ed25519 key')
  const achievementUri = toUri(
    input.achievement.rubric.versionId,
    ['achievement', 'rubric', 'versionId'],
    fail,
  )
  const ns = isUuidString(input.achievement.rubric.versionId)
    ? input.achievement.rubric.versionId
    : uuidv5(achievementUri, uuidv5.URL)
  // Ids already usable as URIs are kept (traceable to Tessera records); slugs get a stable v5
  // UUID under the rubric version, so the same rubric version always yields the same ids.
  const localUri = (kind: string, local: string, path: (string | number)[]): string =>
    isUri(local) || isUuidString(local)
      ? toUri(local, path, fail)
      : `urn:uuid:${uuidv5(`${kind}:${local}`, ns)}`

  const validFromDate = toDate(input.dates.issuedAt, 'dates.issuedAt')
  const validFrom = isoSeconds(validFromDate)
  const months = input.achievement.validityMonths
  if (months != null && (!Number.isInteger(months) || months <= 0))
    fail(['achievement', 'validityMonths'], 'must be a positive whole number')

  const achievementType = input.achievement.achievementType ?? 'Assessment'
  if (!ACHIEVEMENT_TYPES.includes(achievementType) && !/^ext:[A-Za-z0-9._-]+$/.test(achievementType)) {
    fail(
      ['achievement', 'achievementType'],
      `"${achievementType}" is not an OB 3.0 achievement type or "ext:…"`,
    )
  }
  if (!/^[0-9a-f]{64}$/i.test(input.achievement.rubric.contentHash)) {
    fail(['achievement', 'rubric', 'contentHash'], 'must be a hex SHA-256')
  }

  // --- Rubric → ResultDescriptions, scores → Results. The pass/fail decision is the domain's
  // computeOutcome (the one every screen uses), so the credential cannot disagree with the app.
  const content = input.achievement.rubric.content
  const outcome = computeOutcome(content, input.scores)
  if (!outcome.passed) {
    fail(
      ['scores'],
      `the assessment does not pass its rubric (${outcome.failedRules.map(describeFailedRule).join('; ')})`,
    )
  }
  if (!input.outcome.passed)
    fail(['outcome', 'passed'], 'an Open Badge is only issued for a passed assessment')
  if (Math.abs(input.outcome.total - outcome.total) > 1e-9) {
    fail(
      ['outcome', 'total'],
      `is ${input.outcome.total} but the scores add up to ${formatNumber(outcome.total)}`,
    )
  }

  // Level ids need only be unique within their criterion ("not-yet" in every criterion), so a
  // level keeps its own id only when that id is a URI/UUID used once in the whole rubric.
  const levelIdCount = new Map<string, number>()
  for (const c of content.criteria)
    for (const l of c.levels) levelIdCount.set(l.id, (levelIdCount.get(l.id) ?? 0) + 1)
  const levelUri = (criterionId: string, levelId: string, path: (string | number)[]): string =>
    levelIdCount.get(levelId) === 1
      ? localUri('level', levelId, path)
      : `urn:uuid:${uuidv5(`level:${criterionId}:${levelId}`, ns)}`

  const resultDescriptions: Record<string, unknown>[] = []
  const results: Record<string, unknown>[] = []
  let valueMin = 0
  const criticalTexts: string[] = []

  content.criteria.forEach((c: RubricCriterion, i) => {
    const cPath = ['achievement', 'rubric', 'content', 'criteria', i]
    // Weighted, so that the RubricScore total is the sum of the achieved levels' points.
    const weighted = c.levels.map((l) => l.points * c.weight)
    const critUri = localUri('criterion', c.id, [...cPath, 'id'])
    const levels = c.levels.map((l, j) => ({
      id: levelUri(c.id, l.id, [...cPath, 'levels', j, 'id']),
      type: ['RubricCriterionLevel'],
      name: l.label,
      level: l.label,
      ...(l.description.trim() ? { description: l.description } : {}),
      points: formatNumber(weighted[j] as number),
    }))
    const rd: Record<string, unknown> = {
      id: critUri,
      type: ['ResultDescription'],
      name: c.title,
      resultType: 'RubricCriterionLevel',
      rubricCriterionLevel: levels,
    }
    if (c.critical) {
      // Same reading as computeOutcome: a critical criterion without minLevelId needs its lowest level.
      const requiredIndex = c.minLevelId == null ? 0 : c.levels.findIndex((l) => l.id === c.minLevelId)
      rd.requiredLevel = levels[requiredIndex]?.id
      criticalTexts.push(`**${c.levels[requiredIndex]?.label}** or better on "${c.title}"`)
    }
    resultDescriptions.push(rd)
    valueMin += Math.min(...weighted)
    const achieved = outcome.criteria[i]?.levelId
    const j = c.levels.findIndex((l) => l.id === achieved)
    results.push({ type: ['Result'], resultDescription: critUri, achievedLevel: levels[j]?.id })
  })

  const { passing } = content
  // Rounded down, so a total exactly at the pass mark never reads as below it.
  const requiredTotal =
    passing.unit === 'percent'
      ? Math.floor(((passing.minTotal * outcome.maxTotal) / 100) * 1e6 + 1e-6) / 1e6
      : passing.minTotal
  const total = outcome.total
  const valueMax = outcome.maxTotal

  const totalUri = `urn:uuid:${uuidv5('result:total', ns)}`
  const outcomeUri = `urn:uuid:${uuidv5('result:outcome', ns)}`
  resultDescriptions.push(
    {
      id: totalUri,
      type: ['ResultDescription'],
      name: 'Total rubric score',
      resultType: 'RubricScore',
      valueMin: formatNumber(valueMin),
      valueMax: formatNumber(valueMax),
      requiredValue: formatNumber(requiredTotal),
    },
    { id: outcomeUri, type: ['ResultDescription'], name: 'Assessment outcome', resultType: 'Status' },
  )
  results.push(
    { type: ['Result'], resultDescription: totalUri, value: formatNumber(total) },
    { type: ['Result'], resultDescription: outcomeUri, status: 'Completed' },
  )

  // --- Achievement
  const passText = [
    ...(criticalTexts.length ? [`Reach ${criticalTexts.join(', ')}.`] : []),
    `Score a total of at least ${formatNumber(requiredTotal)} of ${formatNumber(valueMax)} points${passing.unit === 'percent' ? ` (${formatNumber(passing.minTotal)}%)` : ''}.`,
  ].join(' ')
  const criteria_: Record<string, unknown> = {
    narrative: [input.achievement.criteriaNarrative?.trim(), passText].filter(Boolean).join('\n\n'),
  }
  if (input.achievement.criteriaUrl)
    criteria_.id = toUri(input.achievement.criteriaUrl, ['achievement', 'criteriaUrl'], fail)

  const rubric = input.achievement.rubric
  const achievement: Record<string, unknown> = {
    id: achievementUri,
    type: ['Achievement'],
    achievementType,
    name: input.achievement.name,
    description: input.achievement.description,
    criteria: criteria_,
    version: String(rubric.version),
    otherIdentifier: [
      {
        type: 'IdentifierEntry',
        identifier: `sha256:${rubric.contentHash.toLowerCase()}`,
        identifierType: 'ext:TesseraRubricContentHash',
      },
      {
        type: 'IdentifierEntry',
        identifier: toUri(rubric.id, ['achievement', 'rubric', 'id'], fail),
        identifierType: 'ext:TesseraRubricId',
      },
      {
        type: 'IdentifierEntry',
        identifier: toUri(input.achievement.id, ['achievement', 'id'], fail),
        identifierType: 'ext:TesseraAchievementId',
      },
    ],
    resultDescription: resultDescriptions,
  }
  if (input.achievement.image)
    achievement.image = image(input.achievement.image, ['achievement', 'image'], fail)
  if (input.achievement.tags?.length) achievement.tag = input.achievement.tags
  if (input.achievement.alignment?.length) achievement.alignment = input.achievement.alignment
  if (input.achievement.inLanguage) achievement.inLanguage = input.achievement.inLanguage
  if (rubric.previousVersionId) {
    achievement.related = [
      {
        id: toUri(rubric.previousVersionId, ['achievement', 'rubric', 'previousVersionId'], fail),
        type: ['Related'],
      },
    ]
  }

  // --- Subject
  const { learner } = input
  const subject: Record<string, unknown> = {
    id: toUri(learner.id, ['learner', 'id'], fail),
    type: ['AchievementSubject', 'Profile'],
    givenName: learner.givenName,
    ...(learner.familyName ? { familyName: learner.familyName } : {}),
    name: [learner.givenName, learner.familyName].filter(Boolean).join(' '),
  }
  const salt = learner.salt ?? hex.encode(crypto.getRandomValues(new Uint8Array(16)))
  const email = learner.email ? normalizeEmail(learner.email) : ''
  if (email) {
    subject.identifier = [hashedIdentity('emailAddress', email, salt)]
  } else if (learner.externalId?.trim()) {
    subject.identifier = [
      hashedIdentity(
        learner.externalIdType ?? 'identifier',
        learner.externalId.trim().normalize('NFC'),
        salt,
      ),
    ]
  }
  if (input.dates.activityStart)
    subject.activityStartDate = isoSeconds(toDate(input.dates.activityStart, 'dates.activityStart'))
  if (input.dates.activityEnd)
    subject.activityEndDate = isoSeconds(toDate(input.dates.activityEnd, 'dates.activityEnd'))
  subject.source = profile(
    input.assessor.id,
    input.assessor.name,
    { email: input.assessor.email },
    ['assessor'],
    fail,
  )
  subject.achievement = achievement
  subject.result = results

  // --- Credential
  const description = input.description ?? input.achievement.description
  const credential: OpenBadgeCredential = {
    // extensions.json defines 1EdTechJsonSchemaValidator2019 (credentialSchema); without it safe mode fails.
    '@context': [VC_V2_CONTEXT, OB_CONTEXT, OB_EXTENSIONS_CONTEXT],
    id: credentialId,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: input.name ?? input.achievement.name,
    ...(description ? { description } : {}),
    issuer: profile(input.issuer.id, input.issuer.name, input.issuer, ['issuer'], fail),
    validFrom,
    awardedDate: isoSeconds(toDate(input.dates.awardedAt ?? input.dates.issuedAt, 'dates.awardedAt')),
    credentialSubject: subject,
    credentialSchema: [{ id: OB3_SCHEMA_URL, type: '1EdTechJsonSchemaValidator2019' }],
  }
  if (months != null) credential.validUntil = isoSeconds(addMonthsUtc(validFromDate, months))

  const evidence = (input.evidence ?? []).map((e, i) => evidenceEntry(e, ['evidence', i], fail))
  if (input.assessorComment?.trim()) {
    evidence.push({
      type: ['Evidence'],
      name: 'Assessor comment',
      genre: 'Observation',
      narrative: input.assessorComment.trim(),
    })
  }
  if (evidence.length) credential.evidence = evidence

  if (input.status) {
    const { listUrl, index, purpose = 'revocation' } = input.status
    if (!/^https?:\/\//.test(listUrl)) fail(['status', 'listUrl'], 'must be an http(s) URL')
    if (!Number.isInteger(index) || index < 0)
      fail(['status', 'index'], 'must be a non-negative whole number')
    credential.credentialStatus = {
      id: `${listUrl}#${index}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: purpose,
      statusListIndex: String(index),
      statusListCredential: listUrl,
    }
  }

  const out = normalizeStrings(credential) as OpenBadgeCredential

  // --- Self-checks: never hand out a credential a verifier would reject.
  const schemaIssues = validateOb3Schema(out)
  for (const s of schemaIssues)
    issues.push({ path: ['credential', ...s.path.split('/').filter(Boolean)], message: s.message })
  for (const r of checkRubricConsistency(out))
    issues.push({ path: r.path, message: `rubric rule ${r.rule}: ${r.message}` })
  if (issues.length) {
    throw new TesseraError(
      'validation',
      `The built credential is not valid: ${schemaIssues.length ? formatSchemaIssues(schemaIssues) : issues.map((i) => i.message).join('; ')}`,
      { issues },
    )
  }
  return out
}

function describeFailedRule(r: FailedRule): string {
  switch (r.rule) {
    case 'min_total':
      return `total ${r.actual}${r.unit === 'percent' ? '%' : ''} is below the required ${r.required}${r.unit === 'percent' ? '%' : ''}`
    case 'critical_criterion':
      return `"${r.criterionTitle}" reached ${r.achievedLevelLabel}, below the required ${r.requiredLevelLabel}`
    case 'incomplete':
      return `criteria not scored: ${r.missingCriterionIds.join(', ')}`
    case 'unknown_level':
      return `level ${r.levelId} is not a level of criterion ${r.criterionId}`
    case 'unknown_criterion':
      return `${r.criterionId} is not a criterion of this rubric`
    case 'duplicate_score':
      return `criterion ${r.criterionId} is scored more than once`
    case 'invalid_rubric':
      return `the rubric is invalid: ${r.problems.join('; ')}`
  }
}

function hashedIdentity(identityType: IdentityType, value: string, salt: string): Record<string, unknown> {
  return { type: 'IdentityObject', identityType, hashed: true, identityHash: hashIdentity(value, salt), salt }
}

type Fail = (path: (string | number)[], message: string) => never

function profile(
  id: string,
  name: string,
  extra: {
    url?: string | null
    email?: string | null
    description?: string | null
    image?: ImageInput | null
  },
  path: (string | number)[],
  fail: Fail,
): Record<string, unknown> & { id: string } {
  if (!name.trim()) fail([...path, 'name'], 'is required')
  const p: Record<string, unknown> & { id: string } = {
    id: toUri(id, [...path, 'id'], fail),
    type: ['Profile'],
    name,
  }
  if (extra.url) p.url = extra.url
  if (extra.email) p.email = extra.email
  if (extra.description) p.description = extra.description
  if (extra.image) p.image = image(extra.image, [...path, 'image'], fail)
  return p
}

function image(img: ImageInput, path: (string | number)[], fail: Fail): Record<string, unknown> {
  const id = 'url' in img ? img.url : `data:${img.mediaType};base64,${base64.encode(img.data)}`
  if (!isUri(id)) fail(path, 'must be a URL or data: URI')
  return { id, type: 'Image', ...(img.caption ? { caption: img.caption } : {}) }
}

function evidenceEntry(e: EvidenceInput, path: (string | number)[], fail: Fail): Record<string, unknown> {
  if (e.id.startsWith('data:')) fail([...path, 'id'], 'must not be a data: URI (ob3.md §1.8)')
  const out: Record<string, unknown> = { id: toUri(e.id, [...path, 'id'], fail), type: ['Evidence'] }
  for (const k of ['name', 'description', 'narrative', 'genre', 'audience', 'mediaType'] as const) {
    const v = e[k]
    if (v) out[k] = v
  }
  if (e.sha256) {
    if (!/^[0-9a-f]{64}$/i.test(e.sha256)) fail([...path, 'sha256'], 'must be a hex SHA-256')
    out.digestSRI = 'sha256-' + base64.encode(hex.decode(e.sha256.toLowerCase()))
  }
  return out
}

const isUri = (s: string): boolean => /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(s)

function toUri(id: string, path: (string | number)[], fail: Fail): string {
  if (isUuidString(id)) return `urn:uuid:${id.toLowerCase()}`
  if (isUri(id)) return id
  return fail(path, `"${id}" is neither a UUID nor an absolute URI`)
}

function normalizeStrings(v: unknown): unknown {
  if (typeof v === 'string') return v.normalize('NFC')
  if (Array.isArray(v)) return v.map(normalizeStrings)
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, val] of Object.entries(v)) if (val !== undefined) out[k] = normalizeStrings(val)
    return out
  }
  return v
}
