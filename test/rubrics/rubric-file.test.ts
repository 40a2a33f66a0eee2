import fs from 'node:fs'
import path from 'node:path'
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020'
import addFormats from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import {
  ACHIEVEMENT_TYPES,
  ALIGNMENT_TARGET_TYPES,
  parseRubricFile,
} from '../../src/contract/schemas/rubric-file'
import { maxTotal, validateRubricContent } from '../../src/core/domain/rubric'
import type { RubricContent } from '../../src/core/domain/rubric-types'
import { resourcePath } from '../../src/core/node/resources'
import { ACHIEVEMENT_TYPES as VERIFIER_ACHIEVEMENT_TYPES } from '../../src/core/verify/rubric-consistency'
import { baseContent, exampleFiles, fileFor } from './helpers'

const schemaFile = resourcePath('schemas', 'rubric.schema.json')
const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as {
  $defs: Record<string, { properties: Record<string, { anyOf?: { enum?: string[] }[] }> }>
}
const ajv = new Ajv2020({ allErrors: true, strict: true })
addFormats(ajv)
const validateWithSchema = ajv.compile(schema)

type P = (string | number)[]

/** Where ajv found problems, as field paths (a missing or unknown field is reported at the field). */
function schemaErrorPaths(doc: unknown): string[] {
  if (validateWithSchema(doc)) return []
  return (validateWithSchema.errors ?? []).map((e: ErrorObject) => {
    const parts: P = e.instancePath
      .split('/')
      .slice(1)
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')))
    const params = e.params as { missingProperty?: string; additionalProperty?: string }
    if (params.missingProperty) parts.push(params.missingProperty)
    if (params.additionalProperty) parts.push(params.additionalProperty)
    return JSON.stringify(parts)
  })
}

function parserErrorPaths(doc: unknown): string[] {
  const r = parseRubricFile(JSON.stringify(doc))
  return r.ok ? [] : r.issues.map((i) => JSON.stringify(i.path))
}

const valid = () =>
  fileFor(baseContent()) as unknown as Record<string, unknown> & { criteria: Record<string, unknown>[] }
const edit = (f: (d: ReturnType<typeof valid>) => void) => {
  const d = valid()
  f(d)
  return d
}
const crit = (d: ReturnType<typeof valid>, i: number) =>
  d.criteria[i] as Record<string, unknown> & { levels: Record<string, unknown>[] }
const ach = (d: ReturnType<typeof valid>) => d.achievement as Record<string, unknown>

describe('rubric file: examples', () => {
  const examples = exampleFiles()

  it('has the four realistic examples', () => {
    expect(examples.map(([f]) => f)).toEqual([
      'basic-electrical-wiring.rubric.json',
      'customer-service.rubric.json',
      'first-aid.rubric.json',
      'forklift-operation.rubric.json',
    ])
  })

  it.each(examples)('%s is valid for the JSON Schema, the parser and the domain rules', (_f, text) => {
    const doc = JSON.parse(text) as unknown
    expect(schemaErrorPaths(doc)).toEqual([])
    const parsed = parseRubricFile(text)
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues))
    const content: RubricContent = { criteria: parsed.value.criteria, passing: parsed.value.passing }
    expect(validateRubricContent(content)).toEqual([])
    expect(content.criteria.length).toBeGreaterThanOrEqual(4)
    expect(content.criteria.length).toBeLessThanOrEqual(12)
  })

  it('between them cover critical criteria, weights other than 1, both rule units and non-Latin text', () => {
    const contents = examples.map(([, text]) => JSON.parse(text) as RubricContent)
    expect(contents.some((c) => c.criteria.some((cr) => cr.critical))).toBe(true)
    expect(contents.some((c) => c.criteria.some((cr) => cr.weight !== 1))).toBe(true)
    expect(contents.some((c) => c.passing.unit === 'percent')).toBe(true)
    expect(contents.some((c) => c.passing.unit === 'points')).toBe(true)
    expect(examples.some(([, text]) => /\p{Script=Arabic}/u.test(text))).toBe(true)
    expect(examples.some(([, text]) => /[éèàçœ]/u.test(text))).toBe(true)
    // Points rules are reachable but demanding.
    for (const c of contents.filter((x) => x.passing.unit === 'points')) {
      expect(c.passing.minTotal).toBeLessThan(maxTotal(c))
      expect(c.passing.minTotal).toBeGreaterThan(maxTotal(c) / 2)
    }
  })

  it('the example in docs/rubric-format.md is valid for both', () => {
    const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/rubric-format.md'), 'utf8')
    const block = /```json\n([\s\S]*?)```/.exec(doc)?.[1] ?? ''
    expect(schemaErrorPaths(JSON.parse(block))).toEqual([])
    const parsed = parseRubricFile(block)
    expect(parsed.ok).toBe(true)
    if (parsed.ok) {
      const content = { criteria: parsed.value.criteria, passing: parsed.value.passing }
      expect(validateRubricContent(content)).toEqual([])
      expect(maxTotal(content)).toBe(6)
    }
  })
})

describe('rubric file: the parser and the JSON Schema agree', () => {
  it('the achievement types are the OB 3.0 list, in the parser, the schema and the verifier', () => {
    expect([...ACHIEVEMENT_TYPES].sort()).toEqual([...VERIFIER_ACHIEVEMENT_TYPES].sort())
    const inSchema = schema.$defs.achievement!.properties.achievementType!.anyOf![0]!.enum
    expect(inSchema).toEqual([...ACHIEVEMENT_TYPES])
    const targets = schema.$defs.alignment!.properties.targetType!.anyOf![0]!.enum
    expect(targets).toEqual([...ALIGNMENT_TARGET_TYPES])
  })

  it('the OB 3.0 alignment target types match the official schema', () => {
    const ob3 = fs.readFileSync(resourcePath('schemas', 'ob3', 'achievementcredential.json'), 'utf8')
    for (const t of ALIGNMENT_TARGET_TYPES) expect(ob3).toContain(`"${t}"`)
  })

  /** [name, document, path, path in the JSON Schema's errors when it differs]. */
  const bad: [string, unknown, P, P?][] = [
    ['wrong format marker', edit((d) => (d.format = 'tessera.scores')), ['format']],
    ['newer format version', edit((d) => (d.formatVersion = 2)), ['formatVersion']],
    ['no achievement', edit((d) => delete d.achievement), ['achievement']],
    ['blank achievement name', edit((d) => (ach(d).name = '   ')), ['achievement', 'name']],
    [
      'unknown achievement type',
      edit((d) => (ach(d).achievementType = 'Diploma2')),
      ['achievement', 'achievementType'],
    ],
    ['validity of 0 months', edit((d) => (ach(d).validityMonths = 0)), ['achievement', 'validityMonths']],
    ['fractional validity', edit((d) => (ach(d).validityMonths = 1.5)), ['achievement', 'validityMonths']],
    [
      'JPEG badge image',
      edit((d) => (ach(d).image = { mediaType: 'image/jpeg', dataBase64: 'AAAA' })),
      ['achievement', 'image', 'mediaType'],
    ],
    [
      'image not base64',
      edit((d) => (ach(d).image = { mediaType: 'image/png', dataBase64: 'not base64!' })),
      ['achievement', 'image', 'dataBase64'],
    ],
    [
      'alignment without URL',
      edit((d) => (ach(d).alignment = [{ targetName: 'X' }])),
      ['achievement', 'alignment', 0, 'targetUrl'],
    ],
    [
      'alignment URL not http',
      edit((d) => (ach(d).alignment = [{ targetName: 'X', targetUrl: 'ftp://x.example/a' }])),
      ['achievement', 'alignment', 0, 'targetUrl'],
    ],
    [
      'bad alignment target type',
      edit(
        (d) =>
          (ach(d).alignment = [{ targetName: 'X', targetUrl: 'https://x.example', targetType: 'Skill' }]),
      ),
      ['achievement', 'alignment', 0, 'targetType'],
    ],
    // JSON Schema's uniqueItems reports the list; the parser names the repeated entry.
    [
      'duplicate tag',
      edit((d) => (ach(d).tags = ['safety', 'safety'])),
      ['achievement', 'tags', 1],
      ['achievement', 'tags'],
    ],
    ['rubric id not a UUID', edit((d) => (d.rubric = { id: 'forklift' })), ['rubric', 'id']],
    ['misspelt top-level field', edit((d) => (d.critera = [])), ['critera']],
    ['misspelt criterion field', edit((d) => (crit(d, 0).wieght = 2)), ['criteria', 0, 'wieght']],
    ['no criteria', edit((d) => (d.criteria = [])), ['criteria']],
    ['criterion without title', edit((d) => delete crit(d, 0).title), ['criteria', 0, 'title']],
    ['id with a space', edit((d) => (crit(d, 0).id = 'safe isolation')), ['criteria', 0, 'id']],
    [
      'one level only',
      edit((d) => (crit(d, 1).levels = crit(d, 1).levels.slice(0, 1))),
      ['criteria', 1, 'levels'],
    ],
    [
      'negative points',
      edit((d) => (crit(d, 1).levels[1]!.points = -1)),
      ['criteria', 1, 'levels', 1, 'points'],
    ],
    [
      'points as text',
      edit((d) => (crit(d, 1).levels[2]!.points = '2')),
      ['criteria', 1, 'levels', 2, 'points'],
    ],
    ['weight 0', edit((d) => (crit(d, 1).weight = 0)), ['criteria', 1, 'weight']],
    [
      'critical without minimum level',
      edit((d) => delete crit(d, 0).minLevelId),
      ['criteria', 0, 'minLevelId'],
    ],
    [
      'critical with a null minimum level',
      edit((d) => (crit(d, 0).minLevelId = null)),
      ['criteria', 0, 'minLevelId'],
    ],
    [
      'minimum level on a non-critical criterion',
      edit((d) => (crit(d, 1).minLevelId = 'competent')),
      ['criteria', 1, 'minLevelId'],
    ],
    [
      'percent above 100',
      edit((d) => (d.passing = { minTotal: 150, unit: 'percent' })),
      ['passing', 'minTotal'],
    ],
    ['unknown passing unit', edit((d) => (d.passing = { minTotal: 5, unit: 'marks' })), ['passing', 'unit']],
    ['no passing rule', edit((d) => delete d.passing), ['passing']],
  ]

  it.each(bad)('%s is refused by both, at the right path', (_name, doc, where, schemaWhere) => {
    expect(parserErrorPaths(doc)).toContain(JSON.stringify(where))
    expect(schemaErrorPaths(doc)).toContain(JSON.stringify(schemaWhere ?? where))
  })

  it('JSON syntax errors name the line and column', () => {
    const r = parseRubricFile('{\n  "format": "tessera.rubric",\n  "criteria": [],\n}')
    expect(r.ok).toBe(false)
    // The stray comma is found at the closing brace.
    if (!r.ok) expect(r.message).toContain('(line 4, column 1)')
  })

  it('a byte-order mark is accepted', () => {
    expect(parseRubricFile('\uFEFF' + JSON.stringify(valid())).ok).toBe(true)
  })

  it('defaults make hand-written files short, and the parser fills them in', () => {
    const minimal = {
      format: 'tessera.rubric',
      formatVersion: 1,
      achievement: { name: 'Knots' },
      criteria: [
        {
          id: 'bowline',
          title: 'Bowline',
          levels: [
            { id: 'no', label: 'Not yet', points: 0 },
            { id: 'yes', label: 'Ties it', points: 1 },
          ],
        },
      ],
      passing: { minTotal: 1, unit: 'points' },
    }
    expect(schemaErrorPaths(minimal)).toEqual([])
    const r = parseRubricFile(minimal)
    expect(r.ok && r.value).toMatchObject({
      rubric: {},
      achievement: {
        name: 'Knots',
        description: '',
        achievementType: 'Assessment',
        tags: [],
        alignment: [],
        validityMonths: null,
        image: null,
      },
      criteria: [
        {
          description: '',
          weight: 1,
          critical: false,
          minLevelId: null,
          levels: [{ description: '' }, { description: '' }],
        },
      ],
    })
  })
})

describe('rubric file: rules beyond the JSON Schema', () => {
  // The schema can only check shapes; these pass it, and the domain rules (run by every import) refuse them.
  const semantic: [string, unknown, P][] = [
    ['duplicate criterion id', edit((d) => (crit(d, 1).id = 'isolation')), ['criteria', 1, 'id']],
    [
      'minimum level that is not a level',
      edit((d) => (crit(d, 0).minLevelId = 'excellent')),
      ['criteria', 0, 'minLevelId'],
    ],
    [
      'points going down',
      edit((d) => (crit(d, 1).levels[3]!.points = 0.5)),
      ['criteria', 1, 'levels', 3, 'points'],
    ],
    [
      'points rule above the maximum',
      edit((d) => (d.passing = { minTotal: 10, unit: 'points' })),
      ['passing', 'minTotal'],
    ],
  ]

  it.each(semantic)('%s passes the schema but not the domain rules', (_name, doc, where) => {
    expect(schemaErrorPaths(doc)).toEqual([])
    const r = parseRubricFile(doc)
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    const issues = validateRubricContent({ criteria: r.value.criteria, passing: r.value.passing })
    expect(issues.map((i) => i.path)).toContainEqual(where)
  })
})
