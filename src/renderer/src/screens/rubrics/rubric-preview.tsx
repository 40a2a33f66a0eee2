import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { RubricDraft } from './model'

/** What the assessor will see when scoring: each criterion with its levels, weights and rules. */
export function RubricPreview({ draft }: { draft: RubricDraft }): ReactNode {
  const { t } = useTranslation()
  const max = draft.criteria.reduce((sum, c) => {
    const top = Math.max(0, ...c.levels.map((l) => Number(l.points) || 0))
    return sum + (Number(c.weight) || 0) * top
  }, 0)
  return (
    <section className="card rubric-preview" aria-labelledby="preview-title">
      <h2 id="preview-title" className="section-title">
        {t('rubrics.preview')}
      </h2>
      <p className="muted">
        {t(draft.passing.unit === 'percent' ? 'rubrics.passRulePercent' : 'rubrics.passRulePoints', {
          min: draft.passing.minTotal,
          max: Math.round(max * 100) / 100,
        })}
      </p>
      <ol className="preview-criteria">
        {draft.criteria.map((c, i) => (
          <li key={i} className="preview-criterion">
            <h3 className="preview-title" dir="auto">
              {c.title || t('rubrics.untitled')}
              {c.critical && <span className="badge-critical">{t('rubrics.criticalBadge')}</span>}
              <span className="muted preview-weight"> · {t('rubrics.weightShort', { w: c.weight })}</span>
            </h3>
            {c.description && (
              <p className="muted" dir="auto">
                {c.description}
              </p>
            )}
            <ul className="preview-levels">
              {c.levels.map((l) => (
                <li
                  key={l.id}
                  className={c.critical && c.minLevelId === l.id ? 'preview-level min' : 'preview-level'}
                >
                  <span className="preview-level-label" dir="auto">
                    {l.label || '—'}
                  </span>
                  <span className="preview-level-points">{t('rubrics.pointsN', { n: l.points })}</span>
                  {l.description && (
                    <span className="preview-level-desc" dir="auto">
                      {l.description}
                    </span>
                  )}
                  {c.critical && c.minLevelId === l.id && (
                    <span className="preview-level-min">{t('rubrics.minimumHere')}</span>
                  )}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  )
}
