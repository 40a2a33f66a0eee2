import { describe, expect, it } from 'vitest'
import { buildOpenBadgeCredential } from '../../src/core/credentials/ob3-builder'
import { checkRubricConsistency, type RubricIssue } from '../../src/core/verify/rubric-consistency'
import { readSharedJson, sampleBadgeInput } from './fixtures'

// Tests reach deep into credential JSON; typing every path would hide the intent.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>
const rules = (issues: RubricIssue[]): number[] => [...new Set(issues.map((i) => i.rule))].sort()

async function sample(): Promise<Obj> {
  return buildOpenBadgeCredential(await sampleBadgeInput())
}

describe('rubric consistency (ob3.md §1.7 rules 1-5, plus Tessera rules 6-8)', () => {
  it('accepts the research worked example and the spec basic example', () => {
    expect(
      checkRubricConsistency(readSharedJson('examples/mapping/ob3-example-rubric-credential.json')),
    ).toEqual([])
    expect(checkRubricConsistency(readSharedJson('examples/spec/basicOpenBadgeCredential.json'))).toEqual([])
  })

  it("flags the spec's complete example, whose results point at the wrong descriptions (rules 2 and 3)", () => {
    const issues = checkRubricConsistency(readSharedJson('examples/spec/fullOpenBadge.json'))
    // achievedLevel under the LetterGrade description: an error, as in the DCC suite.
    expect(rules(issues.filter((i) => i.severity === 'error'))).toEqual([2])
    // status under the LetterGrade description: legal, but suspicious.
    expect(rules(issues.filter((i) => i.severity === 'warning'))).toEqual([3])
  })

  it('rule 1: a result must reference a description of this achievement', async () => {
    const c = await sample()
    c.credentialSubject.result[0].resultDescription = 'urn:uuid:00000000-0000-4000-8000-000000000000'
    expect(rules(checkRubricConsistency(c))).toContain(1)
  })

  it("rule 2: achievedLevel must be a level of the referenced description (not another criterion's)", async () => {
    const c = await sample()
    const rds = c.credentialSubject.achievement.resultDescription
    c.credentialSubject.result[0].achievedLevel = rds[1].rubricCriterionLevel[0].id
    expect(checkRubricConsistency(c)).toContainEqual(
      expect.objectContaining({
        rule: 2,
        severity: 'error',
        path: ['credentialSubject', 'result', 0, 'achievedLevel'],
      }),
    )
  })

  it('rule 3: a Status result needs a status', async () => {
    const c = await sample()
    delete c.credentialSubject.result[4].status
    expect(checkRubricConsistency(c)).toEqual([expect.objectContaining({ rule: 3, severity: 'error' })])
    c.credentialSubject.result[4].status = ''
    expect(checkRubricConsistency(c)).toEqual([expect.objectContaining({ rule: 3, severity: 'error' })])
  })

  it('rule 4: achievementType from the enumeration or ext:', async () => {
    const c = await sample()
    c.credentialSubject.achievement.achievementType = 'Trophy'
    expect(rules(checkRubricConsistency(c))).toEqual([4])
    c.credentialSubject.achievement.achievementType = 'ext:Trophy'
    expect(checkRubricConsistency(c)).toEqual([])
  })

  it('rule 5: values within valueMin..valueMax, unique ids', async () => {
    const c = await sample()
    c.credentialSubject.result[3].value = '11'
    expect(rules(checkRubricConsistency(c))).toContain(5)
    const d = await sample()
    const rds = d.credentialSubject.achievement.resultDescription
    rds[1].rubricCriterionLevel[0].id = rds[0].rubricCriterionLevel[0].id
    expect(checkRubricConsistency(d).some((i) => i.rule === 5 && /not unique/.test(i.message))).toBe(true)
  })

  it('rules 6-8 (warnings): total = sum of points, Completed honours the pass rule, levels low→high', async () => {
    const c = await sample()
    c.credentialSubject.result[3].value = '9'
    expect(checkRubricConsistency(c)).toEqual([expect.objectContaining({ rule: 6, severity: 'warning' })])

    const d = await sample()
    // Inspection below its required level while the status says Completed.
    d.credentialSubject.result[0].achievedLevel =
      d.credentialSubject.achievement.resultDescription[0].rubricCriterionLevel[1].id
    d.credentialSubject.result[3].value = '4.5'
    const issues = checkRubricConsistency(d)
    expect(rules(issues)).toEqual([7])
    expect(issues.every((i) => i.severity === 'warning')).toBe(true)

    const e = await sample()
    e.credentialSubject.achievement.resultDescription[1].rubricCriterionLevel.reverse()
    expect(rules(checkRubricConsistency(e))).toContain(8)
  })
})
