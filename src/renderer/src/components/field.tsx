import { useTranslation } from 'react-i18next'
import type { ReactNode } from 'react'

/** Ids of a field's parts, so label, hint and error are bound to the control for assistive tech. */
export function fieldIds(id: string): { hint: string; error: string } {
  return { hint: `${id}-hint`, error: `${id}-error` }
}

export function describedBy(id: string, hint?: ReactNode, error?: ReactNode): string | undefined {
  const ids = fieldIds(id)
  return [hint ? ids.hint : null, error ? ids.error : null].filter(Boolean).join(' ') || undefined
}

interface FieldFrameProps {
  id: string
  label: ReactNode
  hint?: ReactNode
  error?: ReactNode
  required?: boolean
  children: ReactNode
}

/** Label, hint, the control, then the error text, in reading order. */
export function FieldFrame({ id, label, hint, error, required, children }: FieldFrameProps): ReactNode {
  const { t } = useTranslation()
  const ids = fieldIds(id)
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label className="field-label" htmlFor={id}>
        {label}
        {required && <span className="field-required"> ({t('common.required')})</span>}
      </label>
      {hint && (
        <p className="field-hint" id={ids.hint}>
          {hint}
        </p>
      )}
      {children}
      {error && (
        <p className="field-error" id={ids.error}>
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      )}
    </div>
  )
}
