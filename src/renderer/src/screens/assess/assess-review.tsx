import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { AssessmentDetail } from '../../../../contract/ops/assessments'

type Outcome = AssessmentDetail['outcome']
type Rubric = AssessmentDetail['rubric']['content']

/** The computed outcome in words: total, percent, pass or fail, and every rule that failed. */
export function OutcomeSummary({ outcome, rubric }: { outcome: Outcome; rubric: Rubric }): ReactNode {
  const { t } = useTranslation()
  const titleOf = (id: string): string => rubric.criteria.find((c) => c.id === id)?.title ?? id
  return (
    <div className="assess-stack">
      <p className={`assess-verdict ${outcome.passed ? 'assess-verdict-pass' : 'assess-verdict-fail'}`}>
        <span aria-hidden="true">{outcome.passed ? '✓ ' : '✗ '}</span>
        {outcome.passed ? t('assess.pass') : t('assess.fail')}
      </p>
      <dl className="facts">
        <dt>{t('assess.total')}</dt>
        <dd>{t('assess.totalValue', { total: outcome.total, max: outcome.maxTotal })}</dd>
        <dt>{t('assess.percent')}</dt>
        <dd>{t('assess.percentValue', { n: outcome.percent })}</dd>
        <dt>{t('assess.required')}</dt>
        <dd>
          {rubric.passing.unit === 'percent'
            ? t('assess.percentValue', { n: rubric.passing.minTotal })
            : t('assess.pointsValue', { n: rubric.passing.minTotal })}
        </dd>
      </dl>
      {outcome.failedRules.length > 0 && (
        <>
          <h3>{t('assess.failedRules')}</h3>
          <ul>
            {outcome.failedRules.map((r, i) => {
              switch (r.rule) {
                case 'min_total':
                  return (
                    <li key={i}>
                      {r.unit === 'percent'
                        ? t('assess.ruleMinPercent', { actual: r.actual, required: r.required })
                        : t('assess.ruleMinPoints', { actual: r.actual, required: r.required })}
                    </li>
                  )
                case 'critical_criterion':
                  return (
                    <li key={i}>
                      {t('assess.ruleCritical', {
                        criterion: r.criterionTitle,
                        achieved: r.achievedLevelLabel,
                        required: r.requiredLevelLabel,
                      })}
                    </li>
                  )
                case 'incomplete':
                  return (
                    <li key={i}>
                      {t('assess.ruleIncomplete', {
                        count: r.missingCriterionIds.length,
                        list: r.missingCriterionIds.map(titleOf).join(', '),
                      })}
                    </li>
                  )
                default:
                  return <li key={i}>{t('assess.ruleOther', { rule: r.rule })}</li>
              }
            })}
          </ul>
        </>
      )}
    </div>
  )
}
