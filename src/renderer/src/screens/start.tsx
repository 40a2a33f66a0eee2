import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../api'
import { dataUrlOf } from '../components/image-picker'
import { Icon } from '../components/icons'
import { emptyOrganization, OrganizationForm } from '../components/organization-form'
import { Screen } from '../components/screen'
import { useToast } from '../components/toast'
import { Link, markNavigated } from '../router'
import { useReadyStatus, useStatus, type SystemStatus } from '../status'

/**
 * Start: first-run setup until the organization exists (`system.init`), then the dashboard
 * (`system.status` counts; charts come later).
 */
export default function StartScreen(): ReactNode {
  const { current } = useStatus()
  if (current.state === 'ready' && !current.status.initialized) return <SetupView />
  return <Dashboard />
}

function SetupView(): ReactNode {
  const { t } = useTranslation()
  const { refresh } = useStatus()
  const toast = useToast()
  return (
    <Screen title={t('setup.title')} intro={t('setup.intro')}>
      <OrganizationForm
        idPrefix="setup"
        initial={emptyOrganization}
        submitLabel={t('setup.submit')}
        busyLabel={t('setup.submitting')}
        issuePrefix={['organization']}
        onSubmit={async (organization) => {
          const r = await api.call('system.init', { organization })
          markNavigated()
          await refresh()
          toast.notify('success', t('setup.done', { name: r.organization.name }))
        }}
      />
    </Screen>
  )
}

const COUNTS: { key: keyof SystemStatus['counts']; to: string }[] = [
  { key: 'learners', to: '/learners' },
  { key: 'rubrics', to: '/rubrics' },
  { key: 'assessments', to: '/assess' },
  { key: 'drafts', to: '/assess' },
  { key: 'assessors', to: '/settings' },
]

function Dashboard(): ReactNode {
  const { t, i18n } = useTranslation()
  const { status } = useReadyStatus()
  const org = status.organization
  const number = new Intl.NumberFormat(i18n.language)
  return (
    <Screen title={t('dashboard.title')} intro={org ? t('dashboard.welcome', { name: org.name }) : undefined}>
      {org && (
        <section className="card org-card" aria-label={org.name}>
          {org.logo && (
            <img
              className="org-logo"
              src={dataUrlOf(org.logo)}
              alt={t('organization.logoAlt', { name: org.name })}
            />
          )}
          <div>
            <p className="org-name" dir="auto">
              {org.name}
            </p>
            {org.description && (
              <p className="muted" dir="auto">
                {org.description}
              </p>
            )}
            {(org.url || org.email) && (
              <p className="org-contact muted">
                {org.url && <bdi dir="ltr">{org.url}</bdi>}
                {org.url && org.email && ' · '}
                {org.email && <bdi dir="ltr">{org.email}</bdi>}
              </p>
            )}
          </div>
        </section>
      )}
      <section aria-labelledby="glance-heading">
        <h2 id="glance-heading" className="section-title">
          {t('dashboard.atAGlance')}
        </h2>
        <ul className="stats">
          {COUNTS.map((c) => (
            <li key={c.key}>
              <Link to={c.to} className="stat" data-count={c.key}>
                <span className="stat-value">{number.format(status.counts[c.key])}</span>
                <span className="stat-label">{t(`dashboard.counts.${c.key}`)}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="next-heading">
        <h2 id="next-heading" className="section-title">
          {t('dashboard.nextSteps')}
        </h2>
        <ul className="next-steps">
          <li>
            <Link to="/learners" className="next-step">
              <Icon name="learners" />
              {t('dashboard.stepLearners')}
            </Link>
          </li>
          <li>
            <Link to="/rubrics" className="next-step">
              <Icon name="rubrics" />
              {t('dashboard.stepRubrics')}
            </Link>
          </li>
          <li>
            <Link to="/assess" className="next-step">
              <Icon name="assess" />
              {t('dashboard.stepAssess')}
            </Link>
          </li>
        </ul>
        <p className="muted">{t('dashboard.chartsLater')}</p>
      </section>
    </Screen>
  )
}
