import { useState, type FormEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { TesseraError } from '../../../../contract/errors'
import type { AssessmentDetail } from '../../../../contract/ops/assessments'
import { api } from '../../api'
import { Button } from '../../components/button'
import { ErrorBanner } from '../../components/error-banner'
import { asTesseraError } from '../../components/form-errors'
import { TextField } from '../../components/text-field'
import { ChoiceSelect } from './choice-select'
import { useChoice } from './use-choice'

const NEW_ASSESSOR = '__new__'

const today = (): string => {
  const d = new Date()
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** Who, against what, by whom, when and where: creates the draft the scoring step works on. */
export function AssessSetup({ onCreated }: { onCreated: (a: AssessmentDetail) => void }): ReactNode {
  const { t } = useTranslation()
  const [query, setQuery] = useState('')
  const [newAssessor, setNewAssessor] = useState('')
  const [date, setDate] = useState(today())
  const [location, setLocation] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<TesseraError | null>(null)
  const failed = (e: unknown): void => setError(asTesseraError(e))

  const learner = useChoice(
    async () =>
      (await api.call('learners.list', { q: query || null, limit: 50, offset: 0 })).items.map((l) => ({
        value: l.id,
        label: `${l.givenName} ${l.familyName}`.trim() + (l.externalId ? ` (${l.externalId})` : ''),
      })),
    query,
    failed,
    { delayMs: 250 },
  )
  const rubric = useChoice(
    async () =>
      (await api.call('rubrics.list', {})).map((x) => ({
        value: x.id,
        label: t('assess.rubricOption', { name: x.name, v: x.latestVersion }),
      })),
    t,
    failed,
  )
  const assessor = useChoice(
    async () =>
      (await api.call('assessors.list', { includeInactive: false })).map((x) => ({
        value: x.id,
        label: x.name,
      })),
    t,
    failed,
    { last: { value: NEW_ASSESSOR, label: t('assess.newAssessorOption') } },
  )
  const learnerId = learner.value
  const rubricId = rubric.value
  const assessorId = assessor.value

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    setError(null)
    setBusy(true)
    try {
      let who = assessorId
      if (who === NEW_ASSESSOR) who = (await api.call('assessors.findOrCreate', { name: newAssessor })).id
      const created = await api.call('assessments.create', {
        learnerId,
        rubricId,
        assessorId: who,
        assessedOn: date,
        location: location || null,
      })
      onCreated(created)
    } catch (err) {
      setError(asTesseraError(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="card" aria-labelledby="assess-new">
      <h2 id="assess-new" className="section-title">
        {t('assess.newTitle')}
      </h2>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <ErrorBanner error={error} />
        <div className="assess-grid">
          <TextField
            id="assess-learner-search"
            label={t('assess.learnerSearch')}
            hint={t('assess.learnerSearchHint')}
            type="search"
            value={query}
            onChange={setQuery}
          />
          <ChoiceSelect
            id="assess-learner"
            label={t('assess.learner')}
            choice={learner}
            none={t('assess.noLearners')}
          />
          <ChoiceSelect
            id="assess-rubric"
            label={t('assess.rubric')}
            hint={t('assess.rubricHint')}
            choice={rubric}
            none={t('assess.noRubrics')}
          />
          <ChoiceSelect id="assess-assessor" label={t('assess.assessor')} choice={assessor} />
          {assessorId === NEW_ASSESSOR && (
            <TextField
              id="assess-new-assessor"
              label={t('assess.newAssessorName')}
              required
              value={newAssessor}
              onChange={setNewAssessor}
            />
          )}
          <TextField
            id="assess-date"
            label={t('assess.date')}
            type="date"
            required
            dir="ltr"
            value={date}
            onChange={setDate}
          />
          <TextField
            id="assess-location"
            label={t('assess.location')}
            value={location}
            onChange={setLocation}
          />
        </div>
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy} disabled={!learnerId || !rubricId}>
            {busy ? t('assess.starting') : t('assess.start')}
          </Button>
        </div>
      </form>
    </section>
  )
}
