import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'

export interface DateFormatters {
  /** "14 Mar 2026" in the UI language. */
  date: (iso: string) => string
  /** "14 Mar 2026, 10:32" in the UI language and the computer's time zone. */
  dateTime: (iso: string) => string
}

/**
 * Dates as people read them, in the UI language. Records keep ISO strings; anything that does not
 * parse is shown as stored rather than as "Invalid Date".
 */
export function useDates(): DateFormatters {
  const { i18n } = useTranslation()
  const language = i18n.language
  return useMemo(() => {
    const date = new Intl.DateTimeFormat(language, { dateStyle: 'medium' })
    const dateTime = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' })
    const using = (f: Intl.DateTimeFormat) => (iso: string) => {
      const d = new Date(iso)
      return Number.isNaN(d.getTime()) ? iso : f.format(d)
    }
    return { date: using(date), dateTime: using(dateTime) }
  }, [language])
}
