import { useState, type FormEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { TesseraError, type ErrorIssue } from '../../../contract/errors'
import type { OpInput } from '../../../contract/ops'
import { bindFields, summaryFields } from './bind-field'
import { Button } from './button'
import { ErrorBanner } from './error-banner'
import { asTesseraError, fieldErrors, placeIssues } from './form-errors'
import { ImagePicker, type ImageValue } from './image-picker'
import { TextField } from './text-field'

export type OrganizationInput = OpInput<'organization.update'>

export interface OrganizationValues {
  name: string
  url: string
  email: string
  description: string
  logo: ImageValue | null
}

export const emptyOrganization: OrganizationValues = {
  name: '',
  url: '',
  email: '',
  description: '',
  logo: null,
}

const FIELDS = ['name', 'url', 'email', 'description', 'logo'] as const
type TextFieldName = Exclude<keyof OrganizationValues, 'logo'>

/** Empty optional fields are sent as null (an empty string is not a URL or an email). */
export function toOrganizationInput(v: OrganizationValues): OrganizationInput {
  const orNull = (s: string): string | null => (s.trim() === '' ? null : s.trim())
  return {
    name: v.name,
    url: orNull(v.url),
    email: orNull(v.email),
    description: orNull(v.description),
    logo: v.logo,
  }
}

export interface OrganizationFormProps {
  /** Prefix of the input ids, so two forms never clash. */
  idPrefix: string
  initial: OrganizationValues
  submitLabel: string
  busyLabel: string
  /** Where the organization's fields sit in the op's input (`['organization']` for `system.init`). */
  issuePrefix: readonly string[]
  /**
   * First-run setup: also choose the passphrase that seals the issuer keys (typed twice). Left out
   * where the host supplies it (TESSERA_PASSPHRASE) and in Settings.
   */
  choosePassphrase?: { minLength: number }
  onSubmit: (input: OrganizationInput, passphrase?: string) => Promise<void>
}

/** The organization's details, used by first-run setup and by Settings. */
export function OrganizationForm({
  idPrefix,
  initial,
  submitLabel,
  busyLabel,
  issuePrefix,
  choosePassphrase,
  onSubmit,
}: OrganizationFormProps): ReactNode {
  const { t } = useTranslation()
  const [values, setValues] = useState<OrganizationValues>(initial)
  const [passphrase, setPassphrase] = useState({ first: '', again: '' })
  const [error, setError] = useState<TesseraError | null>(null)
  const [busy, setBusy] = useState(false)
  const set =
    <K extends keyof OrganizationValues>(key: K) =>
    (v: OrganizationValues[K]) =>
      setValues((old) => ({ ...old, [key]: v }))
  const id = (field: string): string => `${idPrefix}-${field}`
  const labels: Record<(typeof FIELDS)[number] | 'passphrase' | 'passphraseConfirm', string> = {
    name: t('organization.name'),
    url: t('organization.url'),
    email: t('organization.email'),
    description: t('organization.description'),
    logo: t('organization.logo'),
    passphrase: t('passphrase.new'),
    passphraseConfirm: t('passphrase.confirm'),
  }

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    if (busy) return
    // The rules worth checking before a round trip, so the messages are in the user's language.
    const issues: ErrorIssue[] = []
    if (values.name.trim() === '') issues.push({ path: [...issuePrefix, 'name'], message: 'is required' })
    if (choosePassphrase) {
      if (passphrase.first.normalize('NFC').length < choosePassphrase.minLength) {
        const message = t('passphrase.tooShort', { count: choosePassphrase.minLength })
        issues.push({ path: ['passphrase'], message })
      } else if (passphrase.again !== passphrase.first) {
        issues.push({ path: ['passphraseConfirm'], message: t('passphrase.mismatch') })
      }
    }
    if (issues.length > 0) {
      setError(new TesseraError('validation', t('errors.fixFields'), { issues }))
      return
    }
    setBusy(true)
    setError(null)
    try {
      await onSubmit(toOrganizationInput(values), choosePassphrase ? passphrase.first : undefined)
    } catch (err) {
      setError(asTesseraError(err))
    } finally {
      setBusy(false)
    }
  }

  // The passphrase sits beside the organization in system.init's input, not inside it.
  const placed = placeIssues(error, issuePrefix, FIELDS, t).map((p, i) => {
    const top = error?.issues?.[i]?.path[0]
    return p.field === null && (top === 'passphrase' || top === 'passphraseConfirm')
      ? { ...p, field: top }
      : p
  })
  const errs = fieldErrors(placed)
  const bannerFields = summaryFields(
    [...FIELDS, 'passphrase', 'passphraseConfirm'] as const,
    idPrefix,
    (f) => labels[f],
  )
  const field = bindFields<TextFieldName>({
    idPrefix,
    label: (f) => labels[f],
    hint: (f) => t(`organization.${f}Hint`),
    values,
    set,
    errors: errs,
  })

  return (
    <form className="form" noValidate onSubmit={(e) => void submit(e)}>
      <ErrorBanner error={error} issues={placed} fields={bannerFields} />
      <TextField {...field('name')} required autoComplete="organization" maxLength={200} />
      <div className="form-row">
        <TextField {...field('url')} type="url" dir="ltr" inputMode="url" autoComplete="url" />
        <TextField {...field('email')} type="email" dir="ltr" autoComplete="email" />
      </div>
      <TextField {...field('description')} multiline maxLength={2000} />
      <ImagePicker
        id={id('logo')}
        label={labels.logo}
        hint={t('organization.logoHint')}
        value={values.logo}
        onChange={set('logo')}
        previewAlt={t('organization.logoPreviewAlt')}
        error={errs.logo}
      />
      {choosePassphrase && (
        <fieldset className="passphrase-fieldset">
          <legend className="section-title">{t('passphrase.setupLegend')}</legend>
          <p className="field-hint">{t('passphrase.setupIntro')}</p>
          <div className="form-row">
            <TextField
              id={id('passphrase')}
              type="password"
              label={labels.passphrase}
              hint={t('passphrase.hint', { count: choosePassphrase.minLength })}
              value={passphrase.first}
              onChange={(v) => setPassphrase((old) => ({ ...old, first: v }))}
              error={errs.passphrase}
              autoComplete="new-password"
              dir="ltr"
              required
            />
            <TextField
              id={id('passphraseConfirm')}
              type="password"
              label={labels.passphraseConfirm}
              value={passphrase.again}
              onChange={(v) => setPassphrase((old) => ({ ...old, again: v }))}
              error={errs.passphraseConfirm}
              autoComplete="new-password"
              dir="ltr"
              required
            />
          </div>
          <p className="passphrase-warning" role="note">
            {t('passphrase.noRecovery')}
          </p>
        </fieldset>
      )}
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={busy}>
          {busy ? busyLabel : submitLabel}
        </Button>
      </div>
    </form>
  )
}
