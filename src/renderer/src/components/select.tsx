import type { ReactNode, SelectHTMLAttributes } from 'react'
import { describedBy, FieldFrame } from './field'

export interface SelectOption {
  value: string
  label: string
  /** Language of the label when it differs from the page (e.g. language names). */
  lang?: string
}

export interface SelectProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange' | 'value'> {
  id: string
  label: ReactNode
  value: string
  options: readonly SelectOption[]
  onChange: (value: string) => void
  hint?: ReactNode
  error?: ReactNode
}

export function Select({
  id,
  label,
  value,
  options,
  onChange,
  hint,
  error,
  required,
  ...rest
}: SelectProps): ReactNode {
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} required={required}>
      <select
        id={id}
        name={id}
        className="input select"
        value={value}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        onChange={(e) => onChange(e.target.value)}
        {...rest}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value} lang={o.lang}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  )
}
