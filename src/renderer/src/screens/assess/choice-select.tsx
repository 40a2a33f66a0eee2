import type { ReactNode } from 'react'
import { Select } from '../../components/select'
import type { Choice } from './use-choice'

/** A required Select over a `useChoice` list; an empty list says why (`none`) instead of showing nothing. */
export function ChoiceSelect({
  id,
  label,
  hint,
  choice,
  none,
}: {
  id: string
  label: string
  hint?: string
  choice: Choice
  none?: string
}): ReactNode {
  const options = choice.options.length || none === undefined ? choice.options : [{ value: '', label: none }]
  return (
    <Select
      id={id}
      label={label}
      hint={hint}
      required
      value={choice.value}
      options={options}
      onChange={choice.setValue}
    />
  )
}
