import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Button } from '../../components/button'
import { useOp } from '../../hooks/use-op'
import { fullName } from './learner-list'
import { LearnerForm } from './learner-form'

/** One learner: fields, cohorts, assessment history and every earlier version; edit in place. */
export function LearnerDetail({ id, onChanged }: { id: string; onChanged: () => void }): ReactNode {
  const { t, i18n } = useTranslation()
  const [learner, reload] = useOp('learners.get', { id })
  const [history, reloadHistory] = useOp('learners.history', { id })
  const [editing, setEditing] = useState(false)
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' })
  const dateTime = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })

  if (learner.status === 'loading') return <p className="muted">{t('learners.loadingDetail')}</p>
  if (learner.status === 'error')
    return (
      <div className="error-banner" role="alert">
        <p className="error-banner-message">
          {t('learners.detailFailed', { message: learner.error.message })}
        </p>
        <Button onClick={reload}>{t('common.retry')}</Button>
      </div>
    )
  const l = learner.value
  const field = (label: string, value: string | null, ltr = false) => (
    <div className="detail-field">
      <dt>{label}</dt>
      <dd dir={ltr ? 'ltr' : 'auto'}>{value || <span className="muted">{t('learners.notGiven')}</span>}</dd>
    </div>
  )

  return (
    <section className="learner-detail card" aria-labelledby="learner-detail-title">
      <div className="detail-header">
        <h2 id="learner-detail-title" className="section-title" dir="auto">
          {fullName(l)}
        </h2>
        {!editing && <Button onClick={() => setEditing(true)}>{t('learners.edit')}</Button>}
      </div>
      {editing ? (
        <LearnerForm
          id={l.id}
          version={l.version}
          initial={{
            givenName: l.givenName,
            familyName: l.familyName,
            email: l.email ?? '',
            phone: l.phone ?? '',
            externalId: l.externalId ?? '',
            notes: l.notes ?? '',
            cohorts: '',
          }}
          onSaved={() => {
            setEditing(false)
            reload()
            reloadHistory()
            onChanged()
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <dl className="detail-fields">
          {field(t('learners.fields.givenName'), l.givenName)}
          {field(t('learners.fields.familyName'), l.familyName)}
          {field(t('learners.fields.email'), l.email, true)}
          {field(t('learners.fields.phone'), l.phone, true)}
          {field(t('learners.fields.externalId'), l.externalId)}
          {field(t('learners.fields.cohorts'), l.cohorts.map((c) => c.name).join(', '))}
          {field(t('learners.fields.notes'), l.notes)}
          {field(t('learners.version'), String(l.version))}
        </dl>
      )}

      <h3 className="subsection-title">{t('learners.assessments')}</h3>
      {l.assessments.length === 0 ? (
        <p className="muted">{t('learners.noAssessments')}</p>
      ) : (
        <ul className="plain-list">
          {l.assessments.map((a) => (
            <li key={a.id}>
              {date.format(new Date(a.assessedOn))} · <bdi>{a.rubricName}</bdi> v{a.rubricVersion} ·{' '}
              {t(`learners.state.${a.state}`)}
              {a.passed !== null && ` · ${a.passed ? t('learners.passed') : t('learners.notPassed')}`}
            </li>
          ))}
        </ul>
      )}

      <h3 className="subsection-title">{t('learners.history')}</h3>
      {history.status === 'ok' && (
        <ol className="plain-list history-list">
          {history.value.versions.map((v) => (
            <li key={v.version}>
              <strong>{t('learners.versionN', { n: v.version })}</strong>
              {v.current && ` (${t('learners.current')})`} · {dateTime.format(new Date(v.updatedAt))} ·{' '}
              <bdi>{fullName(v)}</bdi>
              {v.email && (
                <>
                  {' · '}
                  <bdi dir="ltr">{v.email}</bdi>
                </>
              )}
            </li>
          ))}
        </ol>
      )}
      {history.status === 'error' && <p role="alert">{history.error.message}</p>}
    </section>
  )
}
