import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { freshId, move, newCriterion, type CriterionDraft, type LevelDraft } from './model'

/**
 * The criteria × levels grid. Every cell is editable; rows and level columns are added, removed and
 * moved with buttons (keyboard and screen readers need no dragging). A level column acts on the
 * level at that position in every criterion. `errors` maps issue paths to messages shown in the cell.
 */
export function RubricGrid({
  criteria,
  onChange,
  errors,
}: {
  criteria: CriterionDraft[]
  onChange: (criteria: CriterionDraft[]) => void
  errors: Map<string, string>
}): ReactNode {
  const { t } = useTranslation()
  const columns = Math.max(0, ...criteria.map((c) => c.levels.length))
  const setCriterion = (i: number, patch: Partial<CriterionDraft>) =>
    onChange(criteria.map((c, j) => (j === i ? { ...c, ...patch } : c)))
  const setLevel = (i: number, k: number, patch: Partial<LevelDraft>) =>
    setCriterion(i, { levels: (criteria[i]?.levels ?? []).map((l, j) => (j === k ? { ...l, ...patch } : l)) })
  const addLevel = () =>
    onChange(
      criteria.map((c) => {
        const top = Math.max(0, ...c.levels.map((l) => Number(l.points) || 0))
        const id = freshId(
          'level',
          c.levels.map((l) => l.id),
        )
        return { ...c, levels: [...c.levels, { id, label: '', description: '', points: String(top + 1) }] }
      }),
    )
  const removeLevel = (k: number) =>
    onChange(
      criteria.map((c) => {
        const gone = c.levels[k]?.id
        return {
          ...c,
          levels: c.levels.filter((_, j) => j !== k),
          minLevelId: c.minLevelId === gone ? null : c.minLevelId,
        }
      }),
    )
  const moveLevel = (k: number, to: number) =>
    onChange(criteria.map((c) => ({ ...c, levels: move(c.levels, k, to) })))
  const err = (path: string) => errors.get(path)
  const cellError = (path: string, id: string) => {
    const e = err(path)
    return e ? (
      <span id={id} className="field-error grid-error">
        {e}
      </span>
    ) : null
  }

  return (
    <div className="rubric-grid-wrap">
      <div className="table-scroll" role="region" aria-label={t('rubrics.grid')} tabIndex={0}>
        <table className="table rubric-grid">
          <caption className="visually-hidden">{t('rubrics.grid')}</caption>
          <thead>
            <tr>
              <th scope="col" className="criterion-col">
                {t('rubrics.criterion')}
              </th>
              {Array.from({ length: columns }, (_, k) => (
                <th key={k} scope="col" className="level-col">
                  <div className="level-head">
                    <span>{t('rubrics.levelN', { n: k + 1 })}</span>
                    <span className="mini-actions">
                      <button
                        type="button"
                        className="icon-btn"
                        aria-label={t('rubrics.moveLevelBack', { n: k + 1 })}
                        disabled={k === 0}
                        onClick={() => moveLevel(k, k - 1)}
                      >
                        <span aria-hidden="true" className="flip-rtl">
                          ←
                        </span>
                      </button>
                      <button
                        type="button"
                        className="icon-btn"
                        aria-label={t('rubrics.moveLevelForward', { n: k + 1 })}
                        disabled={k === columns - 1}
                        onClick={() => moveLevel(k, k + 1)}
                      >
                        <span aria-hidden="true" className="flip-rtl">
                          →
                        </span>
                      </button>
                      <button
                        type="button"
                        className="icon-btn danger"
                        aria-label={t('rubrics.removeLevel', { n: k + 1 })}
                        disabled={columns <= 1}
                        onClick={() => removeLevel(k)}
                      >
                        <span aria-hidden="true">×</span>
                      </button>
                    </span>
                  </div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {criteria.map((c, i) => {
              const p = `criteria.${i}`
              const n = i + 1
              return (
                <tr key={i}>
                  <th scope="row" className="criterion-cell">
                    <label className="cell-label" htmlFor={`c${i}-title`}>
                      {t('rubrics.criterionTitle', { n })}
                    </label>
                    <input
                      id={`c${i}-title`}
                      className="input"
                      dir="auto"
                      value={c.title}
                      aria-invalid={err(`${p}.title`) ? true : undefined}
                      aria-describedby={err(`${p}.title`) ? `c${i}-title-error` : undefined}
                      onChange={(e) => setCriterion(i, { title: e.target.value })}
                    />
                    {cellError(`${p}.title`, `c${i}-title-error`)}
                    <label className="cell-label" htmlFor={`c${i}-desc`}>
                      {t('rubrics.criterionDescription', { n })}
                    </label>
                    <textarea
                      id={`c${i}-desc`}
                      className="input"
                      dir="auto"
                      rows={2}
                      value={c.description}
                      onChange={(e) => setCriterion(i, { description: e.target.value })}
                    />
                    <div className="criterion-settings">
                      <div>
                        <label className="cell-label" htmlFor={`c${i}-weight`}>
                          {t('rubrics.weight', { n })}
                        </label>
                        <input
                          id={`c${i}-weight`}
                          className="input narrow"
                          inputMode="decimal"
                          dir="ltr"
                          value={c.weight}
                          aria-invalid={err(`${p}.weight`) ? true : undefined}
                          aria-describedby={err(`${p}.weight`) ? `c${i}-weight-error` : undefined}
                          onChange={(e) => setCriterion(i, { weight: e.target.value })}
                        />
                        {cellError(`${p}.weight`, `c${i}-weight-error`)}
                      </div>
                      <div className="checkbox-field">
                        <input
                          id={`c${i}-critical`}
                          type="checkbox"
                          checked={c.critical}
                          onChange={(e) =>
                            setCriterion(i, {
                              critical: e.target.checked,
                              minLevelId: e.target.checked
                                ? (c.minLevelId ?? c.levels[1]?.id ?? c.levels[0]?.id ?? null)
                                : null,
                            })
                          }
                        />
                        <label htmlFor={`c${i}-critical`}>{t('rubrics.critical', { n })}</label>
                      </div>
                      {c.critical && (
                        <div>
                          <label className="cell-label" htmlFor={`c${i}-min`}>
                            {t('rubrics.minLevel', { n })}
                          </label>
                          <select
                            id={`c${i}-min`}
                            className="input select"
                            value={c.minLevelId ?? ''}
                            aria-invalid={err(`${p}.minLevelId`) ? true : undefined}
                            aria-describedby={err(`${p}.minLevelId`) ? `c${i}-min-error` : undefined}
                            onChange={(e) => setCriterion(i, { minLevelId: e.target.value || null })}
                          >
                            <option value="">{t('rubrics.chooseLevel')}</option>
                            {c.levels.map((l) => (
                              <option key={l.id} value={l.id}>
                                {l.label || l.id}
                              </option>
                            ))}
                          </select>
                          {cellError(`${p}.minLevelId`, `c${i}-min-error`)}
                        </div>
                      )}
                    </div>
                    {cellError(p, `c${i}-error`)}
                    {cellError(`${p}.levels`, `c${i}-levels-error`)}
                    <div className="mini-actions row-actions">
                      <button
                        type="button"
                        className="icon-btn"
                        aria-label={t('rubrics.moveUp', { n })}
                        disabled={i === 0}
                        onClick={() => onChange(move(criteria, i, i - 1))}
                      >
                        <span aria-hidden="true">↑</span>
                      </button>
                      <button
                        type="button"
                        className="icon-btn"
                        aria-label={t('rubrics.moveDown', { n })}
                        disabled={i === criteria.length - 1}
                        onClick={() => onChange(move(criteria, i, i + 1))}
                      >
                        <span aria-hidden="true">↓</span>
                      </button>
                      <button
                        type="button"
                        className="icon-btn danger"
                        aria-label={t('rubrics.removeCriterion', { n })}
                        disabled={criteria.length <= 1}
                        onClick={() => onChange(criteria.filter((_, j) => j !== i))}
                      >
                        <span aria-hidden="true">×</span>
                      </button>
                    </div>
                  </th>
                  {Array.from({ length: columns }, (_, k) => {
                    const l = c.levels[k]
                    const lp = `${p}.levels.${k}`
                    const m = k + 1
                    if (!l) return <td key={k} className="level-cell empty" />
                    return (
                      <td key={k} className="level-cell">
                        <label className="cell-label" htmlFor={`c${i}-l${k}-label`}>
                          {t('rubrics.levelLabel', { n, m })}
                        </label>
                        <input
                          id={`c${i}-l${k}-label`}
                          className="input"
                          dir="auto"
                          value={l.label}
                          aria-invalid={err(`${lp}.label`) ? true : undefined}
                          aria-describedby={err(`${lp}.label`) ? `c${i}-l${k}-label-error` : undefined}
                          onChange={(e) => setLevel(i, k, { label: e.target.value })}
                        />
                        {cellError(`${lp}.label`, `c${i}-l${k}-label-error`)}
                        <label className="cell-label" htmlFor={`c${i}-l${k}-points`}>
                          {t('rubrics.levelPoints', { n, m })}
                        </label>
                        <input
                          id={`c${i}-l${k}-points`}
                          className="input narrow"
                          inputMode="decimal"
                          dir="ltr"
                          value={l.points}
                          aria-invalid={err(`${lp}.points`) ? true : undefined}
                          aria-describedby={err(`${lp}.points`) ? `c${i}-l${k}-points-error` : undefined}
                          onChange={(e) => setLevel(i, k, { points: e.target.value })}
                        />
                        {cellError(`${lp}.points`, `c${i}-l${k}-points-error`)}
                        <label className="cell-label" htmlFor={`c${i}-l${k}-desc`}>
                          {t('rubrics.levelDescription', { n, m })}
                        </label>
                        <textarea
                          id={`c${i}-l${k}-desc`}
                          className="input"
                          dir="auto"
                          rows={2}
                          value={l.description}
                          onChange={(e) => setLevel(i, k, { description: e.target.value })}
                        />
                        {cellError(lp, `c${i}-l${k}-error`)}
                      </td>
                    )
                  })}
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      <div className="form-actions grid-actions">
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() =>
            onChange([
              ...criteria,
              newCriterion(
                criteria.map((c) => c.id),
                criteria[criteria.length - 1]?.levels,
              ),
            ])
          }
        >
          {t('rubrics.addCriterion')}
        </button>
        <button type="button" className="btn btn-secondary" onClick={addLevel}>
          {t('rubrics.addLevel')}
        </button>
      </div>
    </div>
  )
}
