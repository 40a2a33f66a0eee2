import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { canonicalize } from '../../src/core/credentials/canonicalize'
import { buildOpenBadgeCredential } from '../../src/core/credentials/ob3-builder'
import { readSharedJson, repoRoot, sampleBadgeInput, SPEC_TEST_MULTIBASE } from './fixtures'

const FIXTURES = [
  'examples/mapping/ob3-example-rubric-credential.json',
  'examples/spec/fullOpenBadge.json',
  'examples/spec/basicOpenBadgeCredential.json',
  'examples/spec/linked-data-proof-ob.signed-credential.json',
  'examples/validator/valid/simple.json',
  'examples/validator/status/credential-status-revoked.json',
  'examples/validator/status/testlist',
  'examples/validator/invalid/simple-err-credential-subject-achievement-result-description-type.json',
]

describe('jsonld context sharing (canonicalization speed-up)', () => {
  it('produces byte-identical N-Quads (and the same failures) as unpatched jsonld.js', async () => {
    const base = await sampleBadgeInput()
    const built = buildOpenBadgeCredential({
      ...base,
      issuer: { ...base.issuer, id: `did:key:${SPEC_TEST_MULTIBASE}` },
    })
    const docs: object[] = [...FIXTURES.map((f) => readSharedJson(f)), built, { ...built, undefinedTerm: 1 }]
    // Interleave so contexts processed for one document are reused by the next.
    const inputs = [...docs, ...docs.slice().reverse()].map((d) => {
      const { proof: _p, ...rest } = d as Record<string, unknown>
      return rest
    })
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'test/credentials/helpers/canonicalize-unpatched.ts')],
      {
        cwd: repoRoot,
        input: JSON.stringify(inputs),
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    )
    expect(child.status, child.stderr).toBe(0)
    const expected = JSON.parse(child.stdout) as string[]
    const actual: string[] = []
    for (const doc of inputs) {
      try {
        actual.push(await canonicalize(doc))
      } catch (e) {
        actual.push(`ERROR ${(e as Error).message}`)
      }
    }
    expect(actual.length).toBe(expected.length)
    actual.forEach((a, i) => {
      const e = expected[i] as string
      if (e.startsWith('ERROR')) expect(a, `document ${i}`).toMatch(/^ERROR .*safe mode/i)
      else expect(a, `document ${i}`).toBe(e)
    })
    // The invalid-type fixture and the undefined term fail in both, twice each.
    expect(expected.filter((e) => e.startsWith('ERROR'))).toHaveLength(4)
  })
})
