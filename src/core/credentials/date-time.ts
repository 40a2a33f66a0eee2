/**
 * Date-times as credentials carry them. VC `validFrom` must equal the JWT `nbf` (whole seconds,
 * ob3.md §2.1), so every timestamp Tessera signs is UTC without fractional seconds.
 *
 * Isomorphic (used by the verifier).
 */
import { TesseraError } from '../../contract/errors'

/** ISO 8601 UTC, whole seconds: `2025-03-14T10:32:00Z`. */
export function isoSeconds(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new TesseraError('validation', 'Invalid date')
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z')
}

/** Accepts a Date or an ISO string; `where` names the input field in the error. */
export function toDate(value: Date | string, where: string): Date {
  const d = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(d.getTime()))
    throw new TesseraError('validation', `${where}: not a valid date-time (${String(value)})`)
  return d
}

/** Adds calendar months in UTC, clamping to the last day of a shorter month (Jan 31 + 1 month = Feb 28/29). */
export function addMonthsUtc(d: Date, months: number): Date {
  const target = new Date(
    Date.UTC(
      d.getUTCFullYear(),
      d.getUTCMonth() + months,
      1,
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
    ),
  )
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate()
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay))
  return target
}

/**
 * Parses an XML Schema dateTime with a zone, as VC dates must have (`DateTimeZ`). Returns undefined
 * for anything else, so callers can say which field is malformed.
 */
export function parseDateTimeZ(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) return undefined
  const d = new Date(value)
  return Number.isNaN(d.getTime()) ? undefined : d
}
