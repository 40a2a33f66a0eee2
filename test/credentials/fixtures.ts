import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createHash } from 'node:crypto'
import { base64urlnopad, hex } from '@scure/base'
import { canonicalJson } from '../../src/core/domain/canonical-json'
import { computeOutcome } from '../../src/core/domain/outcome'
import type { RubricContent } from '../../src/core/domain/rubric-types'
import {
  generateIssuerKeys,
  issuerIdOf,
  toPublicJwk,
  type IssuerKeys,
  type PrivateJwk,
} from '../../src/core/crypto/keys'
import type { BadgeInput } from '../../src/core/credentials/ob3-builder'
import type { TrustedIssuer } from '../../src/core/verify/verify'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const sharedDir = path.resolve(repoRoot, '..', 'shared')
export const standardsDir = path.join(sharedDir, 'standards', 'ob3')

export const readSharedJson = (rel: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(standardsDir, rel), 'utf8')) as Record<string, unknown>
export const readSharedBytes = (rel: string): Uint8Array =>
  new Uint8Array(fs.readFileSync(path.join(standardsDir, rel)))
export const readSharedText = (rel: string): string => fs.readFileSync(path.join(standardsDir, rel), 'utf8')

/** The spec's public eddsa-rdfc-2022 TEST key (shared/standards/ob3/README.md). Test fixtures only. */
export const SPEC_TEST_SEED_HEX = '6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4'
export const SPEC_TEST_PUBLIC_HEX = '4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5'
export const SPEC_TEST_MULTIBASE = 'z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi'

export async function specTestPrivateJwk(): Promise<PrivateJwk> {
  const pub = await toPublicJwk({
    kty: 'OKP',
    crv: 'Ed25519',
    x: base64urlnopad.encode(hex.decode(SPEC_TEST_PUBLIC_HEX)),
  })
  return { ...pub, d: base64urlnopad.encode(hex.decode(SPEC_TEST_SEED_HEX)) }
}

let keysPromise: Promise<IssuerKeys> | undefined
/** One installation key pair per test file (generation is cheap, but identical keys keep reports readable). */
export const testKeys = (): Promise<IssuerKeys> =>
  (keysPromise ??= generateIssuerKeys(new Date('2025-01-01T00:00:00Z')))

/** How this installation trusts itself: the did:key issuer with its P-256 key for VC-JWTs. */
export async function ownTrust(keys?: IssuerKeys): Promise<TrustedIssuer[]> {
  const k = keys ?? (await testKeys())
  return [
    {
      id: issuerIdOf(k.ed25519),
      name: 'Northside Skills Trust',
      publicJwks: [k.ed25519.publicJwk, k.p256.publicJwk],
      source: 'own',
    },
  ]
}

const levels = (prefix: string) => [
  { id: `${prefix}-not-yet`, label: 'Not yet competent', description: 'Needs more practice', points: 0 },
  { id: `${prefix}-developing`, label: 'Developing', description: '', points: 1 },
  { id: `${prefix}-competent`, label: 'Competent', description: 'Does it safely unaided', points: 2 },
  { id: `${prefix}-proficient`, label: 'Proficient', description: 'Could coach others', points: 3 },
]

/** A forklift rubric: one critical criterion, weights, a percent pass mark (max 3×2+3+3×0.5 = 10.5, pass 70 % = 7.35). */
export const forkliftRubric: RubricContent = {
  criteria: [
    {
      id: 'inspection',
      title: 'Pre-operation inspection',
      description: '',
      weight: 2,
      critical: true,
      minLevelId: 'inspection-competent',
      levels: levels('inspection'),
    },
    {
      id: 'load',
      title: 'Load handling',
      description: '',
      weight: 1,
      critical: false,
      minLevelId: null,
      levels: levels('load'),
    },
    {
      id: 'parking',
      title: 'Parking and shutdown',
      description: '',
      weight: 0.5,
      critical: false,
      minLevelId: null,
      levels: levels('parking'),
    },
  ],
  passing: { minTotal: 70, unit: 'percent' },
}

export const rubricHash = (content: RubricContent): string =>
  createHash('sha256').update(canonicalJson(content)).digest('hex')

export interface SampleOptions {
  learner?: Partial<BadgeInput['learner']>
  scores?: BadgeInput['scores']
  rubric?: RubricContent
}

/** A realistic, passing BadgeInput issued by `keys`' installation. */
export async function sampleBadgeInput(
  options: SampleOptions = {},
  overrides: Partial<BadgeInput> = {},
): Promise<BadgeInput> {
  const keys = await testKeys()
  const rubric = options.rubric ?? forkliftRubric
  const scores = options.scores ?? [
    { criterionId: 'inspection', levelId: 'inspection-proficient' },
    { criterionId: 'load', levelId: 'load-competent' },
    { criterionId: 'parking', levelId: 'parking-developing' },
  ]
  const outcome = computeOutcome(rubric, scores)
  return {
    credentialId: '0196f3a2-6c1e-7b3d-9a4f-2e8c1d5b7a90',
    issuer: {
      id: issuerIdOf(keys.ed25519),
      name: 'Northside Skills Trust',
      url: 'https://northside.example',
      email: 'certs@northside.example',
    },
    learner: {
      id: '0196f3a2-0000-7000-8000-00000000a001',
      givenName: 'Nguyễn Thị',
      familyName: 'Mai',
      email: '  Mai.Nguyen@Example.org ',
      salt: 'f00dfeedf00dfeed',
      ...options.learner,
    },
    assessor: { id: '0196f3a2-0000-7000-8000-00000000b001', name: 'R. Okafor' },
    achievement: {
      id: '0196f3a2-0000-7000-8000-00000000c001',
      name: 'Forklift Operation (Counterbalance)',
      description: 'Practical assessment of safe counterbalance forklift operation.',
      criteriaNarrative: 'Demonstrate a full shift-start routine under observation.',
      achievementType: 'Assessment',
      tags: ['forklift', 'warehouse'],
      validityMonths: 36,
      inLanguage: 'en',
      rubric: {
        id: '0196f3a2-0000-7000-8000-00000000d001',
        versionId: '0196f3a2-0000-7000-8000-00000000d003',
        version: 3,
        contentHash: rubricHash(rubric),
        content: rubric,
        previousVersionId: '0196f3a2-0000-7000-8000-00000000d002',
      },
    },
    scores,
    outcome: { passed: outcome.passed, total: outcome.total },
    evidence: [
      {
        id: '0196f3a2-0000-7000-8000-00000000e001',
        name: 'pallet-move.jpg',
        genre: 'Photograph',
        mediaType: 'image/jpeg',
        sha256: createHash('sha256').update('photo bytes').digest('hex'),
      },
    ],
    assessorComment: 'Observed a full shift-start inspection and three pallet moves.',
    dates: {
      issuedAt: '2025-03-14T10:32:00.789Z',
      activityStart: '2025-03-14T08:00:00Z',
      activityEnd: '2025-03-14T10:15:00Z',
    },
    status: { listUrl: 'https://status.northside.example/lists/1', index: 4211 },
    ...overrides,
  }
}

/** A date inside the sample credential's validity window. */
export const DURING = new Date('2026-01-01T00:00:00Z')
