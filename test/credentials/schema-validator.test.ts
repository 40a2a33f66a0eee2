import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  GENERATED_VALIDATOR_PATH,
  generateOb3SchemaValidatorSource,
} from '../../src/core/credentials/schema-validator-codegen'
import { validateOb3Schema } from '../../src/core/verify/ob3-schema'
import { readSharedJson, repoRoot, standardsDir } from './fixtures'

describe('official OB 3.0 JSON Schema, precompiled', () => {
  it('the bundled schema is the official file, byte for byte', () => {
    const bundled = fs.readFileSync(path.join(repoRoot, 'resources/schemas/ob3/achievementcredential.json'))
    const official = fs.readFileSync(path.join(standardsDir, 'schemas/achievementcredential.json'))
    expect(bundled.equals(official)).toBe(true)
  })

  it('the generated validator is up to date (regenerate: npx tsx src/core/credentials/schema-validator-codegen.ts)', () => {
    expect(fs.readFileSync(GENERATED_VALIDATOR_PATH, 'utf8') === generateOb3SchemaValidatorSource()).toBe(
      true,
    )
  })

  it('contains no run-time code generation, so it runs under a strict CSP', () => {
    const source = fs.readFileSync(GENERATED_VALIDATOR_PATH, 'utf8')
    expect(source).not.toMatch(/new Function|\beval\(|\brequire\(/)
  })

  it('gives the spec examples and validator fixtures their documented schema verdicts', () => {
    expect(validateOb3Schema(readSharedJson('examples/spec/basicOpenBadgeCredential.json'))).toEqual([])
    expect(validateOb3Schema(readSharedJson('examples/spec/fullOpenBadge.json'))).toEqual([])
    expect(validateOb3Schema(readSharedJson('examples/validator/valid/simple.json'))).toEqual([])
    // The test vector compacts `proof` to an object, which the canonical schema rejects.
    expect(
      validateOb3Schema(readSharedJson('examples/spec/linked-data-proof-ob.signed-credential.json')),
    ).toEqual([expect.objectContaining({ path: '/proof', message: 'must be array' })])
    expect(
      validateOb3Schema(readSharedJson('examples/validator/invalid/simple-err-context.json')).length,
    ).toBeGreaterThan(0)
    const typeErr = validateOb3Schema(
      readSharedJson(
        'examples/validator/invalid/simple-err-credential-subject-achievement-result-description-type.json',
      ),
    )
    expect(typeErr.some((i) => i.path.startsWith('/credentialSubject/achievement/resultDescription'))).toBe(
      true,
    )
  })

  it('checks formats (validFrom needs a time zone)', () => {
    const c = readSharedJson('examples/validator/valid/simple.json')
    expect(validateOb3Schema({ ...c, validFrom: '2010-01-01T00:00:00' })).toEqual([
      expect.objectContaining({ path: '/validFrom', message: 'must match format "date-time"' }),
    ])
  })
})
