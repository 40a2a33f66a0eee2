import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { EmptyState } from './empty-state'
import { Screen } from './screen'

/** A screen not built yet: its title and what it will offer. */
export function PlaceholderScreen({
  screen,
}: {
  screen: 'learners' | 'rubrics' | 'assess' | 'credentials' | 'verify' | 'sync'
}): ReactNode {
  const { t } = useTranslation()
  return (
    <Screen title={t(`screens.${screen}.title`)}>
      <EmptyState title={t('common.comingSoon')}>
        <p>{t(`screens.${screen}.body`)}</p>
      </EmptyState>
    </Screen>
  )
}
