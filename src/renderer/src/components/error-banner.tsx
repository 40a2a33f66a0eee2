import { useEffect, useRef, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { TesseraError } from '../../../contract/errors'
import type { PlacedIssue } from './form-errors'

export interface ErrorBannerProps {
  error: TesseraError | null
  /** Issues of this error already matched to form fields (see `placeIssues`). */
  issues?: readonly PlacedIssue[]
  /** Field name → its visible label and its input's id, to list and jump to each problem. */
  fields?: Record<string, { label: string; id: string }>
}

/**
 * An error summary at the top of a form (the GOV.UK pattern): it takes focus when it appears so
 * keyboard and screen-reader users learn about the problem at once; each field problem is a button
 * that moves focus to that field, where the same message is shown next to it.
 */
export function ErrorBanner({ error, issues = [], fields = {} }: ErrorBannerProps): ReactNode {
  const { t } = useTranslation()
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (error) ref.current?.focus()
  }, [error])
  if (!error) return null
  const isFieldProblem = error.code === 'validation' && issues.length > 0
  return (
    <div ref={ref} className="error-banner" role="alert" tabIndex={-1}>
      <h2 className="error-banner-title">{isFieldProblem ? t('errors.fixFields') : t('errors.title')}</h2>
      {!isFieldProblem && <p className="error-banner-message">{error.message}</p>}
      {issues.length > 0 && (
        <ul className="error-banner-issues" aria-label={t('errors.problems')}>
          {issues.map((issue, i) => {
            const f = issue.field ? fields[issue.field] : undefined
            return (
              <li key={i}>
                {f ? (
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => document.getElementById(f.id)?.focus()}
                  >
                    {f.label}: {issue.message}
                  </button>
                ) : (
                  issue.message
                )}
              </li>
            )
          })}
        </ul>
      )}
    </div>
  )
}
