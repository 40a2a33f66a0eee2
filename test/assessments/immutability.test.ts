import { describe, expect, it } from 'vitest'
import { draft, finalized, PNG_1PX, world } from './fixtures'

/**
 * The services refuse to change signed-off work (lifecycle.test.ts); these tests show the database
 * triggers hold too, for code that goes around the services with plain SQL.
 */
describe('finalized assessments are frozen in the database itself', () => {
  async function finalizedWithEvidence() {
    const w = await world()
    const a = await draft(w)
    await w.t.call('assessments.saveDraft', {
      id: a.id,
      scores: [
        { criterionId: 'isolation', levelId: 'competent' },
        { criterionId: 'termination', levelId: 'expert' },
        { criterionId: 'housekeeping', levelId: 'developing' },
      ],
    })
    await w.t.call('evidence.add', {
      assessmentId: a.id,
      filename: 'px.png',
      mediaType: 'image/png',
      dataBase64: PNG_1PX.toString('base64'),
    })
    const f = await w.t.call('assessments.finalize', { id: a.id })
    return { ...w, f }
  }

  it('refuses direct updates, deletes and inserts of the assessment, its scores and its evidence', async () => {
    const { sqlite, f } = await finalizedWithEvidence()
    const frozen = /finalized/
    const run =
      (s: string, ...p: unknown[]) =>
      () =>
        sqlite.prepare(s).run(...p)
    expect(run(`UPDATE assessment SET overall_comment = 'edited' WHERE id = ?`, f.id)).toThrow(frozen)
    expect(run(`UPDATE assessment SET outcome = '{"passed":true}' WHERE id = ?`, f.id)).toThrow(frozen)
    expect(run(`UPDATE assessment SET state = 'draft' WHERE id = ?`, f.id)).toThrow(frozen)
    expect(run(`DELETE FROM assessment WHERE id = ?`, f.id)).toThrow(frozen)
    expect(run(`UPDATE assessment_score SET level_id = 'expert' WHERE assessment_id = ?`, f.id)).toThrow(
      frozen,
    )
    expect(run(`DELETE FROM assessment_score WHERE assessment_id = ?`, f.id)).toThrow(frozen)
    expect(
      run(
        `INSERT INTO assessment_score (assessment_id, criterion_id, level_id) VALUES (?, 'extra', 'expert')`,
        f.id,
      ),
    ).toThrow(frozen)
    expect(run(`UPDATE evidence SET filename = 'other.png' WHERE assessment_id = ?`, f.id)).toThrow(frozen)
    expect(run(`DELETE FROM evidence WHERE assessment_id = ?`, f.id)).toThrow(frozen)
    expect(
      run(
        `INSERT INTO evidence (id, device_id, created_at, updated_at, assessment_id, filename, media_type, size, sha256)
         VALUES ('e2', 'd', 'x', 'x', ?, 'sneaky.png', 'image/png', 1, 'abc')`,
        f.id,
      ),
    ).toThrow(frozen)
    expect(run(`DELETE FROM blob`)).toThrow(/cannot be deleted/)
    expect(run(`UPDATE blob SET data = x'00'`)).toThrow(/cannot be changed/)

    const row = sqlite
      .prepare('SELECT state, overall_comment, outcome FROM assessment WHERE id = ?')
      .get(f.id) as { outcome: string }
    expect(row).toMatchObject({ state: 'finalized', overall_comment: '' })
    expect(JSON.parse(row.outcome)).toEqual(f.outcome)
    expect(
      sqlite.prepare('SELECT count(*) AS n FROM assessment_score WHERE assessment_id = ?').get(f.id),
    ).toEqual({ n: 3 })
  })

  it('voiding by SQL may only set the void fields; a voided row is frozen entirely', async () => {
    const { sqlite, f } = await finalizedWithEvidence()
    const voidWith = (extra: string) =>
      sqlite.prepare(
        `UPDATE assessment SET state = 'voided', voided_at = 'now', void_reason = 'r'${extra} WHERE id = ?`,
      )
    expect(() => voidWith(`, overall_comment = 'sneaky'`).run(f.id)).toThrow(/finalized/)
    expect(() => voidWith(`, assessed_on = '2020-01-01'`).run(f.id)).toThrow(/finalized/)
    expect(() => voidWith(`, finalized_by = NULL`).run(f.id)).toThrow()
    expect(() =>
      sqlite.prepare(`UPDATE assessment SET state = 'voided', voided_at = 'now' WHERE id = ?`).run(f.id),
    ).toThrow(/CHECK/)
    voidWith('').run(f.id)
    expect(() =>
      sqlite.prepare(`UPDATE assessment SET void_reason = 'changed' WHERE id = ?`).run(f.id),
    ).toThrow(/finalized or voided/)
    expect(() => sqlite.prepare(`UPDATE assessment SET state = 'finalized' WHERE id = ?`).run(f.id)).toThrow(
      /finalized or voided/,
    )
  })

  it('a finalized row must carry its outcome and who signed it off', async () => {
    const w = await world()
    const a = await draft(w)
    expect(() =>
      w.sqlite
        .prepare(
          `UPDATE assessment SET state = 'finalized', finalized_at = 'now', finalized_by = ? WHERE id = ?`,
        )
        .run(w.assessorId, a.id),
    ).toThrow(/CHECK/)
  })

  it('drafts stay editable by SQL (the triggers only guard signed-off work)', async () => {
    const w = await world()
    const a = await draft(w)
    w.sqlite.prepare(`UPDATE assessment SET overall_comment = 'fine' WHERE id = ?`).run(a.id)
    expect((await w.t.call('assessments.get', { id: a.id })).overallComment).toBe('fine')
  })

  it('the service refuses first, with a conflict rather than a database error', async () => {
    const w = await world()
    const f = await finalized(w)
    const r = await w.t.dispatch('assessments.saveDraft', {
      id: f.id,
      scores: [{ criterionId: 'isolation', levelId: 'expert' }],
    })
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'conflict', details: { id: f.id, state: 'finalized' } },
    })
    if (!r.ok) expect(r.error.details).not.toHaveProperty('sqlite')
  })
})
