import { lazy, Suspense, useEffect, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../api'
import { dataUrlOf } from '../components/image-picker'
import { Icon } from '../components/icons'
import { emptyOrganization, OrganizationForm } from '../components/organization-form'
import { Screen } from '../components/screen'
import { useToast } from '../components/toast'
import { Link, markNavigated } from '../router'
import { useOp } from '../hooks/use-op'
import { useReadyStatus, useStatus } from '../status'
import './start.css'

/**
 * recharts is large: the charts are their own chunk, fetched once the counts are painted (while
 * `dashboard.summary` is still being answered, not after it).
 */
const loadCharts = () => import('./dashboard-charts')
const DashboardCharts = lazy(loadCharts)

/**
 * Start: first-run setup until the organization exists (`system.init`), then the dashboard
 * (`system.status` counts at once, then `dashboard.summary`, `sync.status` and the charts).
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
  // The passphrase is chosen here unless the host supplies it (TESSERA_PASSPHRASE for scripts).
  const [session] = useOp('session.status', {})
  if (session.status === 'loading') return <p className="muted">{t('app.loading')}</p>
  const hostSupplied = session.status === 'ok' && session.value.hostSupplied
  const minLength = session.status === 'ok' ? session.value.minPassphraseLength : 8
  return (
    <Screen title={t('setup.title')} intro={t('setup.intro')}>
      {hostSupplied && <p className="muted">{t('passphrase.hostSupplied')}</p>}
      <OrganizationForm
        idPrefix="setup"
        initial={emptyOrganization}
        submitLabel={t('setup.submit')}
        busyLabel={t('setup.submitting')}
        issuePrefix={['organization']}
        choosePassphrase={hostSupplied ? undefined : { minLength }}
        onSubmit={async (organization, passphrase) => {
          // Sent with the setup itself: the keys are sealed with it and nothing is kept if setup fails.
          const r = await api.call('system.init', { organization, ...(passphrase ? { passphrase } : {}) })
          markNavigated()
          await refresh()
          toast.notify('success', t('setup.done', { name: r.organization.name }))
        }}
      />
    </Screen>
  )
}

type CountKey = 'learners' | 'draftsWaiting' | 'assessmentsThisWeek' | 'credentialsIssued' | 'unsynced'
const COUNTS: { key: CountKey; to: string }[] = [
  { key: 'learners', to: '/learners' },
  { key: 'draftsWaiting', to: '/assess' },
  { key: 'assessmentsThisWeek', to: '/assess' },
  { key: 'credentialsIssued', to: '/credentials' },
  { key: 'unsynced', to: '/sync' },
]

function Dashboard(): ReactNode {
  const { t, i18n } = useTranslation()
  const { status } = useReadyStatus()
  const org = status.organization
  const number = new Intl.NumberFormat(i18n.language)
  const [summary, reloadSummary] = useOp('dashboard.summary', {})
  const [sync] = useOp('sync.status', {})
  useEffect(() => {
    // After the frame with the counts is painted: evaluating recharts holds the page for a while.
    let timer: ReturnType<typeof setTimeout> | undefined
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => {
        loadCharts().catch(() => undefined) // a failure shows where the charts would be, via lazy()
      }, 0)
    })
    return () => {
      cancelAnimationFrame(frame)
      clearTimeout(timer)
    }
  }, [])
  const value = (key: CountKey): number | null => {
    if (key === 'learners')
      return summary.status === 'ok' ? summary.value.counts.learners : status.counts.learners
    if (key === 'draftsWaiting')
      return summary.status === 'ok' ? summary.value.counts.draftsWaiting : status.counts.drafts
    if (key === 'unsynced') return sync.status === 'ok' ? sync.value.unacknowledged.total : null
    return summary.status === 'ok' ? summary.value.counts[key] : null
  }
  const formatCount = (n: number | null): string => (n === null ? '…' : number.format(n))
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
                <span className="stat-value">{formatCount(value(c.key))}</span>
                <span className="stat-label">{t(`start.counts.${c.key}`)}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="results-heading" className="dashboard-results">
        <h2 id="results-heading" className="section-title">
          {t('start.results')}
        </h2>
        {summary.status === 'loading' && <p className="muted">{t('start.loading')}</p>}
        {summary.status === 'error' && (
          <div className="error-banner" role="alert">
            <p className="error-banner-message">
              {t('start.loadFailed', { message: summary.error.message })}
            </p>
            <button type="button" className="btn btn-secondary" onClick={reloadSummary}>
              {t('common.retry')}
            </button>
          </div>
        )}
        {summary.status === 'ok' && (
          <Suspense fallback={<p className="muted">{t('start.loadingCharts')}</p>}>
            <DashboardCharts summary={summary.value} />
          </Suspense>
        )}
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
      </section>
    </Screen>
  )
}
