import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { TesseraError } from '../../../../contract/errors'
import { api } from '../../api'
import { bindFields, summaryFields } from '../../components/bind-field'
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
  const label = (f: keyof LearnerDraft): string => t(`learners.fields.${f}`)
  const field = bindFields({ idPrefix: prefix, label, values: v, set, errors })

  const submit = async () => {
    setBusy(true)
    setError(null)
    // Cohorts are given when a learner is added; an edit changes the learner's own details only.
    const details = {
      givenName: v.givenName,
      familyName: v.familyName,
      email: v.email,
      phone: v.phone,
      externalId: v.externalId,
      notes: v.notes,
    }
    try {
      const saved = id
        ? await api.call('learners.update', { id, expectedVersion: version, ...details })
        : await api.call('learners.add', {
            ...details,
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
      <ErrorBanner error={error} issues={placed} fields={summaryFields(FIELDS, prefix, label)} />
      <div className="form-row">
        <TextField {...field('givenName')} required autoComplete="off" />
        <TextField {...field('familyName')} autoComplete="off" />
      </div>
      <div className="form-row">
        <TextField {...field('email')} dir="ltr" type="email" autoComplete="off" />
        <TextField {...field('phone')} dir="ltr" type="tel" autoComplete="off" />
      </div>
      <div className="form-row">
        <TextField {...field('externalId')} autoComplete="off" />
        {!id && <TextField {...field('cohorts')} hint={t('learners.cohortsHint')} autoComplete="off" />}
      </div>
      <TextField {...field('notes')} multiline />
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={busy}>
          {busy ? t('common.saving') : id ? t('learners.saveChanges') : t('learners.addSubmit')}
        </Button>
        <Button onClick={onCancel}>{t('common.cancel')}</Button>
      </div>
    </form>
  )
}
