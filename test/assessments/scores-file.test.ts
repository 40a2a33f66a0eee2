import fs from 'node:fs'
import path from 'node:path'
import Ajv2020 from 'ajv/dist/2020'
import addFormats from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import { TesseraError } from '../../src/contract/errors'
import { parseScoresFile } from '../../src/contract/schemas/scores-file'
import { computeOutcome } from '../../src/core/domain/outcome'
import { resourcePath } from '../../src/core/node/resources'
import { safetyRubric, world } from './fixtures'

const example = {
  format: 'tessera.scores',
  formatVersion: 1,
  assessedOn: '2026-03-14',
  location: 'Workshop 2',
  overallComment: 'Confident and careful.',
  scores: [
    { criterion: 'isolation', level: 'competent', comment: 'Locked off and tested dead.' },
    { criterion: 'termination', level: 'EXPERT' },
    { criterion: 'housekeeping', level: 'Developing', comment: 'Offcuts on the floor.' },
  ],
}

const schema = JSON.parse(fs.readFileSync(resourcePath('schemas', 'scores.schema.json'), 'utf8')) as object
const ajv = new Ajv2020({ allErrors: true, strict: true })
addFormats(ajv)
const validateWithSchema = ajv.compile(schema)

describe('scores file: format', () => {
  const invalidDocs: [string, unknown][] = [
    ['wrong format', { ...example, format: 'tessera.rubric' }],
    ['newer format version', { ...example, formatVersion: 2 }],
    ['bad date', { ...example, assessedOn: '14/03/2026' }],
    ['no scores', { format: 'tessera.scores', formatVersion: 1 }],
    ['unknown top-level field', { ...example, learner: 'x' }],
    ['misspelt entry field', { ...example, scores: [{ criterion: 'isolation', levle: 'competent' }] }],
    ['empty criterion', { ...example, scores: [{ criterion: '', level: 'competent' }] }],
    ['numeric level', { ...example, scores: [{ criterion: 'isolation', level: 2 }] }],
    ['not an object', [1, 2]],
  ]

  it('the documented example is valid for both the parser and the JSON Schema', () => {
    expect(parseScoresFile(JSON.stringify(example))).toEqual({ ok: true, value: example })
    expect(validateWithSchema(example)).toBe(true)
    // The example in the doc is the same shape.
    const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/scores-format.md'), 'utf8')
    const block = /```json\n([\s\S]*?)```/.exec(doc)?.[1] ?? ''
    const fromDoc = JSON.parse(block) as unknown
    expect(validateWithSchema(fromDoc)).toBe(true)
    expect(parseScoresFile(block).ok).toBe(true)
  })

  it.each(invalidDocs)('%s is refused by both the parser and the JSON Schema', (_name, doc) => {
    expect(parseScoresFile(JSON.stringify(doc)).ok).toBe(false)
    expect(validateWithSchema(doc)).toBe(false)
  })

  it('minimal and null-level files are valid for both', () => {
    const minimal = {
      format: 'tessera.scores',
      formatVersion: 1,
      scores: [{ criterion: 'isolation', level: null }],
    }
    expect(parseScoresFile(JSON.stringify(minimal)).ok).toBe(true)
    expect(validateWithSchema(minimal)).toBe(true)
  })

  it('reports JSON syntax errors and every schema problem with its path', () => {
    const syntax = parseScoresFile('{ "format": ')
    expect(syntax).toMatchObject({ ok: false, message: expect.stringMatching(/^not valid JSON/) })
    const r = parseScoresFile(
      JSON.stringify({
        ...example,
        formatVersion: 2,
        scores: [{ criterion: 'a' }, { criterion: 'b', level: 3 }],
      }),
    )
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.issues.map((i) => i.path.join('.'))).toEqual(['formatVersion', 'scores.1.level'])
      expect(r.issues[0]?.message).toContain('this Tessera reads scores format version 1')
    }
    expect(parseScoresFile('\uFEFF' + JSON.stringify(example)).ok).toBe(true) // Notepad's byte-order mark
  })
})

describe('assessments.record', () => {
  it('records a file: levels by id or label in any case, comments, and the outcome', async () => {
    const w = await world()
    const a = await w.t.call('assessments.record', {
      learnerId: w.learnerId,
      rubricId: w.rubricId,
      assessorName: 'R. Okafor',
      assessedOn: example.assessedOn,
      location: example.location,
      overallComment: example.overallComment,
      scores: example.scores,
    })
    expect(a).toMatchObject({
      state: 'draft',
      assessor: { id: w.assessorId },
      location: 'Workshop 2',
      overallComment: 'Confident and careful.',
    })
    expect(a.scores).toEqual([
      { criterionId: 'isolation', levelId: 'competent', comment: 'Locked off and tested dead.' },
      { criterionId: 'termination', levelId: 'expert', comment: '' },
      { criterionId: 'housekeeping', levelId: 'developing', comment: 'Offcuts on the floor.' },
    ])
    expect(a.outcome).toEqual(
      computeOutcome(safetyRubric, [
        { criterionId: 'isolation', levelId: 'competent' },
        { criterionId: 'termination', levelId: 'expert' },
        { criterionId: 'housekeeping', levelId: 'developing' },
      ]),
    )
  })

  it('finalizes in the same step and creates a new assessor by name', async () => {
    const w = await world()
    const a = await w.t.call('assessments.record', {
      learnerId: w.learnerId,
      rubricId: w.rubricId,
      version: 1,
      assessorName: 'New Person',
      assessedOn: '2026-03-14',
      scores: example.scores,
      finalize: true,
    })
    expect(a).toMatchObject({
      state: 'finalized',
      outcomeFinal: true,
      assessor: { name: 'New Person' },
      finalizedBy: { name: 'New Person' },
    })
    expect(a.history.map((h) => h.action)).toEqual(['assessment.create', 'assessment.finalize'])
  })

  it('reports every unknown criterion, unknown level and duplicate with its position, recording nothing', async () => {
    const w = await world()
    const err = (await w.t
      .call('assessments.record', {
        learnerId: w.learnerId,
        rubricId: w.rubricId,
        assessorId: w.assessorId,
        assessedOn: '2026-03-14',
        scores: [
          { criterion: 'isolation', level: 'competent' },
          { criterion: 'termination', level: 'Excelent' },
          { criterion: 'safety', level: 'expert' },
          { criterion: 'isolation', level: 'expert' },
          { criterion: 'HOUSEKEEPING', level: 'not yet' },
        ],
      })
      .catch((e: unknown) => e)) as TesseraError
    expect(err).toBeInstanceOf(TesseraError)
    expect(err.code).toBe('validation')
    expect(err.issues).toEqual([
      {
        path: ['scores', 1, 'level'],
        message:
          '"Excelent" is not a level of "Cable termination" (its levels: Not yet [not-yet], Developing [developing], Competent [competent], Expert [expert])',
      },
      {
        path: ['scores', 2, 'criterion'],
        message:
          '"safety" is not a criterion of this rubric (its criteria: isolation, termination, housekeeping)',
      },
      { path: ['scores', 3, 'criterion'], message: '"isolation" is scored twice (first at scores.0)' },
    ])
    expect((await w.t.call('assessments.list', {})).total).toBe(0)
  })

  it('needs exactly one of assessor id and name', async () => {
    const w = await world()
    const base = { learnerId: w.learnerId, rubricId: w.rubricId, assessedOn: '2026-03-14', scores: [] }
    expect(await w.t.dispatch('assessments.record', base)).toMatchObject({
      ok: false,
      error: { issues: [{ path: ['assessorId'] }] },
    })
    expect(
      await w.t.dispatch('assessments.record', { ...base, assessorId: w.assessorId, assessorName: 'x' }),
    ).toMatchObject({ ok: false })
  })
})
