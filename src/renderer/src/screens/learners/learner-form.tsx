import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { TesseraError } from '../../../../contract/errors'
import { api } from '../../api'
import { Button } from '../../components/button'
import { ErrorBanner } from '../../components/error-banner'
import { asTesseraError, fieldErrors, placeIssues } from '../../components/form-errors'
import { TextField } from '../../components/text-field'

export interface LearnerDraft {
  givenName: string
  familyName: string
  email: string
  phone: string
  externalId: string
  notes: string
  cohorts: string
}

export const emptyLearner: LearnerDraft = {
  givenName: '',
  familyName: '',
  email: '',
  phone: '',
  externalId: '',
  notes: '',
  cohorts: '',
}

const FIELDS = ['givenName', 'familyName', 'email', 'phone', 'externalId', 'notes', 'cohorts'] as const

/**
 * Add (no `id`) or edit a learner. The service validates; its field issues are shown next to the
 * fields and in the summary. An edit sends `expectedVersion` so a newer save elsewhere is not overwritten.
 */
export function LearnerForm({
  id,
  version,
  initial,
  onSaved,
  onCancel,
}: {
  id?: string
  version?: number
  initial: LearnerDraft
  onSaved: (learnerId: string) => void
  onCancel: () => void
}): ReactNode {
  const { t } = useTranslation()
  const [v, setV] = useState(initial)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<TesseraError | null>(null)
  const placed = placeIssues(error, [], FIELDS, t)
  const errors = fieldErrors(placed)
  const set = (k: keyof LearnerDraft) => (value: string) => setV((p) => ({ ...p, [k]: value }))
  const prefix = id ? 'learner-edit' : 'learner-add'
  const labels = Object.fromEntries(
    FIELDS.map((f) => [f, { label: t(`learners.fields.${f}`), id: `${prefix}-${f}` }]),
  )

  const submit = async () => {
    setBusy(true)
    setError(null)
    try {
      const saved = id
        ? await api.call('learners.update', {
            id,
            expectedVersion: version,
            givenName: v.givenName,
            familyName: v.familyName,
            email: v.email,
            phone: v.phone,
            externalId: v.externalId,
            notes: v.notes,
          })
        : await api.call('learners.add', {
            givenName: v.givenName,
            familyName: v.familyName,
            email: v.email,
            phone: v.phone,
            externalId: v.externalId,
            notes: v.notes,
            cohorts: v.cohorts
              .split(',')
              .map((c) => c.trim())
              .filter(Boolean),
          })
      onSaved(saved.id)
    } catch (e) {
      setError(asTesseraError(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form
      className="form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}
    >
      <ErrorBanner error={error} issues={placed} fields={labels} />
      <div className="form-row">
        <TextField
          id={`${prefix}-givenName`}
          label={t('learners.fields.givenName')}
          value={v.givenName}
          onChange={set('givenName')}
          error={errors.givenName}
          required
          autoComplete="off"
        />
        <TextField
          id={`${prefix}-familyName`}
          label={t('learners.fields.familyName')}
          value={v.familyName}
          onChange={set('familyName')}
          error={errors.familyName}
          autoComplete="off"
        />
      </div>
      <div className="form-row">
        <TextField
          id={`${prefix}-email`}
          label={t('learners.fields.email')}
          value={v.email}
          onChange={set('email')}
          error={errors.email}
          dir="ltr"
          type="email"
          autoComplete="off"
        />
        <TextField
          id={`${prefix}-phone`}
          label={t('learners.fields.phone')}
          value={v.phone}
          onChange={set('phone')}
          error={errors.phone}
          dir="ltr"
          type="tel"
          autoComplete="off"
        />
      </div>
      <div className="form-row">
        <TextField
          id={`${prefix}-externalId`}
          label={t('learners.fields.externalId')}
          value={v.externalId}
          onChange={set('externalId')}
          error={errors.externalId}
          autoComplete="off"
        />
        {!id && (
          <TextField
            id={`${prefix}-cohorts`}
            label={t('learners.fields.cohorts')}
            hint={t('learners.cohortsHint')}
            value={v.cohorts}
            onChange={set('cohorts')}
            error={errors.cohorts}
            autoComplete="off"
          />
        )}
      </div>
      <TextField
        id={`${prefix}-notes`}
        label={t('learners.fields.notes')}
        value={v.notes}
        onChange={set('notes')}
        error={errors.notes}
        multiline
      />
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={busy}>
          {busy ? t('common.saving') : id ? t('learners.saveChanges') : t('learners.addSubmit')}
        </Button>
        <Button onClick={onCancel}>{t('common.cancel')}</Button>
      </div>
    </form>
  )
}
