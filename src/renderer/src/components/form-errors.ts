import type { TFunction } from 'i18next'
import { TesseraError, type ErrorIssue } from '../../../contract/errors'

/** Any thrown value as a TesseraError (a bug in the UI shows up as `internal`, not as a blank screen). */
export function asTesseraError(e: unknown): TesseraError {
  if (e instanceof TesseraError) return e
  return new TesseraError('internal', e instanceof Error ? e.message : String(e))
}

/**
 * The services phrase field problems in English (the CLI prints them). The common ones are
 * translated here; anything else is shown as sent.
 */
const KNOWN_MESSAGES: Record<string, string> = {
  'is required': 'validation.required',
  'is not a valid email address': 'validation.email',
  'must be an http(s) URL': 'validation.url',
}

export function translateIssue(message: string, t: TFunction): string {
  const key = KNOWN_MESSAGES[message]
  return key ? t(key) : message
}

export interface PlacedIssue {
  /** The form field the issue belongs to, when the form has one for it. */
  field: string | null
  message: string
}

/**
 * Splits an error's issues by form field: `prefix` is the part of the path the form does not show
 * (e.g. `['organization']` for `system.init`), and the next path element names the field.
 */
export function placeIssues(
  error: TesseraError | null,
  prefix: readonly (string | number)[],
  fields: readonly string[],
  t: TFunction,
): PlacedIssue[] {
  if (!error?.issues) return []
  return error.issues.map((issue: ErrorIssue) => {
    const startsWithPrefix = prefix.every((p, i) => issue.path[i] === p)
    const next = startsWithPrefix ? issue.path[prefix.length] : undefined
    const field = typeof next === 'string' && fields.includes(next) ? next : null
    return { field, message: translateIssue(issue.message, t) }
  })
}

/** The first message for each field, to show next to it. */
export function fieldErrors(placed: readonly PlacedIssue[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const p of placed) if (p.field && !(p.field in out)) out[p.field] = p.message
  return out
}
