/** The props a form's text field repeats: TextField (or Select) takes them as they are. */
export interface BoundField {
  id: string
  label: string
  hint?: string
  value: string
  onChange: (value: string) => void
  error?: string
}

export interface FieldBinding<K extends string> {
  /** Ids are `<idPrefix>-<name>`, so two forms on one page never clash. */
  idPrefix: string
  label: (name: K) => string
  /** A line under the label saying what to type, for the fields that have one. */
  hint?: (name: K) => string | undefined
  values: Readonly<Record<K, string>>
  set: (name: K) => (value: string) => void
  /** The first problem placed on each field (`fieldErrors`). */
  errors: Readonly<Record<string, string>>
}

/**
 * Binds a form's fields by name: `<TextField {...field('email')} type="email" />` gets its id, label,
 * hint, value, change handler and error, so the label, the hint and the error stay tied to the input.
 */
export function bindFields<K extends string>(binding: FieldBinding<K>): (name: K) => BoundField {
  return (name) => ({
    id: `${binding.idPrefix}-${name}`,
    label: binding.label(name),
    hint: binding.hint?.(name),
    value: binding.values[name],
    onChange: binding.set(name),
    error: binding.errors[name],
  })
}

/** Each field's label and input id, for the error summary to name a problem and move focus to it. */
export function summaryFields<K extends string>(
  names: readonly K[],
  idPrefix: string,
  label: (name: K) => string,
): Record<string, { label: string; id: string }> {
  return Object.fromEntries(names.map((n) => [n, { label: label(n), id: `${idPrefix}-${n}` }]))
}
