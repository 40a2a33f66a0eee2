import type { InputHTMLAttributes, ReactNode } from 'react'
import { describedBy, FieldFrame } from './field'

export interface TextFieldProps extends Omit<
  InputHTMLAttributes<HTMLInputElement & HTMLTextAreaElement>,
  'onChange' | 'value'
> {
  id: string
  label: ReactNode
  value: string
  onChange: (value: string) => void
  hint?: ReactNode
  /** Shown under the field and announced with it (aria-describedby + aria-invalid). */
  error?: ReactNode
  multiline?: boolean
}

/**
 * A labelled text input. People's and organizations' names come in any script, so user text is
 * `dir="auto"` unless the caller says otherwise (URLs and emails are always left-to-right).
 */
export function TextField({
  id,
  label,
  value,
  onChange,
  hint,
  error,
  multiline,
  required,
  dir = 'auto',
  ...rest
}: TextFieldProps): ReactNode {
  const common = {
    id,
    name: id,
    value,
    dir,
    required,
    'aria-required': required || undefined,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy(id, hint, error),
    className: 'input',
  }
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} required={required}>
      {multiline ? (
        <textarea {...common} rows={3} onChange={(e) => onChange(e.target.value)} {...(rest as object)} />
      ) : (
        <input type="text" {...common} onChange={(e) => onChange(e.target.value)} {...rest} />
      )}
    </FieldFrame>
  )
}
