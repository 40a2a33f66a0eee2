import type { AssessmentDetail } from '../contract/ops/assessments'
import type { FailedRule, Outcome } from '../core/domain/outcome'
import type { RubricContent } from '../core/domain/rubric-types'

/** Numbers as people write them: 7.5, not 7.500000000000001 (outcomes are exact already). */
const num = (n: number): string => String(n)

/** One failed rule in words, for the terminal. */
export function describeFailedRule(rule: FailedRule, content: RubricContent): string {
  const title = (id: string) => content.criteria.find((c) => c.id === id)?.title ?? id
  switch (rule.rule) {
    case 'min_total':
      return rule.unit === 'percent'
        ? `total ${num(rule.actual)} % is below the required ${num(rule.required)} %`
        : `total ${num(rule.actual)} points is below the required ${num(rule.required)} points`
    case 'critical_criterion':
      return `critical criterion "${rule.criterionTitle}" needs "${rule.requiredLevelLabel}" or higher, but was scored "${rule.achievedLevelLabel}"`
    case 'incomplete':
      return `not scored yet: ${rule.missingCriterionIds.map((id) => `"${title(id)}"`).join(', ')}`
    case 'unknown_level':
      return `"${title(rule.criterionId)}" has a score with an unknown level ${rule.levelId}`
    case 'unknown_criterion':
      return `a score names criterion ${rule.criterionId}, which the rubric does not have`
    case 'duplicate_score':
      return `"${title(rule.criterionId)}" is scored more than once`
    case 'invalid_rubric':
      return `the rubric cannot be used: ${rule.problems.join('; ')}`
  }
}

export function outcomeLines(outcome: Outcome, content: RubricContent, final: boolean): string[] {
  const verdict = outcome.passed ? 'PASS' : 'FAIL'
  return [
    `Total:      ${num(outcome.total)} / ${num(outcome.maxTotal)} points (${num(outcome.percent)} %)`,
    `Result:     ${final ? verdict : `${verdict} (provisional: the assessment is not finalized)`}`,
    ...outcome.failedRules.map((r) => `  - ${describeFailedRule(r, content)}`),
  ]
}

/** The whole assessment as `assessments show` prints it. */
export function assessmentText(
  a: AssessmentDetail,
  opts: { scores?: boolean; history?: boolean } = {},
): string {
  const content = a.rubric.content
  const lines = [
    `Assessment ${a.id} (${a.state})`,
    `Learner:    ${a.learner.fullName}${a.learner.externalId ? ` [${a.learner.externalId}]` : ''} (${a.learner.id})`,
    `Rubric:     ${a.rubric.name} v${a.rubric.version} (${a.rubric.rubricId})`,
    `Assessor:   ${a.assessor.name}`,
    `Date:       ${a.assessedOn}${a.location ? `, ${a.location}` : ''}`,
  ]
  if (a.finalizedAt) lines.push(`Finalized:  ${a.finalizedAt} by ${a.finalizedBy?.name ?? '?'}`)
  if (a.voidedAt) lines.push(`Voided:     ${a.voidedAt}: ${a.voidReason}`)
  if (a.supersedesId) lines.push(`Corrects:   ${a.supersedesId}`)
  if (a.supersededById) lines.push(`Corrected by: ${a.supersededById}`)
  lines.push(...outcomeLines(a.outcome, content, a.outcomeFinal))
  if (opts.scores) {
    lines.push('', 'Scores:')
    for (const c of content.criteria) {
      const s = a.scores.find((x) => x.criterionId === c.id)
      const level = c.levels.find((l) => l.id === s?.levelId)
      const scored = a.outcome.criteria.find((x) => x.criterionId === c.id)
      const points = level ? `${num(scored?.weighted ?? 0)}/${num(scored?.maxWeighted ?? 0)}` : '-'
      lines.push(`  ${c.critical ? '!' : ' '} ${c.title}: ${level ? level.label : '(not scored)'}  ${points}`)
      if (s?.comment) lines.push(`      ${s.comment}`)
    }
    if (a.overallComment) lines.push('', `Comment:    ${a.overallComment}`)
  }
  if (a.evidence.length > 0) {
    lines.push('', 'Evidence:')
    for (const e of a.evidence)
      lines.push(`  ${e.id}  ${e.filename}  ${e.mediaType}  ${e.size} bytes  sha256:${e.sha256}`)
  }
  if (opts.history) {
    lines.push('', 'History:')
    for (const h of a.history) lines.push(`  ${h.at}  ${h.actor}  ${h.action}`)
  }
  return lines.join('\n')
}
