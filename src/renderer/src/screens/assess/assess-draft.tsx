import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { AssessmentDetail } from '../../../../contract/ops/assessments'
import { api } from '../../api'
import { Button } from '../../components/button'
import { Dialog } from '../../components/dialog'
import { asTesseraError } from '../../components/form-errors'
import { TextField } from '../../components/text-field'
import { navigate } from '../../router'
import { AssessEvidence } from './assess-evidence'
import { OutcomeSummary } from './assess-review'
import { useAutosave, type SaveState } from './use-autosave'

type Score = AssessmentDetail['scores'][number]

const isTyping = (el: EventTarget | null): boolean =>
  el instanceof HTMLElement &&
  (el.tagName === 'TEXTAREA' ||
    el.tagName === 'SELECT' ||
    (el.tagName === 'INPUT' && (el as HTMLInputElement).type !== 'radio'))

/** Scoring a draft criterion by criterion, its evidence, the review and the sign-off. */
export function AssessDraft({
  initial,
  onClose,
}: {
  initial: AssessmentDetail
  onClose: () => void
}): ReactNode {
  const { t } = useTranslation()
  const [a, setA] = useState(initial)
  const [index, setIndex] = useState(0)
  const [step, setStep] = useState<'score' | 'review'>('score')
  const [confirm, setConfirm] = useState(false)
  const [finalizing, setFinalizing] = useState(false)
  const [finalizeError, setFinalizeError] = useState<string | null>(null)
  const [announce, setAnnounce] = useState('')
  const editable = a.state === 'draft'
  const criteria = a.rubric.content.criteria
  const criterion = criteria[index]
  const cardRef = useRef<HTMLElement>(null)

  const autosave = useAutosave(
    a.id,
    useCallback((out) => setA((cur) => ({ ...cur, outcome: out.outcome, updatedAt: out.updatedAt })), []),
  )

  const scoreOf = (id: string): Score =>
    a.scores.find((s) => s.criterionId === id) ?? { criterionId: id, levelId: null, comment: '' }

  const setScore = (criterionId: string, patch: Partial<Score>): void => {
    setA((cur) => ({
      ...cur,
      scores: cur.scores.some((s) => s.criterionId === criterionId)
        ? cur.scores.map((s) => (s.criterionId === criterionId ? { ...s, ...patch } : s))
        : [...cur.scores, { criterionId, levelId: null, comment: '', ...patch }],
    }))
    autosave.queue({ scores: [{ criterionId, ...patch }] })
  }

  const go = (to: number): void => {
    const next = Math.min(Math.max(to, 0), criteria.length - 1)
    setIndex(next)
    const c = criteria[next]
    if (c) setAnnounce(t('assess.criterionOf', { n: next + 1, total: criteria.length, title: c.title }))
  }

  useEffect(() => {
    if (step === 'score') cardRef.current?.focus()
  }, [index, step])

  const onKey = (e: KeyboardEvent): void => {
    if (
      !editable ||
      step !== 'score' ||
      !criterion ||
      isTyping(e.target) ||
      e.ctrlKey ||
      e.metaKey ||
      e.altKey
    )
      return
    const digit = /^[1-9]$/.test(e.key) ? Number(e.key) : 0
    if (digit && criterion.levels[digit - 1]) {
      const level = criterion.levels[digit - 1]!
      setScore(criterion.id, { levelId: level.id })
      setAnnounce(t('assess.levelChosen', { label: level.label, points: level.points }))
      e.preventDefault()
    } else if (e.key === 'n' || e.key === 'N' || e.key === 'PageDown') {
      go(index + 1)
      e.preventDefault()
    } else if (e.key === 'p' || e.key === 'P' || e.key === 'PageUp') {
      go(index - 1)
      e.preventDefault()
    }
  }

  const finalize = async (): Promise<void> => {
    setFinalizing(true)
    setFinalizeError(null)
    try {
      if (!(await autosave.flush())) throw new Error(t('assess.notSavedYet'))
      const done = await api.call('assessments.finalize', { id: a.id })
      setA(done)
      setConfirm(false)
    } catch (e) {
      setFinalizeError(asTesseraError(e).message)
    } finally {
      setFinalizing(false)
    }
  }

  const learnerName = a.learner.fullName
  return (
    <div className="assess-stack" onKeyDown={onKey}>
      <section className="card assess-stack" aria-labelledby="assess-current">
        <div className="assess-toolbar">
          <div>
            <h2 id="assess-current" className="section-title">
              <bdi dir="auto">{learnerName}</bdi> — <bdi dir="auto">{a.rubric.name}</bdi>{' '}
              {t('assess.versionShort', { v: a.rubric.version })}
            </h2>
            <p className="muted">
              {t('assess.byOn', { assessor: a.assessor.name, date: a.assessedOn })}
              {a.location ? ` · ${a.location}` : ''}
            </p>
          </div>
          <SaveStatus state={autosave.state} editable={editable} finalized={a.state === 'finalized'} />
        </div>
        <div className="assess-row">
          <Button
            variant={step === 'score' ? 'primary' : 'secondary'}
            aria-pressed={step === 'score'}
            onClick={() => setStep('score')}
          >
            {t('assess.stepScore')}
          </Button>
          <Button
            variant={step === 'review' ? 'primary' : 'secondary'}
            aria-pressed={step === 'review'}
            onClick={() => {
              void autosave.flush()
              setStep('review')
            }}
          >
            {t('assess.stepReview')}
          </Button>
          <Button variant="quiet" onClick={onClose}>
            {t('assess.backToList')}
          </Button>
        </div>
      </section>

      <p className="visually-hidden" aria-live="polite">
        {announce}
      </p>

      {step === 'score' && criterion && (
        <>
          <nav aria-label={t('assess.criteriaNav')}>
            <ol className="assess-steps">
              {criteria.map((c, i) => (
                <li key={c.id}>
                  <button
                    type="button"
                    className={`btn btn-secondary assess-step${scoreOf(c.id).levelId ? ' assess-step-done' : ''}`}
                    aria-current={i === index ? 'step' : undefined}
                    aria-label={t('assess.gotoCriterion', {
                      n: i + 1,
                      title: c.title,
                      state: scoreOf(c.id).levelId ? t('assess.scored') : t('assess.unscored'),
                    })}
                    onClick={() => go(i)}
                  >
                    {i + 1}
                  </button>
                </li>
              ))}
            </ol>
          </nav>
          <section
            ref={cardRef}
            tabIndex={-1}
            className="card assess-stack"
            aria-labelledby="assess-criterion-title"
          >
            <p className="muted">{t('assess.criterionN', { n: index + 1, total: criteria.length })}</p>
            <h2 id="assess-criterion-title" className="section-title">
              <bdi dir="auto">{criterion.title}</bdi>
              {criterion.critical && <span className="muted"> — {t('assess.critical')}</span>}
            </h2>
            {criterion.description && <p dir="auto">{criterion.description}</p>}
            <fieldset className="assess-levels" disabled={!editable}>
              <legend className="visually-hidden">{t('assess.levelFor', { title: criterion.title })}</legend>
              {criterion.levels.map((l, i) => (
                <label key={l.id} className="assess-level">
                  <input
                    type="radio"
                    name={`level-${criterion.id}`}
                    value={l.id}
                    checked={scoreOf(criterion.id).levelId === l.id}
                    onChange={() => setScore(criterion.id, { levelId: l.id })}
                  />
                  <span className="assess-level-head">
                    <span dir="auto">{l.label}</span>
                    {i < 9 && (
                      <span className="assess-key" aria-hidden="true">
                        {i + 1}
                      </span>
                    )}
                  </span>
                  <span>{t('assess.pointsValue', { n: l.points })}</span>
                  {l.description && (
                    <span className="muted" dir="auto">
                      {l.description}
                    </span>
                  )}
                </label>
              ))}
            </fieldset>
            <TextField
              id={`assess-comment-${criterion.id}`}
              label={t('assess.comment')}
              multiline
              disabled={!editable}
              value={scoreOf(criterion.id).comment}
              onChange={(v) => setScore(criterion.id, { comment: v })}
            />
            <div className="assess-row">
              <Button onClick={() => go(index - 1)} disabled={index === 0}>
                {t('assess.previous')}
              </Button>
              {index < criteria.length - 1 ? (
                <Button variant="primary" onClick={() => go(index + 1)}>
                  {t('assess.next')}
                </Button>
              ) : (
                <Button
                  variant="primary"
                  onClick={() => {
                    void autosave.flush()
                    setStep('review')
                  }}
                >
                  {t('assess.toReview')}
                </Button>
              )}
            </div>
            <p className="muted" id="assess-shortcuts">
              {t('assess.shortcuts')}
            </p>
          </section>
        </>
      )}

      {step === 'review' && (
        <section className="card assess-stack" aria-labelledby="assess-review">
          <h2 id="assess-review" className="section-title">
            {a.state === 'finalized' ? t('assess.finalOutcome') : t('assess.provisionalOutcome')}
          </h2>
          <OutcomeSummary outcome={a.outcome} rubric={a.rubric.content} />
          <TextField
            id="assess-overall"
            label={t('assess.overallComment')}
            multiline
            disabled={!editable}
            value={a.overallComment}
            onChange={(v) => {
              setA((cur) => ({ ...cur, overallComment: v }))
              autosave.queue({ overallComment: v })
            }}
          />
          {editable ? (
            <div className="assess-row">
              <Button variant="primary" onClick={() => setConfirm(true)} disabled={!a.outcome.complete}>
                {t('assess.signOff')}
              </Button>
              {!a.outcome.complete && <span className="muted">{t('assess.completeFirst')}</span>}
            </div>
          ) : a.state === 'finalized' ? (
            <div className="assess-row">
              <p>
                {t('assess.finalizedBy', {
                  name: a.finalizedBy?.name ?? a.assessor.name,
                  at: a.finalizedAt ?? '',
                })}
              </p>
              {a.outcome.passed && (
                <Button variant="primary" onClick={() => navigate(`/credentials?assessment=${a.id}`)}>
                  {t('assess.goIssue')}
                </Button>
              )}
            </div>
          ) : (
            <p>{t('assess.voided', { reason: a.voidReason ?? '' })}</p>
          )}
        </section>
      )}

      <AssessEvidence
        assessmentId={a.id}
        items={a.evidence}
        editable={editable}
        onChange={(evidence) => setA((cur) => ({ ...cur, evidence }))}
      />

      <Dialog
        open={confirm}
        title={t('assess.confirmTitle')}
        onClose={() => setConfirm(false)}
        actions={
          <Button variant="primary" busy={finalizing} onClick={() => void finalize()}>
            {t('assess.confirmSignOff', { name: a.assessor.name })}
          </Button>
        }
      >
        <p>
          {t('assess.confirmBody', {
            assessor: a.assessor.name,
            learner: learnerName,
            result: a.outcome.passed ? t('assess.pass') : t('assess.fail'),
          })}
        </p>
        {finalizeError && (
          <p className="field-error" role="alert">
            {finalizeError}
          </p>
        )}
      </Dialog>
    </div>
  )
}

function SaveStatus({
  state,
  editable,
  finalized,
}: {
  state: SaveState
  editable: boolean
  finalized: boolean
}): ReactNode {
  const { t, i18n } = useTranslation()
  const text = !editable
    ? finalized
      ? t('assess.statusFinalized')
      : t('assess.statusVoided')
    : state.kind === 'saving'
      ? t('assess.statusSaving')
      : state.kind === 'saved'
        ? t('assess.statusSaved', {
            time: state.at.toLocaleTimeString(i18n.language, { hour: '2-digit', minute: '2-digit' }),
          })
        : state.kind === 'error'
          ? t('assess.statusError', { message: state.message })
          : t('assess.statusDraft')
  return (
    <p className="assess-save-status" data-state={state.kind} role="status" aria-live="polite">
      {text}
    </p>
  )
}
