import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { api, transportKind } from '../api'
import { OrganizationForm, type OrganizationValues } from '../components/organization-form'
import { Screen } from '../components/screen'
import { Select } from '../components/select'
import { useToast } from '../components/toast'
import { changeLanguage, LANGUAGES, type LanguageCode } from '../i18n'
import { useReadyStatus } from '../status'
import { BackupSection } from './settings/backup-section'
import { KeysSection } from './settings/keys-section'

/** Settings: the organization (issuer), its keys, the UI language, backups and facts about this installation. */
export default function SettingsScreen(): ReactNode {
  const { t, i18n } = useTranslation()
  const { status, refresh } = useReadyStatus()
  const toast = useToast()
  const org = status.organization
  // Bumped when a restore replaced the database: everything shown here is reloaded.
  const [generation, setGeneration] = useState(0)
  const initial: OrganizationValues = {
    name: org?.name ?? '',
    url: org?.url ?? '',
    email: org?.email ?? '',
    description: org?.description ?? '',
    logo: org?.logo ?? null,
  }
  return (
    <Screen title={t('settings.title')}>
      <section className="card" aria-labelledby="settings-org">
        <h2 id="settings-org" className="section-title">
          {t('settings.organizationSection')}
        </h2>
        <p className="muted">{t('settings.organizationIntro')}</p>
        <OrganizationForm
          key={`${org?.id ?? 'none'}-${generation}`}
          idPrefix="org"
          initial={initial}
          submitLabel={t('common.save')}
          busyLabel={t('common.saving')}
          issuePrefix={[]}
          onSubmit={async (input) => {
            await api.call('organization.update', input)
            await refresh()
            toast.notify('success', t('settings.organizationSaved'))
          }}
        />
      </section>

      {/* Remounted after a restore: the keys are those of the restored database. */}
      <KeysSection key={generation} />

      <section className="card" aria-labelledby="settings-language">
        <h2 id="settings-language" className="section-title">
          {t('settings.languageSection')}
        </h2>
        <Select
          id="language"
          label={t('settings.languageLabel')}
          hint={t('settings.languageHint')}
          value={i18n.language}
          options={LANGUAGES.map((l) => ({ value: l.code, label: l.name, lang: l.code }))}
          onChange={(code) => {
            void changeLanguage(code as LanguageCode).then(() =>
              toast.notify('info', t('settings.languageChanged', { lng: code })),
            )
          }}
        />
      </section>

      <BackupSection
        onRestored={async () => {
          await refresh()
          setGeneration((g) => g + 1)
        }}
      />

      <section className="card" aria-labelledby="settings-about">
        <h2 id="settings-about" className="section-title">
          {t('settings.aboutSection')}
        </h2>
        <dl className="facts">
          <dt>{t('settings.mode')}</dt>
          <dd>{transportKind === 'ipc' ? t('settings.modeIpc') : t('settings.modeHttp')}</dd>
          <dt>{t('settings.databaseFile')}</dt>
          <dd>
            <bdi dir="ltr" className="mono">
              {status.databaseFile}
            </bdi>
          </dd>
          <dt>{t('settings.deviceId')}</dt>
          <dd>
            <bdi dir="ltr" className="mono">
              {status.deviceId}
            </bdi>
          </dd>
          <dt>{t('settings.schemaVersion')}</dt>
          <dd>{status.schemaVersion}</dd>
        </dl>
      </section>
    </Screen>
  )
}
