import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { TesseraError } from '../../../../contract/errors'
import type { OpOutput } from '../../../../contract/ops'
import { api } from '../../api'
import { Button } from '../../components/button'
import { ErrorBanner } from '../../components/error-banner'
import { asTesseraError } from '../../components/form-errors'
import { ProgressBar } from '../../components/progress-bar'
import { Select } from '../../components/select'
import { useOp } from '../../hooks/use-op'
import { blobOf, download } from './files'

type CohortResult = OpOutput<'credentials.issueCohort'>

/** Issue one credential from a finalized assessment, or a whole cohort's with a progress bar. */
export function IssuePanel({
  preselected,
  onIssued,
  onPreview,
}: {
  preselected: string | null
  onIssued: (credentialId: string) => void
  onPreview: (pdf: Blob, title: string) => void
}): ReactNode {
  const { t } = useTranslation()
  const [finalized] = useOp('assessments.list', { state: 'finalized', limit: 200, offset: 0 })
  const [cohorts] = useOp('cohorts.list', {})
  const [assessmentId, setAssessmentId] = useState(preselected ?? '')
  const [cohort, setCohort] = useState('')
  const [busy, setBusy] = useState<'one' | 'cohort' | null>(null)
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null)
  const [error, setError] = useState<TesseraError | null>(null)
  const [cohortResult, setCohortResult] = useState<CohortResult | null>(null)

  const assessments = finalized.status === 'ok' ? finalized.value.items : []
  const chosen = assessmentId || assessments[0]?.id || ''
  const cohortOptions = cohorts.status === 'ok' ? cohorts.value : []
  const chosenCohort = cohort || cohortOptions[0]?.name || ''

  const issueOne = async (): Promise<void> => {
    setBusy('one')
    setError(null)
    try {
      const out = await api.call('credentials.issue', {
        assessmentId: chosen,
        reissue: false,
        withPdf: false,
        pageSize: 'A4',
      })
      onIssued(out.credential.id)
    } catch (e) {
      setError(asTesseraError(e))
    } finally {
      setBusy(null)
    }
  }

  const issueCohort = async (): Promise<void> => {
    setBusy('cohort')
    setError(null)
    setCohortResult(null)
    setProgress({ done: 0, total: 0 })
    try {
      const out = await api.call(
        'credentials.issueCohort',
        { cohort: chosenCohort, withPdf: true, pageSize: 'A4' },
        {
          onProgress: (p) => setProgress({ done: p.done, total: p.total }),
        },
      )
      setCohortResult(out)
    } catch (e) {
      setError(asTesseraError(e))
    } finally {
      setBusy(null)
      setProgress(null)
    }
  }

  return (
    <section className="card assess-stack" aria-labelledby="cred-issue">
      <h2 id="cred-issue" className="section-title">
        {t('credentials.issueTitle')}
      </h2>
      <ErrorBanner error={error} />
      <div className="cred-issue-grid">
        <div className="assess-stack">
          <Select
            id="cred-assessment"
            label={t('credentials.assessment')}
            hint={t('credentials.assessmentHint')}
            value={chosen}
            options={
              assessments.length
                ? assessments.map((a) => ({
                    value: a.id,
                    label: t('credentials.assessmentOption', {
                      learner: a.learnerName,
                      rubric: a.rubricName,
                      date: a.assessedOn,
                      result: a.passed ? t('credentials.passed') : t('credentials.failed'),
                    }),
                  }))
                : [{ value: '', label: t('credentials.noFinalized') }]
            }
            onChange={setAssessmentId}
          />
          <div>
            <Button
              variant="primary"
              busy={busy === 'one'}
              disabled={!chosen}
              onClick={() => void issueOne()}
            >
              {busy === 'one' ? t('credentials.issuing') : t('credentials.issueOne')}
            </Button>
          </div>
        </div>
        <div className="assess-stack">
          <Select
            id="cred-cohort"
            label={t('credentials.cohort')}
            hint={t('credentials.cohortHint')}
            value={chosenCohort}
            options={
              cohortOptions.length
                ? cohortOptions.map((c) => ({ value: c.name, label: c.name }))
                : [{ value: '', label: t('credentials.noCohorts') }]
            }
            onChange={setCohort}
          />
          <div>
            <Button busy={busy === 'cohort'} disabled={!chosenCohort} onClick={() => void issueCohort()}>
              {busy === 'cohort' ? t('credentials.issuing') : t('credentials.issueCohort')}
            </Button>
          </div>
        </div>
      </div>
      {progress && (
        <ProgressBar label={t('credentials.cohortProgress')} done={progress.done} total={progress.total} />
      )}
      {cohortResult && (
        <div className="assess-stack" role="status">
          <p>
            {t('credentials.cohortDone', {
              cohort: cohortResult.cohort.name,
              issued: cohortResult.issued.length,
              skipped: cohortResult.skipped.length,
            })}
          </p>
          {cohortResult.skipped.length > 0 && (
            <ul>
              {cohortResult.skipped.map((s) => (
                <li key={s.assessmentId}>
                  <bdi dir="auto">{s.learnerName}</bdi>: {s.reason}
                </li>
              ))}
            </ul>
          )}
          {cohortResult.combinedPdfBase64 && (
            <div className="assess-row">
              <Button
                onClick={() =>
                  onPreview(
                    blobOf({ base64: cohortResult.combinedPdfBase64! }, 'application/pdf'),
                    t('credentials.cohortPdfTitle', { cohort: cohortResult.cohort.name }),
                  )
                }
              >
                {t('credentials.previewPdf')}
              </Button>
              <Button
                onClick={() =>
                  download(
                    `certificates-${cohortResult.cohort.name}.pdf`,
                    blobOf({ base64: cohortResult.combinedPdfBase64! }, 'application/pdf'),
                  )
                }
              >
                {t('credentials.savePdf')}
              </Button>
            </div>
          )}
        </div>
      )}
    </section>
  )
}
