import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Button } from '../../components/button'
import { useOp } from '../../hooks/use-op'

/** One rubric: its versions, oldest first, each with its note and what changed from the one before. */
export function RubricVersions({
  id,
  onEdit,
  onExport,
  onBack,
}: {
  id: string
  onEdit: () => void
  onExport: (version: number) => void
  onBack: () => void
}): ReactNode {
  const { t, i18n } = useTranslation()
  const [versions, reload] = useOp('rubrics.versions', { rubricId: id })
  const [detail] = useOp('rubrics.get', { rubricId: id })
  const dateTime = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })
  if (versions.status === 'loading') return <p className="muted">{t('rubrics.loading')}</p>
  if (versions.status === 'error')
    return (
      <div className="error-banner" role="alert">
        <p className="error-banner-message">{versions.error.message}</p>
        <Button onClick={reload}>{t('common.retry')}</Button>
      </div>
    )
  const v = versions.value
  return (
    <section className="card rubric-show" aria-labelledby="rubric-show-title">
      <div className="detail-header">
        <h2 id="rubric-show-title" className="section-title" dir="auto">
          {v.name}
        </h2>
        <div className="row-buttons">
          <Button variant="primary" onClick={onEdit}>
            {t('rubrics.edit')}
          </Button>
          <Button onClick={onBack}>{t('rubrics.backToList')}</Button>
        </div>
      </div>
      {detail.status === 'ok' && (
        <p className="muted">
          {t('rubrics.summaryLine', {
            achievement: detail.value.achievement.name,
            criteria: detail.value.version.criteriaCount,
            rule: detail.value.version.passingText,
          })}
        </p>
      )}
      <h3 className="subsection-title">{t('rubrics.versions')}</h3>
      <ol className="version-list" data-testid="rubric-versions">
        {[...v.versions].reverse().map((ver) => (
          <li key={ver.id} className="version-item">
            <div className="version-head">
              <strong>{t('rubrics.versionN', { n: ver.version })}</strong>
              <span className="muted">{dateTime.format(new Date(ver.createdAt))}</span>
              {ver.frozen ? (
                <span className="tag">{t('rubrics.usedBy', { count: ver.assessmentCount })}</span>
              ) : (
                <span className="tag tag-soft">{t('rubrics.notUsed')}</span>
              )}
              <Button
                onClick={() => onExport(ver.version)}
                aria-label={t('rubrics.exportVersion', { n: ver.version })}
              >
                {t('rubrics.export')}
              </Button>
            </div>
            {ver.changeNote && (
              <p dir="auto" className="version-note">
                {ver.changeNote}
              </p>
            )}
            {ver.changes.length > 0 && (
              <ul className="change-list" aria-label={t('rubrics.whatChanged', { n: ver.version })}>
                {ver.changes.map((c, i) => (
                  <li key={i} className={`change change-${c.kind}`}>
                    <span className="change-kind">{t(`rubrics.change.${c.kind}`)}</span> {c.message}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </section>
  )
}
