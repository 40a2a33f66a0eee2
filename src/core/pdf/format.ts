/**
 * Dates and numbers as printed on a certificate.
 *
 * A date is printed as the calendar day written in the ISO string, not converted to the printing machine's
 * time zone: a credential issued at 23:30+03:00 on 12 March was issued on 12 March, wherever it is reprinted.
 */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/** "2025-03-12T09:30:00+03:00" → "12 March 2025" (day-month-year cannot be misread as month-day). */
export function formatDate(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso.trim())
  const month = match ? MONTHS[Number(match[2]) - 1] : undefined
  const day = match ? Number(match[3]) : 0
  if (!match || !month || day < 1 || day > 31) return iso
  return `${day} ${month} ${match[1]}`
}

const numberFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2, useGrouping: false })
const percentFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1, useGrouping: false })

/** Points: at most two decimals, no trailing zeros ("2.5", "10"). */
export const formatPoints = (n: number): string => numberFormat.format(n)

/** A percentage given as 0–100: "84%", "66.7%". */
export const formatPercent = (n: number): string => `${percentFormat.format(n)}%`
