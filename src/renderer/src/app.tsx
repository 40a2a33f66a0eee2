import { Suspense, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { hasAccessToken, transportKind } from './api'
import { Button } from './components/button'
import { EmptyState } from './components/empty-state'
import { Icon, Mark } from './components/icons'
import { Select } from './components/select'
import { changeLanguage, LANGUAGES, type LanguageCode } from './i18n'
import { Link, usePath } from './router'
import { ROUTES, routeFor } from './routes'
import StartScreen from './screens/start'
import { useStatus } from './status'

export function App(): ReactNode {
  const { t } = useTranslation()
  const { current, refresh } = useStatus()

  if (transportKind === 'http' && !hasAccessToken) return <AccessProblem />
  if (current.state === 'loading') return <Loading />
  if (current.state === 'error') {
    if (current.error.code === 'forbidden') return <AccessProblem />
    return (
      <BareLayout>
        <EmptyState
          title={t('errors.loadFailed')}
          action={<Button onClick={() => void refresh()}>{t('common.retry')}</Button>}
        >
          <p>{current.error.message}</p>
        </EmptyState>
      </BareLayout>
    )
  }
  if (!current.status.initialized) {
    return (
      <BareLayout>
        <StartScreen />
      </BareLayout>
    )
  }
  return <Shell orgName={current.status.organization?.name ?? ''} />
}

function Loading(): ReactNode {
  const { t } = useTranslation()
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {t('app.loading')}
    </div>
  )
}

function SkipLink(): ReactNode {
  const { t } = useTranslation()
  return (
    <a
      className="skip-link"
      href="#main"
      onClick={(e) => {
        // A plain #main would be taken for a route by the hash router.
        e.preventDefault()
        document.getElementById('main')?.focus()
      }}
    >
      {t('app.skipToContent')}
    </a>
  )
}

function Brand(): ReactNode {
  const { t } = useTranslation()
  return (
    <div className="brand">
      <Mark />
      <span className="brand-name">{t('app.name')}</span>
    </div>
  )
}

function LanguagePicker(): ReactNode {
  const { t, i18n } = useTranslation()
  return (
    <div className="language-picker">
      <Select
        id="top-language"
        label={t('common.language')}
        value={i18n.language}
        options={LANGUAGES.map((l) => ({ value: l.code, label: l.name, lang: l.code }))}
        onChange={(code) => void changeLanguage(code as LanguageCode)}
      />
    </div>
  )
}

/** Before setup (and for errors): no navigation, just the brand, the language and the content. */
function BareLayout({ children }: { children: ReactNode }): ReactNode {
  return (
    <div className="bare">
      <SkipLink />
      <header className="topbar">
        <Brand />
        <LanguagePicker />
      </header>
      <main id="main" className="bare-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  )
}

function Shell({ orgName }: { orgName: string }): ReactNode {
  const { t } = useTranslation()
  const path = usePath()
  const route = routeFor(path)
  const Current = route.component
  return (
    <div className="shell">
      <SkipLink />
      <header className="topbar">
        <Brand />
        <span className="topbar-org" dir="auto">
          {orgName}
        </span>
      </header>
      <nav className="sidenav" aria-label={t('app.mainNavigation')}>
        <ul>
          {ROUTES.map((r) => (
            <li key={r.key}>
              <Link
                to={r.path}
                className="nav-link"
                aria-current={r === route ? 'page' : undefined}
                data-nav={r.key}
              >
                <Icon name={r.key} />
                <span>{t(`nav.${r.key}`)}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Current key={route.key} />
        </Suspense>
      </main>
    </div>
  )
}

function AccessProblem(): ReactNode {
  const { t } = useTranslation()
  return (
    <BareLayout>
      <EmptyState title={t('access.title')}>
        <p>{t('access.body')}</p>
        <p>
          <code dir="ltr">{t('access.command')}</code>
        </p>
      </EmptyState>
    </BareLayout>
  )
}
