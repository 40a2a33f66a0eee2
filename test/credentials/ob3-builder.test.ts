import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { canonicalize } from '../../src/core/credentials/canonicalize'
import { buildOpenBadgeCredential, type BadgeInput } from '../../src/core/credentials/ob3-builder'
import { computeOutcome } from '../../src/core/domain/outcome'
import type { RubricContent } from '../../src/core/domain/rubric-types'
import { validateOb3Schema } from '../../src/core/verify/ob3-schema'
import { checkRubricConsistency } from '../../src/core/verify/rubric-consistency'
import { forkliftRubric, rubricHash, sampleBadgeInput } from './fixtures'

// Tests reach deep into credential JSON; typing every path would hide the intent.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>

/** The three properties every emitted credential must have. */
async function expectIssuable(credential: Obj): Promise<void> {
  expect(validateOb3Schema(credential)).toEqual([])
  expect(checkRubricConsistency(credential)).toEqual([])
  const nquads = await canonicalize(credential)
  expect(nquads.length).toBeGreaterThan(0)
}

const slugRubric: RubricContent = {
  criteria: [
    {
      id: 'c1',
      title: 'صيانة الدائرة', // Arabic title
      description: '',
      weight: 1.5,
      critical: true,
      minLevelId: null, // critical without minLevelId: must reach the lowest level, i.e. be scored
      levels: [
        { id: 'l1', label: 'ضعيف', description: '', points: 0.5 },
        { id: 'l2', label: 'جيد', description: '', points: 1 },
      ],
    },
    {
      id: 'c2',
      title: '配線',
      description: '',
      weight: 0,
      critical: false,
      minLevelId: null,
      levels: [{ id: 'l1', label: '可', description: '', points: 1 }],
    },
  ],
  passing: { minTotal: 0.75, unit: 'points' },
}

const variants: [string, () => Promise<BadgeInput>][] = [
  ['the sample (email, weights, percent rule, status, evidence)', () => sampleBadgeInput()],
  [
    'a learner with an external id only, no status, no validity period',
    async () => {
      const base = await sampleBadgeInput({
        learner: { email: null, externalId: ' STU-00042 ', familyName: null, givenName: 'Ayşe' },
      })
      return {
        ...base,
        status: null,
        evidence: [],
        assessorComment: null,
        achievement: { ...base.achievement, validityMonths: null },
      }
    },
  ],
  [
    'a learner with neither email nor external id, URIs as ids, images',
    async () => {
      const base = await sampleBadgeInput({
        learner: { id: 'did:example:learner-7', email: null, externalId: null, givenName: 'Kwame' },
      })
      return {
        ...base,
        credentialId: 'https://credentials.northside.example/c/7',
        issuer: {
          ...base.issuer,
          image: { data: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), mediaType: 'image/png' as const },
        },
        achievement: {
          ...base.achievement,
          image: { url: 'https://northside.example/badges/forklift.png', caption: 'Forklift badge' },
        },
      }
    },
  ],
  [
    'slug ids, an Arabic/CJK rubric, decimal weights, a zero-weight criterion, points pass mark',
    async () => {
      const scores = [
        { criterionId: 'c1', levelId: 'l2' },
        { criterionId: 'c2', levelId: 'l1' },
      ]
      const base = await sampleBadgeInput({
        rubric: slugRubric,
        scores,
        learner: { givenName: '王', familyName: '小明', email: '王@例え.jp' },
      })
      return {
        ...base,
        achievement: {
          ...base.achievement,
          achievementType: 'ext:PracticalSkill',
          rubric: { ...base.achievement.rubric, previousVersionId: null },
        },
      }
    },
  ],
]

describe('ob3-builder', () => {
  it.each(variants)(
    '%s: passes the official schema, the rubric rules and JSON-LD safe mode',
    async (_name, make) => {
      const credential = buildOpenBadgeCredential(await make())
      await expectIssuable(credential)
    },
  )

  it('random rubrics and passing score sheets all yield issuable credentials', async () => {
    let seed = 20250314
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)] as T
    let built = 0
    for (let n = 0; n < 40; n++) {
      const criteria = Array.from({ length: 1 + Math.floor(rand() * 6) }, (_, i) => {
        let points = 0
        const levels = Array.from({ length: 1 + Math.floor(rand() * 5) }, (_, j) => {
          points += pick([0, 0.5, 1, 2, 0.25])
          return {
            id: pick([`l${j}`, crypto.randomUUID()]),
            label: `Level ${j}`,
            description: pick(['', 'desc']),
            points,
          }
        })
        const critical = rand() < 0.3
        return {
          id: pick([`c${i}`, crypto.randomUUID()]),
          title: `Criterion ${i} ${pick(['', 'ñ', 'ሀ', 'ש'])}`,
          description: '',
          weight: pick([0, 0.5, 1, 1.5, 2, 3]),
          critical,
          minLevelId: critical ? pick([null, ...levels.map((l) => l.id)]) : null,
          levels,
        }
      })
      const rubric: RubricContent = {
        criteria,
        passing: pick([
          { minTotal: 0, unit: 'points' as const },
          { minTotal: 50, unit: 'percent' as const },
          { minTotal: 100, unit: 'percent' as const },
        ]),
      }
      // Top levels always pass a satisfiable rubric; random levels sometimes do.
      const scores = criteria.map((c) => ({
        criterionId: c.id,
        levelId: (rand() < 0.5 ? c.levels.at(-1) : pick(c.levels))!.id,
      }))
      const outcome = computeOutcome(rubric, scores)
      if (!outcome.passed) continue
      const base = await sampleBadgeInput({ rubric, scores })
      const credential = buildOpenBadgeCredential({
        ...base,
        achievement: {
          ...base.achievement,
          rubric: { ...base.achievement.rubric, contentHash: rubricHash(rubric) },
        },
      })
      await expectIssuable(credential)
      built++
    }
    expect(built).toBeGreaterThan(15)
  })

  it('emits the OB 3.0 shape ob3.md decides on', async () => {
    const input = await sampleBadgeInput()
    const c: Obj = buildOpenBadgeCredential(input)
    expect(c['@context']).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
    ])
    expect(c.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential'])
    expect(c.id).toBe('urn:uuid:0196f3a2-6c1e-7b3d-9a4f-2e8c1d5b7a90')
    expect(c.validFrom).toBe('2025-03-14T10:32:00Z') // whole seconds
    expect(c.validUntil).toBe('2028-03-14T10:32:00Z') // + 36 months
    expect(c).not.toHaveProperty('issuanceDate')
    expect(c.issuer).toEqual({
      id: input.issuer.id,
      type: ['Profile'],
      name: 'Northside Skills Trust',
      url: 'https://northside.example',
      email: 'certs@northside.example',
    })
    expect(c.credentialSchema).toEqual([
      {
        id: 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json',
        type: '1EdTechJsonSchemaValidator2019',
      },
    ])
    expect(c.credentialStatus).toEqual({
      id: 'https://status.northside.example/lists/1#4211',
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '4211',
      statusListCredential: 'https://status.northside.example/lists/1',
    })
    const s = c.credentialSubject
    expect(s.type).toEqual(['AchievementSubject', 'Profile'])
    expect(s).toMatchObject({ givenName: 'Nguyễn Thị', familyName: 'Mai', name: 'Nguyễn Thị Mai' })
    expect(s.source).toEqual({
      id: 'urn:uuid:0196f3a2-0000-7000-8000-00000000b001',
      type: ['Profile'],
      name: 'R. Okafor',
    })
    expect(JSON.stringify(c)).not.toMatch(/mai\.nguyen@example\.org/i)
  })

  it('hashes the normalized email with the salt (sha256$hex of email ‖ salt)', async () => {
    const c: Obj = buildOpenBadgeCredential(await sampleBadgeInput())
    const expected = createHash('sha256')
      .update('mai.nguyen@example.org' + 'f00dfeedf00dfeed')
      .digest('hex')
    expect(c.credentialSubject.identifier).toEqual([
      {
        type: 'IdentityObject',
        identityType: 'emailAddress',
        hashed: true,
        identityHash: `sha256$${expected}`,
        salt: 'f00dfeedf00dfeed',
      },
    ])
    const noSalt: Obj = buildOpenBadgeCredential(await sampleBadgeInput({ learner: { salt: undefined } }))
    expect(noSalt.credentialSubject.identifier[0].salt).toMatch(/^[0-9a-f]{32}$/)
    const ext: Obj = buildOpenBadgeCredential(
      await sampleBadgeInput({
        learner: { email: null, externalId: 'STU-42', externalIdType: 'sisSourcedId' },
      }),
    )
    expect(ext.credentialSubject.identifier[0]).toMatchObject({
      identityType: 'sisSourcedId',
      identityHash: `sha256$${createHash('sha256').update('STU-42f00dfeedf00dfeed').digest('hex')}`,
    })
  })

  it('maps the rubric: weighted points low→high, requiredLevel for critical criteria, total and status', async () => {
    const input = await sampleBadgeInput()
    const c: Obj = buildOpenBadgeCredential(input)
    const a = c.credentialSubject.achievement
    expect(a).toMatchObject({
      id: 'urn:uuid:0196f3a2-0000-7000-8000-00000000d003',
      type: ['Achievement'],
      achievementType: 'Assessment',
      version: '3',
    })
    const rds: Obj[] = a.resultDescription
    expect(rds.map((r) => r.resultType)).toEqual([
      'RubricCriterionLevel',
      'RubricCriterionLevel',
      'RubricCriterionLevel',
      'RubricScore',
      'Status',
    ])
    expect(rds[0]!.rubricCriterionLevel.map((l: Obj) => l.points)).toEqual(['0', '2', '4', '6']) // weight 2
    expect(rds[2]!.rubricCriterionLevel.map((l: Obj) => l.points)).toEqual(['0', '0.5', '1', '1.5']) // weight 0.5
    expect(rds[0]!.requiredLevel).toBe(rds[0]!.rubricCriterionLevel[2].id) // 'Competent'
    expect(rds[1]).not.toHaveProperty('requiredLevel')
    expect(rds[3]).toMatchObject({ valueMin: '0', valueMax: '10.5', requiredValue: '7.35' })
    const results: Obj[] = c.credentialSubject.result
    expect(results).toEqual([
      { type: ['Result'], resultDescription: rds[0]!.id, achievedLevel: rds[0]!.rubricCriterionLevel[3].id },
      { type: ['Result'], resultDescription: rds[1]!.id, achievedLevel: rds[1]!.rubricCriterionLevel[2].id },
      { type: ['Result'], resultDescription: rds[2]!.id, achievedLevel: rds[2]!.rubricCriterionLevel[1].id },
      { type: ['Result'], resultDescription: rds[3]!.id, value: '8.5' },
      { type: ['Result'], resultDescription: rds[4]!.id, status: 'Completed' },
    ])
    expect(a.criteria.narrative).toContain('at least 7.35 of 10.5 points (70%)')
  })

  it('records the rubric version and content hash as ext: identifiers, and links the previous version', async () => {
    const c: Obj = buildOpenBadgeCredential(await sampleBadgeInput())
    const a = c.credentialSubject.achievement
    expect(a.otherIdentifier).toContainEqual({
      type: 'IdentifierEntry',
      identifier: `sha256:${rubricHash(forkliftRubric)}`,
      identifierType: 'ext:TesseraRubricContentHash',
    })
    expect(a.related).toEqual([{ id: 'urn:uuid:0196f3a2-0000-7000-8000-00000000d002', type: ['Related'] }])
  })

  it('references evidence by id with its SHA-256 as digestSRI, never as a data: URI', async () => {
    const c: Obj = buildOpenBadgeCredential(await sampleBadgeInput())
    const sha = createHash('sha256').update('photo bytes')
    expect(c.evidence[0]).toEqual({
      id: 'urn:uuid:0196f3a2-0000-7000-8000-00000000e001',
      type: ['Evidence'],
      name: 'pallet-move.jpg',
      genre: 'Photograph',
      mediaType: 'image/jpeg',
      digestSRI: `sha256-${sha.digest('base64')}`,
    })
    expect(c.evidence[1]).toMatchObject({
      type: ['Evidence'],
      narrative: 'Observed a full shift-start inspection and three pallet moves.',
    })
    const bad = await sampleBadgeInput({}, { evidence: [{ id: 'data:text/plain;base64,aGk=' }] })
    expect(() => buildOpenBadgeCredential(bad)).toThrow(/data: URI/)
  })

  it('derives stable URIs from slug ids and keeps UUIDs', async () => {
    const scores = [
      { criterionId: 'c1', levelId: 'l2' },
      { criterionId: 'c2', levelId: 'l1' },
    ]
    const input = await sampleBadgeInput({ rubric: slugRubric, scores })
    const a: Obj = buildOpenBadgeCredential(input).credentialSubject
    const b: Obj = buildOpenBadgeCredential(input).credentialSubject
    expect(a.achievement.resultDescription).toEqual(b.achievement.resultDescription)
    const ids = JSON.stringify(a.achievement.resultDescription).match(/urn:uuid:[0-9a-f-]{36}/g) ?? []
    expect(new Set(ids).size).toBe(7) // 2 criteria + 3 levels + total + outcome, all distinct
  })

  it('NFC-normalizes every string before it can be signed', async () => {
    const decomposed = 'Nguyễn Thị'.normalize('NFD')
    const c: Obj = buildOpenBadgeCredential(await sampleBadgeInput({ learner: { givenName: decomposed } }))
    expect(c.credentialSubject.givenName).toBe('Nguyễn Thị'.normalize('NFC'))
    expect(c.credentialSubject.givenName).not.toBe(decomposed)
  })

  it('refuses inputs that would make a wrong or inconsistent credential, saying where', async () => {
    const base = await sampleBadgeInput()
    const failing = [
      { criterionId: 'inspection', levelId: 'inspection-developing' }, // critical criterion below Competent
      { criterionId: 'load', levelId: 'load-proficient' },
      { criterionId: 'parking', levelId: 'parking-proficient' },
    ]
    const cases: [Partial<BadgeInput>, RegExp][] = [
      [
        { scores: failing, outcome: { passed: false, total: computeOutcome(forkliftRubric, failing).total } },
        /does not pass.*Pre-operation inspection/,
      ],
      [{ scores: base.scores.slice(0, 2) }, /not scored: parking/],
      [{ scores: [...base.scores.slice(0, 2), { criterionId: 'parking', levelId: 'nope' }] }, /level nope/],
      [{ outcome: { passed: false, total: base.outcome.total } }, /outcome\.passed/],
      [{ outcome: { passed: true, total: 99 } }, /outcome\.total: is 99/],
      [{ credentialId: 'not a uri' }, /credentialId: "not a uri" is neither a UUID nor an absolute URI/],
      [{ issuer: { ...base.issuer, id: 'https://northside.example' } }, /issuer\.id: must be the did:key/],
      [{ achievement: { ...base.achievement, achievementType: 'Trophy' } }, /achievementType/],
      [{ achievement: { ...base.achievement, validityMonths: 0 } }, /validityMonths/],
      [{ status: { listUrl: 'ftp://x', index: 1 } }, /status\.listUrl/],
      [{ dates: { issuedAt: 'yesterday' } }, /dates\.issuedAt/],
    ]
    for (const [override, message] of cases) {
      const input = { ...base, ...override }
      let error: unknown
      try {
        buildOpenBadgeCredential(input)
      } catch (e) {
        error = e
      }
      expect(error, String(message)).toMatchObject({
        code: 'validation',
        message: expect.stringMatching(message),
      })
    }
  })
})
