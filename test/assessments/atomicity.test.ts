import { describe, expect, it } from 'vitest'
import { count, draft, finalized, passingScores, PNG_1PX, world, type World } from './fixtures'

/**
 * A multi-step write that fails part-way leaves nothing behind. The failure is real: a temporary
 * trigger makes SQLite refuse the audit entry, the last step of every write (as a full disk would).
 */
function failAuditWrites(w: World): void {
  w.sqlite.exec(
    `CREATE TEMP TRIGGER fail_audit BEFORE INSERT ON main.audit_log BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END`,
  )
}

const snapshot = (w: World) => ({
  assessments: w.sqlite.prepare('SELECT * FROM assessment ORDER BY id').all(),
  scores: w.sqlite.prepare('SELECT * FROM assessment_score ORDER BY assessment_id, criterion_id').all(),
  evidence: w.sqlite.prepare('SELECT * FROM evidence ORDER BY id').all(),
  blobs: count(w.sqlite, 'blob'),
  assessors: count(w.sqlite, 'assessor'),
  audit: count(w.sqlite, 'audit_log'),
})

describe('failed writes leave nothing behind', () => {
  it('evidence.add: no blob, no evidence row', async () => {
    const w = await world()
    const a = await draft(w)
    const before = snapshot(w)
    failAuditWrites(w)
    await expect(
      w.t.call('evidence.add', {
        assessmentId: a.id,
        filename: 'px.png',
        mediaType: 'image/png',
        dataBase64: PNG_1PX.toString('base64'),
      }),
    ).rejects.toThrow('simulated disk failure')
    expect(snapshot(w)).toEqual(before)
  })

  it('saveDraft: neither the scores nor the comment', async () => {
    const w = await world()
    const a = await draft(w)
    const before = snapshot(w)
    failAuditWrites(w)
    await expect(
      w.t.call('assessments.saveDraft', { id: a.id, scores: passingScores, overallComment: 'x' }),
    ).rejects.toThrow('simulated')
    expect(snapshot(w)).toEqual(before)
  })

  it('finalize: stays a draft with no outcome', async () => {
    const w = await world()
    const a = await draft(w)
    await w.t.call('assessments.saveDraft', { id: a.id, scores: passingScores })
    const before = snapshot(w)
    failAuditWrites(w)
    await expect(w.t.call('assessments.finalize', { id: a.id })).rejects.toThrow('simulated')
    expect(snapshot(w)).toEqual(before)
  })

  it('correct: no new assessment, scores or evidence copies', async () => {
    const w = await world()
    const a = await draft(w)
    await w.t.call('assessments.saveDraft', { id: a.id, scores: passingScores })
    await w.t.call('evidence.add', {
      assessmentId: a.id,
      filename: 'px.png',
      mediaType: 'image/png',
      dataBase64: PNG_1PX.toString('base64'),
    })
    await w.t.call('assessments.finalize', { id: a.id })
    const before = snapshot(w)
    failAuditWrites(w)
    await expect(w.t.call('assessments.correct', { id: a.id })).rejects.toThrow('simulated')
    expect(snapshot(w)).toEqual(before)
  })

  it('record: a refused --finalize creates no assessment, no scores and no new assessor', async () => {
    const w = await world()
    const before = snapshot(w)
    await expect(
      w.t.call('assessments.record', {
        learnerId: w.learnerId,
        rubricId: w.rubricId,
        assessorName: 'New Assessor',
        assessedOn: '2026-03-14',
        scores: [{ criterion: 'isolation', level: 'Competent' }],
        finalize: true,
      }),
    ).rejects.toMatchObject({ code: 'validation', message: expect.stringContaining('are not scored') })
    expect(snapshot(w)).toEqual(before)
  })

  it('void: stays finalized', async () => {
    const w = await world()
    const f = await finalized(w)
    const before = snapshot(w)
    failAuditWrites(w)
    await expect(w.t.call('assessments.void', { id: f.id, reason: 'x' })).rejects.toThrow('simulated')
    expect(snapshot(w)).toEqual(before)
  })
})
