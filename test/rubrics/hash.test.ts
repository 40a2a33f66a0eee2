import { describe, expect, it } from 'vitest'
import { canonicalJson } from '../../src/core/domain/canonical-json'
import { canonicalRubricContent, rubricContentHash } from '../../src/core/domain/rubric'
import type { RubricContent } from '../../src/core/domain/rubric-types'
import { sha256Hex } from '../../src/core/node/hash'
import { baseContent } from './helpers'

/** Rebuilds an object with its keys in reverse order, recursively. */
function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys)
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .reverse()
        .map((k) => [k, reverseKeys((v as Record<string, unknown>)[k])]),
    )
  }
  return v
}

describe('rubricContentHash', () => {
  it('does not depend on key order or whitespace', () => {
    const c = baseContent()
    const h = rubricContentHash(c)
    expect(rubricContentHash(reverseKeys(c) as RubricContent)).toBe(h)
    expect(rubricContentHash(JSON.parse(JSON.stringify(c, null, 7)) as RubricContent)).toBe(h)
    expect(h).toMatch(/^[0-9a-f]{64}$/)
  })

  it('is the SHA-256 of the canonical JSON that is stored (what other features compute)', () => {
    const c = baseContent()
    expect(rubricContentHash(c)).toBe(sha256Hex(canonicalJson(c)))
    expect(canonicalRubricContent(c)).toBe(canonicalJson(c))
    expect(canonicalRubricContent(c)).not.toMatch(/\s"|":\s/)
  })

  it('does not depend on Unicode form or surrounding spaces', () => {
    const a = baseContent()
    const b = baseContent()
    a.criteria[0]!.title = 'Sécurité'
    b.criteria[0]!.title = ' Se\u0301curite\u0301 '
    expect(rubricContentHash(b)).toBe(rubricContentHash(a))
  })

  it.each<[string, (c: RubricContent) => void]>([
    ['a title', (c) => (c.criteria[0]!.title = 'Safe isolation!')],
    ['a description', (c) => (c.criteria[1]!.levels[2]!.description = 'Does it alone')],
    ['a weight', (c) => (c.criteria[1]!.weight = 1.5)],
    ['points', (c) => (c.criteria[1]!.levels[3]!.points = 4)],
    [
      'the critical flag',
      (c) => ((c.criteria[1]!.critical = true), (c.criteria[1]!.minLevelId = 'developing')),
    ],
    ['the passing rule', (c) => (c.passing.minTotal = 61)],
    ['the passing unit', (c) => (c.passing = { minTotal: 6, unit: 'points' })],
    ['the criteria order', (c) => c.criteria.reverse()],
    ['an id', (c) => (c.criteria[1]!.id = 'terminations')],
  ])('changes when %s changes', (_name, edit) => {
    const c = baseContent()
    edit(c)
    expect(rubricContentHash(c)).not.toBe(rubricContentHash(baseContent()))
  })

  it('is pinned: a hash recorded in a credential must never change between releases', () => {
    // Computed independently with Python:
    //   hashlib.sha256(json.dumps(c, sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode()).hexdigest()
    const c: RubricContent = {
      criteria: [
        {
          id: 'greeting',
          title: 'الترحيب',
          description: 'Accueille le client « poliment »',
          weight: 1.5,
          critical: true,
          minLevelId: 'ok',
          levels: [
            { id: 'no', label: 'Not yet', description: '', points: 0 },
            { id: 'ok', label: 'Meets', description: 'Line 1\nLine 2', points: 2.5 },
          ],
        },
      ],
      passing: { minTotal: 70, unit: 'percent' },
    }
    expect(canonicalRubricContent(c)).toBe(
      '{"criteria":[{"critical":true,"description":"Accueille le client « poliment »","id":"greeting","levels":[{"description":"","id":"no","label":"Not yet","points":0},{"description":"Line 1\\nLine 2","id":"ok","label":"Meets","points":2.5}],"minLevelId":"ok","title":"الترحيب","weight":1.5}],"passing":{"minTotal":70,"unit":"percent"}}',
    )
    expect(rubricContentHash(c)).toBe(PINNED)
  })
})

const PINNED = 'e601ba3934ac48fbb96b49a32318c92d7039689d2bc19ffe6c470431d8a955aa'
