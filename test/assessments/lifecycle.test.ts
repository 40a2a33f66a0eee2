import { describe, expect, it } from 'vitest'
import { TesseraError } from '../../src/contract/errors'
import { computeOutcome } from '../../src/core/domain/outcome'
import {
  auditActions,
  draft,
  finalized,
  insertRubricVersion,
  passingScores,
  safetyRubric,
  world,
} from './fixtures'

describe('assessments: create', () => {
  it('starts a draft on the latest rubric version with the learner, assessor and an empty provisional outcome', async () => {
    const w = await world()
    const v2 = insertRubricVersion(w.sqlite, w.rubricId, 2, {
      ...safetyRubric,
      passing: { minTotal: 80, unit: 'percent' },
    })
    const a = await w.t.call('assessments.create', {
      learnerId: w.learnerId,
      rubricId: w.rubricId,
      assessorId: w.assessorId,
      assessedOn: '2026-03-14',
      location: '  Workshop 2 ',
    })
    expect(a).toMatchObject({
      state: 'draft',
      assessedOn: '2026-03-14',
      location: 'Workshop 2',
      overallComment: '',
      learner: { id: w.learnerId, fullName: 'Amina Yusuf', externalId: 'NS-0042' },
      assessor: { id: w.assessorId, name: 'R. Okafor' },
      rubric: { rubricId: w.rubricId, rubricVersionId: v2, version: 2, name: 'Electrical safety' },
      outcomeFinal: false,
      finalizedAt: null,
      supersedesId: null,
      evidence: [],
    })
    expect(a.scores).toEqual(
      safetyRubric.criteria.map((c) => ({ criterionId: c.id, levelId: null, comment: '' })),
    )
    expect(a.outcome).toMatchObject({ total: 0, maxTotal: 12, passed: false, complete: false })
    expect(a.history.map((h) => h.action)).toEqual(['assessment.create'])
    expect(a.history[0]).toMatchObject({
      actor: 'test-user',
      details: { learnerId: w.learnerId, rubricVersionId: v2 },
    })
  })

  it('uses an exact version by number or by version id', async () => {
    const w = await world()
    insertRubricVersion(w.sqlite, w.rubricId, 2, safetyRubric)
    const base = { learnerId: w.learnerId, assessorId: w.assessorId, assessedOn: '2026-03-14' }
    expect(
      (await w.t.call('assessments.create', { ...base, rubricId: w.rubricId, version: 1 })).rubric.version,
    ).toBe(1)
    expect(
      (await w.t.call('assessments.create', { ...base, rubricVersionId: w.versionId })).rubric.version,
    ).toBe(1)
  })

  it('refuses unknown learners, assessors, rubrics, versions and future dates, saying which field', async () => {
    const w = await world()
    const base = {
      learnerId: w.learnerId,
      rubricId: w.rubricId,
      assessorId: w.assessorId,
      assessedOn: '2026-03-14',
    }
    await expect(w.t.call('assessments.create', { ...base, learnerId: 'nobody' })).rejects.toMatchObject({
      code: 'not_found',
      issues: [{ path: ['learnerId'] }],
    })
    await expect(w.t.call('assessments.create', { ...base, assessorId: 'nobody' })).rejects.toMatchObject({
      code: 'not_found',
      issues: [{ path: ['assessorId'] }],
    })
    await expect(w.t.call('assessments.create', { ...base, rubricId: 'nope' })).rejects.toMatchObject({
      code: 'not_found',
    })
    await expect(w.t.call('assessments.create', { ...base, version: 9 })).rejects.toMatchObject({
      code: 'not_found',
    })
    await expect(w.t.call('assessments.create', { ...base, assessedOn: '2999-01-01' })).rejects.toMatchObject(
      {
        code: 'validation',
        issues: [{ path: ['assessedOn'], message: '2999-01-01 is in the future' }],
      },
    )
    const bad = await w.t.dispatch('assessments.create', {
      ...base,
      assessedOn: '14/03/2026',
      rubricVersionId: w.versionId,
    })
    expect(bad.ok).toBe(false)
    if (!bad.ok)
      expect(bad.error.issues?.map((i) => i.path.join('.'))).toEqual(
        expect.arrayContaining(['assessedOn', 'rubricVersionId']),
      )
    expect(auditActions(w.sqlite, w.learnerId)).toEqual([])
    expect((await w.t.call('assessments.list', {})).total).toBe(0)
  })
})

describe('assessments: autosave', () => {
  it('applies partial updates: only the fields and criteria given change', async () => {
    const w = await world()
    const a = await draft(w)
    const first = await w.t.call('assessments.saveDraft', {
      id: a.id,
      scores: [{ criterionId: 'isolation', levelId: 'competent', comment: 'Proved dead with a tester' }],
      overallComment: 'Good start',
      location: 'Bay 3',
    })
    expect(first.changed).toBe(true)
    expect(first.outcome).toMatchObject({ total: 4, complete: false })

    // A comment alone keeps the level; a level alone keeps the comment.
    await w.t.call('assessments.saveDraft', {
      id: a.id,
      scores: [{ criterionId: 'termination', comment: 'neat' }],
    })
    await w.t.call('assessments.saveDraft', {
      id: a.id,
      scores: [{ criterionId: 'isolation', levelId: 'expert' }],
    })
    await w.t.call('assessments.saveDraft', {
      id: a.id,
      scores: [{ criterionId: 'termination', levelId: 'developing' }],
      assessedOn: '2026-03-15',
    })
    const got = await w.t.call('assessments.get', { id: a.id })
    expect(got.scores).toEqual([
      { criterionId: 'isolation', levelId: 'expert', comment: 'Proved dead with a tester' },
      { criterionId: 'termination', levelId: 'developing', comment: 'neat' },
      { criterionId: 'housekeeping', levelId: null, comment: '' },
    ])
    expect(got).toMatchObject({ overallComment: 'Good start', location: 'Bay 3', assessedOn: '2026-03-15' })

    // null clears a level or the location; an omitted field is left alone.
    const cleared = await w.t.call('assessments.saveDraft', {
      id: a.id,
      scores: [{ criterionId: 'isolation', levelId: null }],
      location: null,
    })
    expect(cleared.outcome.total).toBe(1.5)
    const after = await w.t.call('assessments.get', { id: a.id })
    expect(after).toMatchObject({ location: null, overallComment: 'Good start' })
    expect(after.scores[0]).toEqual({
      criterionId: 'isolation',
      levelId: null,
      comment: 'Proved dead with a tester',
    })
  })

  it('returns the provisional outcome, equal to computeOutcome on the saved scores', async () => {
    const w = await world()
    const a = await draft(w)
    const saved = await w.t.call('assessments.saveDraft', { id: a.id, scores: passingScores })
    expect(saved.outcome).toEqual(computeOutcome(safetyRubric, passingScores))
    expect(saved.outcome).toMatchObject({ total: 9, maxTotal: 12, percent: 75, passed: true })
  })

  it('a save that changes nothing writes nothing (no audit entry, same updatedAt)', async () => {
    const w = await world()
    const a = await draft(w)
    const one = await w.t.call('assessments.saveDraft', {
      id: a.id,
      scores: [{ criterionId: 'isolation', levelId: 'expert' }],
    })
    const two = await w.t.call('assessments.saveDraft', {
      id: a.id,
      scores: [{ criterionId: 'isolation', levelId: 'expert' }],
      overallComment: '',
    })
    expect(two.changed).toBe(false)
    expect(two.updatedAt).toBe(one.updatedAt)
    expect(auditActions(w.sqlite, a.id)).toEqual(['assessment.create', 'assessment.update'])
  })

  it('refuses unknown criteria and levels with their position, and saves none of that call', async () => {
    const w = await world()
    const a = await draft(w)
    const err = await w.t
      .call('assessments.saveDraft', {
        id: a.id,
        overallComment: 'should not be saved',
        scores: [
          { criterionId: 'isolation', levelId: 'expert' },
          { criterionId: 'wiring', levelId: 'expert' },
          { criterionId: 'termination', levelId: 'outstanding' },
          { criterionId: 'isolation', levelId: 'competent' },
        ],
      })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TesseraError)
    expect(err).toMatchObject({ code: 'validation' })
    expect((err as TesseraError).issues).toEqual([
      { path: ['scores', 1, 'criterionId'], message: '"wiring" is not a criterion of this rubric' },
      { path: ['scores', 2, 'levelId'], message: '"outstanding" is not a level of "Cable termination"' },
      { path: ['scores', 3, 'criterionId'], message: '"isolation" is given twice' },
    ])
    const got = await w.t.call('assessments.get', { id: a.id })
    expect(got.overallComment).toBe('')
    expect(got.scores.every((s) => s.levelId === null)).toBe(true)
  })
})

describe('assessments: finalize', () => {
  it('refuses incomplete scoring, naming the missing criteria', async () => {
    const w = await world()
    const a = await draft(w)
    await w.t.call('assessments.saveDraft', {
      id: a.id,
      scores: [{ criterionId: 'termination', levelId: 'expert' }],
    })
    const err = (await w.t
      .call('assessments.finalize', { id: a.id })
      .catch((e: unknown) => e)) as TesseraError
    expect(err.code).toBe('validation')
    expect(err.message).toBe(
      `Cannot finalize assessment ${a.id}: 2 of 3 criteria are not scored: "Safe isolation" (isolation), "Housekeeping" (housekeeping)`,
    )
    expect(err.issues).toEqual([
      { path: ['scores', 'isolation'], message: '"Safe isolation" is not scored' },
      { path: ['scores', 'housekeeping'], message: '"Housekeeping" is not scored' },
    ])
    expect((await w.t.call('assessments.get', { id: a.id })).state).toBe('draft')
  })

  it('stores exactly the outcome computeOutcome gives, signed off by the assessor, and freezes it', async () => {
    const w = await world()
    const failing = [
      { criterionId: 'isolation', levelId: 'developing' },
      { criterionId: 'termination', levelId: 'expert' },
      { criterionId: 'housekeeping', levelId: 'expert' },
    ]
    const f = await finalized(w, failing)
    const expected = computeOutcome(safetyRubric, failing)
    expect(f).toMatchObject({
      state: 'finalized',
      outcomeFinal: true,
      finalizedBy: { id: w.assessorId, name: 'R. Okafor' },
    })
    expect(f.outcome).toEqual(expected)
    expect(f.outcome.passed).toBe(false)
    // 2×1 + 1.5×3 + 0.5×3 = 8 of 12 (66.66 %) and "Safe isolation" below Competent: both rules fail.
    expect(f.outcome.failedRules.map((r) => r.rule)).toEqual(['critical_criterion', 'min_total'])
    expect(f.finalizedAt).toMatch(/^\d{4}-\d\d-\d\dT/)
    const stored = w.sqlite
      .prepare('SELECT outcome, finalized_by FROM assessment WHERE id = ?')
      .get(f.id) as { outcome: string; finalized_by: string }
    expect(JSON.parse(stored.outcome)).toEqual(expected)
    expect(stored.finalized_by).toBe(w.assessorId)
    const entry = f.history.at(-1)
    expect(entry).toMatchObject({
      action: 'assessment.finalize',
      details: { passed: false, total: expected.total, finalizedBy: w.assessorId },
    })
  })

  it('only the assessment’s assessor can sign it off', async () => {
    const w = await world()
    const other = await w.t.call('assessors.add', { name: 'B. Tanaka' })
    const a = await draft(w)
    await w.t.call('assessments.saveDraft', { id: a.id, scores: passingScores })
    await expect(w.t.call('assessments.finalize', { id: a.id, assessorId: other.id })).rejects.toMatchObject({
      code: 'forbidden',
    })
    expect((await w.t.call('assessments.finalize', { id: a.id, assessorId: w.assessorId })).state).toBe(
      'finalized',
    )
  })
})

describe('assessments: state machine', () => {
  it('draft → finalized → voided; everything else is refused with a conflict', async () => {
    const w = await world()
    const f = await finalized(w)
    const conflictFor = async (p: Promise<unknown>) => {
      const e = (await p.catch((x: unknown) => x)) as TesseraError
      expect(e).toBeInstanceOf(TesseraError)
      expect(e.code).toBe('conflict')
      return e.message
    }
    expect(
      await conflictFor(w.t.call('assessments.saveDraft', { id: f.id, overallComment: 'late edit' })),
    ).toMatch(/cannot be saved: it was finalized on .* and is frozen; to change it, make a correction/)
    expect(await conflictFor(w.t.call('assessments.finalize', { id: f.id }))).toMatch(/already finalized/)
    expect(
      await conflictFor(
        w.t.call('evidence.add', {
          assessmentId: f.id,
          filename: 'late.txt',
          mediaType: 'text/plain',
          dataBase64: 'aGk=',
        }),
      ),
    ).toMatch(/cannot be given evidence/)

    const v = await w.t.call('assessments.void', { id: f.id, reason: 'Wrong learner selected' })
    expect(v).toMatchObject({ state: 'voided', voidReason: 'Wrong learner selected', outcomeFinal: true })
    expect(v.outcome).toEqual(f.outcome) // the record stays, outcome included
    expect(await conflictFor(w.t.call('assessments.void', { id: f.id, reason: 'again' }))).toMatch(
      /already voided/,
    )
    expect(await conflictFor(w.t.call('assessments.finalize', { id: f.id }))).toMatch(/voided/)
    expect(await conflictFor(w.t.call('assessments.correct', { id: f.id }))).toMatch(
      /voided and cannot be corrected/,
    )
    expect(await conflictFor(w.t.call('assessments.saveDraft', { id: f.id, overallComment: 'x' }))).toMatch(
      /voided/,
    )
    expect(auditActions(w.sqlite, f.id)).toEqual([
      'assessment.create',
      'assessment.update',
      'assessment.finalize',
      'assessment.void',
    ])
  })

  it('a draft can be voided (a mistake kept on record) but not corrected', async () => {
    const w = await world()
    const a = await draft(w)
    await expect(w.t.call('assessments.correct', { id: a.id })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/still a draft/),
    })
    const v = await w.t.call('assessments.void', { id: a.id, reason: 'Started by mistake' })
    expect(v).toMatchObject({ state: 'voided', outcomeFinal: false, finalizedAt: null })
    await expect(w.t.call('assessments.finalize', { id: a.id })).rejects.toMatchObject({ code: 'conflict' })
  })

  it('voiding needs a reason', async () => {
    const w = await world()
    const f = await finalized(w)
    const r = await w.t.dispatch('assessments.void', { id: f.id, reason: '   ' })
    expect(r).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path: ['reason'] }] } })
    expect((await w.t.call('assessments.get', { id: f.id })).state).toBe('finalized')
  })

  it('unknown ids are not_found', async () => {
    const w = await world()
    await expect(w.t.call('assessments.get', { id: 'nope' })).rejects.toMatchObject({ code: 'not_found' })
    await expect(w.t.call('assessments.saveDraft', { id: 'nope' })).rejects.toMatchObject({
      code: 'not_found',
    })
    await expect(w.t.call('assessments.finalize', { id: 'nope' })).rejects.toMatchObject({
      code: 'not_found',
    })
    await expect(w.t.call('assessments.void', { id: 'nope', reason: 'x' })).rejects.toMatchObject({
      code: 'not_found',
    })
  })
})

describe('assessments: corrections', () => {
  it('a correction is a new draft superseding the finalized one, with its scores, comments and evidence copied', async () => {
    const w = await world()
    const a = await draft(w)
    await w.t.call('assessments.saveDraft', {
      id: a.id,
      scores: passingScores.map((s) => ({ ...s, comment: `on ${s.criterionId}` })),
      overallComment: 'Solid',
      location: 'Bay 3',
    })
    const note = await w.t.call('evidence.add', {
      assessmentId: a.id,
      filename: 'note.txt',
      mediaType: 'text/plain',
      dataBase64: Buffer.from('checked').toString('base64'),
    })
    const original = await w.t.call('assessments.finalize', { id: a.id })

    const c = await w.t.call('assessments.correct', { id: original.id })
    expect(c).toMatchObject({
      state: 'draft',
      supersedesId: original.id,
      overallComment: 'Solid',
      location: 'Bay 3',
      assessedOn: '2026-03-14',
    })
    expect(c.id).not.toBe(original.id)
    expect(c.scores).toEqual(original.scores)
    expect(c.evidence).toEqual([
      expect.objectContaining({ filename: 'note.txt', sha256: note.sha256, assessmentId: c.id }),
    ])
    expect(c.evidence[0]?.id).not.toBe(note.id)
    expect(c.history).toEqual([
      expect.objectContaining({
        action: 'assessment.correct',
        details: expect.objectContaining({ supersedesId: original.id }),
      }),
    ])
    expect((await w.t.call('assessments.get', { id: original.id })).supersededById).toBe(c.id)

    // One correction at a time; the original is untouched.
    await expect(w.t.call('assessments.correct', { id: original.id })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining(`correction in progress: draft ${c.id}`),
    })
    const fixed = await w.t.call('assessments.saveDraft', {
      id: c.id,
      scores: [{ criterionId: 'housekeeping', levelId: 'expert' }],
    })
    expect(fixed.outcome.total).toBe(10)
    const done = await w.t.call('assessments.finalize', { id: c.id })
    expect(done.outcome.total).toBe(10)
    const unchanged = await w.t.call('assessments.get', { id: original.id })
    expect(unchanged).toMatchObject({
      state: 'finalized',
      outcome: original.outcome,
      scores: original.scores,
      supersededById: c.id,
    })

    // Correct the newest in the chain, not an older one.
    await expect(w.t.call('assessments.correct', { id: original.id })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining(`already corrected by ${c.id}; correct that one instead`),
    })
    const second = await w.t.call('assessments.correct', { id: c.id })
    expect(second.supersedesId).toBe(c.id)
  })

  it('a voided correction frees the original to be corrected again', async () => {
    const w = await world()
    const f = await finalized(w)
    const c = await w.t.call('assessments.correct', { id: f.id })
    await w.t.call('assessments.void', { id: c.id, reason: 'Abandoned' })
    expect((await w.t.call('assessments.get', { id: f.id })).supersededById).toBeNull()
    expect((await w.t.call('assessments.correct', { id: f.id })).supersedesId).toBe(f.id)
  })
})

describe('assessments: audit', () => {
  it('every write leaves an audit entry in the same chain, and the chain verifies', async () => {
    const w = await world()
    const a = await draft(w)
    await w.t.call('assessments.saveDraft', { id: a.id, scores: passingScores })
    const e = await w.t.call('evidence.add', {
      assessmentId: a.id,
      filename: 'a.txt',
      mediaType: 'text/plain',
      dataBase64: 'YQ==',
    })
    await w.t.call('evidence.remove', { id: e.id })
    await w.t.call('assessments.finalize', { id: a.id })
    const c = await w.t.call('assessments.correct', { id: a.id })
    await w.t.call('assessments.void', { id: a.id, reason: 'Replaced' })
    expect(auditActions(w.sqlite, a.id)).toEqual([
      'assessment.create',
      'assessment.update',
      'evidence.add',
      'evidence.remove',
      'assessment.finalize',
      'assessment.void',
    ])
    expect(auditActions(w.sqlite, c.id)).toEqual(['assessment.correct'])
    const got = await w.t.call('assessments.get', { id: a.id })
    expect(got.history.map((h) => h.action)).toEqual(auditActions(w.sqlite, a.id))
    expect(got.history.find((h) => h.action === 'assessment.void')?.details).toEqual({
      reason: 'Replaced',
      previousState: 'finalized',
    })
    expect((await w.t.call('system.doctor', {})).ok).toBe(true)
  })
})
