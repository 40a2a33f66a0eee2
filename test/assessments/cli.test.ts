import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AssessmentDetail } from '../../src/contract/ops/assessments'
import { openTessera } from '../../src/core/app'
import { runCli } from '../helpers/cli'
import { tempDir, testSecrets } from '../helpers/temp-db'
import { insertLearner, insertRubric, PNG_1PX, safetyRubric } from './fixtures'

/** A database file with an organization, a learner and the safety rubric, closed for the CLI to open. */
async function prepare(): Promise<{ dir: string; db: string; learnerId: string; rubricId: string }> {
  const dir = tempDir()
  const db = path.join(dir, 'tessera.db')
  const t = openTessera({ dbFile: db, actor: 'setup', secrets: testSecrets })
  try {
    await t.call('system.init', { organization: { name: 'Northside Skills Trust' } })
    const learnerId = insertLearner(t.ctx.database.sqlite, 'Amina', 'Yusuf')
    const { rubricId } = insertRubric(t.ctx.database.sqlite, safetyRubric)
    return { dir, db, learnerId, rubricId }
  } finally {
    t.close()
  }
}

function writeScores(
  dir: string,
  name: string,
  scores: unknown[],
  extra: Record<string, unknown> = {},
): string {
  const file = path.join(dir, name)
  fs.writeFileSync(
    file,
    JSON.stringify(
      { format: 'tessera.scores', formatVersion: 1, assessedOn: '2026-03-14', ...extra, scores },
      null,
      2,
    ),
  )
  return file
}

const allScored = [
  { criterion: 'isolation', level: 'Competent', comment: 'Proved dead' },
  { criterion: 'termination', level: 'expert' },
  { criterion: 'housekeeping', level: 'developing' },
]

// Each test spawns the real CLI several times (each spawn compiles the sources with tsx); on a busy
// two-core machine that can pass the default 60 s without anything being wrong.
describe('tessera assess / assessments / evidence (CLI)', { timeout: 240_000 }, () => {
  it('records a draft, prints a provisional outcome, refuses to finalize it incomplete, attaches evidence, shows and lists it', async () => {
    const { dir, db, learnerId, rubricId } = await prepare()
    const partial = writeScores(dir, 'partial.json', [
      { criterion: 'isolation', level: 'developing' },
      { criterion: 'termination', level: 'Expert' },
    ])
    const assess = runCli([
      '--db',
      db,
      '--as',
      'ro',
      'assess',
      '--learner',
      learnerId,
      '--rubric',
      rubricId,
      '--assessor',
      'R. Okafor',
      '--scores',
      partial,
    ])
    expect(assess.stderr).toBe('')
    expect(assess.code).toBe(0)
    expect(assess.stdout).toContain('(draft)')
    expect(assess.stdout).toContain('Total:      6.5 / 12 points (54.16 %)') // 2×1 + 1.5×3, truncated
    expect(assess.stdout).toContain('FAIL (provisional: the assessment is not finalized)')
    expect(assess.stdout).toContain(
      'critical criterion "Safe isolation" needs "Competent" or higher, but was scored "Developing"',
    )
    expect(assess.stdout).toContain('not scored yet: "Housekeeping"')
    const id = /^Assessment (\S+) \(draft\)/m.exec(assess.stdout)?.[1] ?? ''
    expect(id).not.toBe('')

    const finalizeIncomplete = runCli(['--db', db, 'assessments', 'finalize', id])
    expect(finalizeIncomplete.code).toBe(1)
    expect(finalizeIncomplete.stderr).toContain('criteria are not scored: "Housekeeping" (housekeeping)')
    expect(finalizeIncomplete.stderr).toContain('scores.housekeeping: "Housekeeping" is not scored')

    const photo = path.join(dir, 'board.png')
    fs.writeFileSync(photo, PNG_1PX)
    const ev = runCli(['--db', db, '--json', 'evidence', 'add', id, photo])
    expect(ev.code).toBe(0)
    expect(ev.json()).toMatchObject({ filename: 'board.png', mediaType: 'image/png', size: PNG_1PX.length })

    const show = runCli(['--db', db, '--json', 'assessments', 'show', id])
    expect(show.code).toBe(0)
    const detail = show.json<AssessmentDetail>()
    expect(detail).toMatchObject({
      id,
      state: 'draft',
      learner: { fullName: 'Amina Yusuf' },
      assessor: { name: 'R. Okafor' },
    })
    expect(detail.evidence).toHaveLength(1)
    expect(detail.history.map((h) => [h.actor, h.action])).toEqual([
      ['ro', 'assessment.create'],
      [expect.any(String), 'evidence.add'],
    ])

    const list = runCli(['--db', db, 'assessments', 'list', '--state', 'draft'])
    expect(list.code).toBe(0)
    expect(list.stdout).toContain(id)
    expect(list.stdout).toContain('Amina Yusuf')
    expect(list.stdout).toContain('Electrical safety v1')

    const showText = runCli(['--db', db, 'assessments', 'show', id])
    expect(showText.stdout).toContain('Safe isolation: Developing')
    expect(showText.stdout).toContain('Housekeeping: (not scored)')
    expect(showText.stdout).toContain('board.png')
  })

  it('assessments finalize and void: signed off, then voided with a reason; illegal steps exit 1 or 2', async () => {
    const { dir, db, learnerId, rubricId } = await prepare()
    const file = writeScores(dir, 'all.json', allScored)
    const id = runCli([
      '--db',
      db,
      '--json',
      'assess',
      '--learner',
      learnerId,
      '--rubric',
      rubricId,
      '--assessor',
      'R. Okafor',
      '--scores',
      file,
    ]).json<AssessmentDetail>().id

    const fin = runCli(['--db', db, 'assessments', 'finalize', id, '--assessor', 'R. Okafor'])
    expect(fin.code).toBe(0)
    expect(fin.stdout).toContain(`Finalized ${id}.`)
    expect(fin.stdout).toContain('Result:     PASS')

    const voidNoReason = runCli(['--db', db, 'assessments', 'void', id])
    expect(voidNoReason.code).toBe(2)
    const voided = runCli(['--db', db, 'assessments', 'void', id, '--reason', 'Started on the wrong rubric'])
    expect(voided.code).toBe(0)
    expect(voided.stdout).toContain(`Voided ${id}: Started on the wrong rubric`)
    const again = runCli(['--db', db, '--json', 'assessments', 'void', id, '--reason', 'again'])
    expect(again.code).toBe(1)
    expect(again.json()).toMatchObject({ ok: false, error: { code: 'conflict' } })
  })

  it('assess --finalize signs off at once and prints PASS; exit 0 also for FAIL', async () => {
    const { dir, db, learnerId, rubricId } = await prepare()
    const file = writeScores(dir, 'all.json', allScored, { location: 'Bay 3', overallComment: 'Good' })
    const r = runCli([
      '--db',
      db,
      '--json',
      'assess',
      '--learner',
      learnerId,
      '--rubric',
      `${rubricId}@1`,
      '--assessor',
      'R. Okafor',
      '--scores',
      file,
      '--finalize',
    ])
    expect(r.code).toBe(0)
    const a = r.json<AssessmentDetail>()
    expect(a).toMatchObject({
      state: 'finalized',
      location: 'Bay 3',
      outcome: { total: 9, maxTotal: 12, percent: 75, passed: true },
    })

    const text = runCli(['--db', db, 'assessments', 'show', a.id])
    expect(text.stdout).toContain('Result:     PASS')
    expect(text.stdout).not.toContain('provisional')

    const failing = writeScores(
      dir,
      'fail.json',
      allScored.map((s) => ({ ...s, level: 'Not yet' })),
    )
    const f = runCli([
      '--db',
      db,
      'assess',
      '--learner',
      learnerId,
      '--rubric',
      rubricId,
      '--assessor',
      'R. Okafor',
      '--scores',
      failing,
      '--finalize',
    ])
    expect(f.code).toBe(0)
    expect(f.stdout).toContain('Result:     FAIL\n')
    expect(f.stdout).toContain('total 0 % is below the required 70 %')

    const finalizedList = runCli([
      '--db',
      db,
      '--json',
      'assessments',
      'list',
      '--state',
      'finalized',
      '--learner',
      learnerId,
    ])
    expect(finalizedList.json<{ total: number }>().total).toBe(2)

    const correct = runCli(['--db', db, 'assessments', 'correct', a.id])
    expect(correct.code).toBe(0)
    expect(correct.stdout).toContain(`corrects ${a.id}`)
  })

  it('a bad scores file exits 1, names the file and every problem with its position, and records nothing', async () => {
    const { dir, db, learnerId, rubricId } = await prepare()
    const bad = writeScores(dir, 'bad.json', [
      { criterion: 'isolation', level: 'competent' },
      { criterion: 'termination', level: 'Excelent' },
      { criterion: 'safety', level: 'expert' },
    ])
    const r = runCli([
      '--db',
      db,
      'assess',
      '--learner',
      learnerId,
      '--rubric',
      rubricId,
      '--assessor',
      'New Person',
      '--scores',
      bad,
    ])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`error: ${bad}: The scores do not fit rubric version 1`)
    expect(r.stderr).toContain('  - scores[1].level: "Excelent" is not a level of "Cable termination"')
    expect(r.stderr).toContain('  - scores[2].criterion: "safety" is not a criterion of this rubric')

    const malformed = path.join(dir, 'malformed.json')
    fs.writeFileSync(
      malformed,
      JSON.stringify({
        format: 'tessera.scores',
        formatVersion: 2,
        scores: [{ criterion: 'isolation', levle: 'x' }],
      }),
    )
    const m = runCli([
      '--db',
      db,
      '--json',
      'assess',
      '--learner',
      learnerId,
      '--rubric',
      rubricId,
      '--assessor',
      'X',
      '--scores',
      malformed,
    ])
    expect(m.code).toBe(1)
    const err = m.json<{ ok: false; error: { code: string; issues: { path: (string | number)[] }[] } }>()
      .error
    expect(err.code).toBe('validation')
    expect(err.issues.map((i) => i.path.join('.'))).toEqual(['formatVersion', 'scores.0'])

    const missing = runCli([
      '--db',
      db,
      'assess',
      '--learner',
      learnerId,
      '--rubric',
      rubricId,
      '--assessor',
      'X',
      '--scores',
      path.join(dir, 'nope.json'),
    ])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('nope.json does not exist')

    const badRef = runCli([
      '--db',
      db,
      'assess',
      '--learner',
      learnerId,
      '--rubric',
      `${rubricId}@latest`,
      '--assessor',
      'X',
      '--scores',
      bad,
    ])
    expect(badRef.code).toBe(2)

    const list = runCli(['--db', db, '--json', 'assessments', 'list'])
    expect(list.json<{ total: number }>().total).toBe(0)
    const assessors = runCli(['--db', db, '--json', 'assessors', 'list'])
    expect(assessors.json<unknown[]>()).toEqual([])
  })

  it('evidence add refuses a file over the size limit before reading it, and an unknown extension', async () => {
    const { dir, db, learnerId, rubricId } = await prepare()
    const file = writeScores(dir, 's.json', allScored)
    const a = runCli([
      '--db',
      db,
      '--json',
      'assess',
      '--learner',
      learnerId,
      '--rubric',
      rubricId,
      '--assessor',
      'R. Okafor',
      '--scores',
      file,
    ]).json<AssessmentDetail>()

    const huge = path.join(dir, 'site-visit.mp4')
    fs.writeFileSync(huge, '')
    fs.truncateSync(huge, 25 * 1024 * 1024 + 1) // sparse: costs no disk
    const r = runCli(['--db', db, 'evidence', 'add', a.id, huge])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      'site-visit.mp4 is 25 MB (26214401 bytes); evidence files may be at most 25 MB (26214400 bytes)',
    )

    const odd = path.join(dir, 'notes.docx')
    fs.writeFileSync(odd, 'x')
    const o = runCli(['--db', db, 'evidence', 'add', a.id, odd])
    expect(o.code).toBe(1)
    expect(o.stderr).toContain('give --type')
    const forced = runCli(['--db', db, 'evidence', 'add', a.id, odd, '--type', 'application/msword'])
    expect(forced.code).toBe(1)
    expect(forced.stderr).toContain('mediaType: must be one of image/jpeg')

    const txt = path.join(dir, 'notes.txt')
    fs.writeFileSync(txt, 'Checked the earth continuity.')
    const ok = runCli(['--db', db, '--json', 'evidence', 'add', a.id, txt])
    expect(ok.code).toBe(0)
    const out = path.join(dir, 'back.txt')
    const exported = runCli(['--db', db, 'evidence', 'export', ok.json<{ id: string }>().id, '--out', out])
    expect(exported.code).toBe(0)
    expect(fs.readFileSync(out, 'utf8')).toBe('Checked the earth continuity.')
  })
})
