import { useRef, useState, type FocusEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { TesseraError } from '../../../../contract/errors'
import type { RubricDetail } from '../../../../contract/ops/rubrics'
import { api } from '../../api'
import { Button } from '../../components/button'
import { ErrorBanner } from '../../components/error-banner'
import { asTesseraError } from '../../components/form-errors'
import { Select } from '../../components/select'
import { TextField } from '../../components/text-field'
import { achievementOf, contentOf, draftOf, emptyRubric, issuesByPath, type RubricDraft } from './model'
import { RubricGrid } from './rubric-grid'
import { RubricPreview } from './rubric-preview'

const TYPES = ['Certificate', 'Assessment', 'Badge', 'Competency', 'Certification', 'Award', 'Achievement']

/**
 * Create a rubric (with its achievement) or edit the latest version of one. The service decides
 * whether a save edits in place (unused version) or adds a version (used), and says what changed.
 */
export function RubricEditor({
  detail,
  onSaved,
  onCancel,
}: {
  detail: RubricDetail | null
  onSaved: (rubricId: string, message: string) => void
  onCancel: () => void
}): ReactNode {
  const { t } = useTranslation()
  const [d, setD] = useState<RubricDraft>(() => (detail ? draftOf(detail) : emptyRubric()))
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<TesseraError | null>(null)
  const errors = issuesByPath(error?.issues)
  const set = <K extends keyof RubricDraft>(k: K, v: RubricDraft[K]) => setD((p) => ({ ...p, [k]: v }))
  const setAch = (k: keyof RubricDraft['achievement']) => (v: string) =>
    setD((p) => ({ ...p, achievement: { ...p.achievement, [k]: v } }))
  const e = (path: string) => errors.get(path)

  const save = async () => {
    setBusy(true)
    setError(null)
    try {
      if (!detail) {
        const r = await api.call('rubrics.create', {
          achievement: achievementOf(d),
          name: d.name.trim() || undefined,
          content: contentOf(d),
          changeNote: d.changeNote,
        })
        onSaved(r.rubric.id, t('rubrics.saved.created'))
        return
      }
      const ach = achievementOf(d)
      const a = detail.achievement
      if (
        ach.name !== a.name ||
        ach.description !== a.description ||
        ach.achievementType !== a.achievementType ||
        ach.validityMonths !== a.validityMonths ||
        ach.tags.join('\u0000') !== a.tags.join('\u0000')
      ) {
        await api.call('achievements.update', { id: a.id, ...ach })
      }
      const r = await api.call('rubrics.saveVersion', {
        rubricId: detail.id,
        content: contentOf(d),
        changeNote: d.changeNote,
        baseVersion: detail.latestVersion,
      })
      onSaved(
        detail.id,
        t(`rubrics.saved.${r.status}`, { version: r.rubric.latestVersion, count: r.changes.length }),
      )
    } catch (err) {
      setError(asTesseraError(err))
    } finally {
      setBusy(false)
    }
  }

  /** "criteria.1.levels.0.points" → "Criterion 2 › Level 1 › points", for the error summary. */
  const where = (path: string) =>
    path
      .replace(/criteria\.(\d+)/, (_, n: string) => t('rubrics.criterionN', { n: Number(n) + 1 }))
      .replace(/levels\.(\d+)/, (_, n: string) => t('rubrics.levelN', { n: Number(n) + 1 }))
      .split('.')
      .join(' › ')
  const placed = [...errors.entries()].map(([path, message]) => ({
    field: null,
    message: path ? `${where(path)}: ${message}` : message,
  }))

  // The Save bar sticks to the bottom of the pane; Chromium's focus scrolling leaves a half-visible
  // field where it is, i.e. behind the bar. Bring such a field to the middle of the pane.
  const actionsRef = useRef<HTMLDivElement>(null)
  const keepAboveActions = (ev: FocusEvent<HTMLFormElement>): void => {
    const bar = actionsRef.current
    // Keyboard focus only: moving a button away between a click's press and release loses the click.
    if (!bar || bar.contains(ev.target) || !ev.target.matches(':focus-visible')) return
    if (ev.target.getBoundingClientRect().bottom > bar.getBoundingClientRect().top) {
      ev.target.scrollIntoView({ block: 'center' })
    }
  }

  return (
    <form
      className="rubric-editor"
      noValidate
      onFocus={keepAboveActions}
      onSubmit={(ev) => {
        ev.preventDefault()
        void save()
      }}
    >
      <ErrorBanner error={error} issues={placed} />
      <div className="card">
        <h2 className="section-title">{t('rubrics.achievementSection')}</h2>
        <div className="form-row">
          <TextField
            id="ach-name"
            label={t('rubrics.achievementName')}
            value={d.achievement.name}
            onChange={setAch('name')}
            error={e('achievement.name') ?? e('name')}
            required
          />
          <TextField
            id="rubric-name"
            label={t('rubrics.rubricName')}
            hint={t('rubrics.rubricNameHint')}
            value={d.name}
            onChange={(v) => set('name', v)}
            disabled={detail !== null}
          />
        </div>
        <TextField
          id="ach-description"
          label={t('rubrics.achievementDescription')}
          value={d.achievement.description}
          onChange={setAch('description')}
          error={e('achievement.description') ?? e('description')}
          multiline
        />
        <div className="form-row">
          <Select
            id="ach-type"
            label={t('rubrics.achievementType')}
            value={d.achievement.achievementType}
            options={[...new Set([...TYPES, d.achievement.achievementType])].map((v) => ({
              value: v,
              label: v,
            }))}
            onChange={setAch('achievementType')}
          />
          <TextField
            id="ach-validity"
            label={t('rubrics.validityMonths')}
            hint={t('rubrics.validityHint')}
            value={d.achievement.validityMonths}
            onChange={setAch('validityMonths')}
            error={e('achievement.validityMonths') ?? e('validityMonths')}
            inputMode="numeric"
            dir="ltr"
          />
          <TextField
            id="ach-tags"
            label={t('rubrics.tags')}
            hint={t('rubrics.tagsHint')}
            value={d.achievement.tags}
            onChange={setAch('tags')}
            error={e('achievement.tags') ?? e('tags')}
          />
        </div>
      </div>

      <div className="card">
        <h2 className="section-title">{t('rubrics.criteriaSection')}</h2>
        {e('criteria') && <p className="field-error">{e('criteria')}</p>}
        <RubricGrid criteria={d.criteria} onChange={(c) => set('criteria', c)} errors={errors} />
      </div>

      <div className="card">
        <h2 className="section-title">{t('rubrics.passingSection')}</h2>
        <div className="form-row">
          <TextField
            id="passing-min"
            label={t('rubrics.minTotal')}
            value={d.passing.minTotal}
            onChange={(v) => set('passing', { ...d.passing, minTotal: v })}
            error={e('passing.minTotal') ?? e('passing')}
            inputMode="decimal"
            dir="ltr"
          />
          <Select
            id="passing-unit"
            label={t('rubrics.unit')}
            value={d.passing.unit}
            options={[
              { value: 'percent', label: t('rubrics.percent') },
              { value: 'points', label: t('rubrics.points') },
            ]}
            onChange={(v) => set('passing', { ...d.passing, unit: v as 'points' | 'percent' })}
          />
          <TextField
            id="change-note"
            label={t('rubrics.changeNote')}
            hint={t('rubrics.changeNoteHint')}
            value={d.changeNote}
            onChange={(v) => set('changeNote', v)}
          />
        </div>
      </div>

      <RubricPreview draft={d} />

      <div className="form-actions sticky-actions" ref={actionsRef}>
        <Button type="submit" variant="primary" busy={busy}>
          {busy ? t('common.saving') : t('rubrics.save')}
        </Button>
        <Button onClick={onCancel}>{t('common.cancel')}</Button>
      </div>
    </form>
  )
}
