/*
 * Which language the UI starts in, and the other languages' texts, loaded on demand. Nothing of
 * i18next here: first-status.ts (the small early chunk) calls `startLoadingInitialTexts()` once
 * its request has left, so the saved language's texts are fetched while the main bundle is still
 * downloading, and the first read of localStorage (which waits for the browser process) happens
 * then, not in front of the first render.
 */

/** One language's texts: i18next's resources, nested by screen. */
export type Texts = Record<string, unknown>

/** Languages of the UI, each named in its own language (autonyms are never translated). */
export const LANGUAGES = [
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'fr', name: 'Français', dir: 'ltr' },
  { code: 'ar', name: 'العربية', dir: 'rtl' },
] as const
export type LanguageCode = (typeof LANGUAGES)[number]['code']

export const STORAGE_KEY = 'tessera.language'

const isLanguage = (s: string | null | undefined): s is LanguageCode => LANGUAGES.some((l) => l.code === s)

let initial: LanguageCode | undefined

/** The saved choice, else the first browser language we have, else English (read once per page). */
export function initialLanguage(): LanguageCode {
  initial ??= readInitialLanguage()
  return initial
}

function readInitialLanguage(): LanguageCode {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (isLanguage(saved)) return saved
  } catch {
    // storage unavailable: fall through
  }
  for (const tag of navigator.languages ?? []) {
    const base = tag.split('-')[0]
    if (isLanguage(base)) return base
  }
  return 'en'
}

/*
 * English is the fallback of every missing key, so its texts are in the main bundle (i18n/index.ts
 * imports them). The other languages are chunks of their own.
 */
const loaders: Record<Exclude<LanguageCode, 'en'>, () => Promise<{ default: Texts }>> = {
  fr: () => import('./texts/fr'),
  ar: () => import('./texts/ar'),
}
const loading = new Map<LanguageCode, Promise<Texts>>()

/** A language's texts other than English's, fetched once (a failed fetch may be tried again). */
export function textsOf(code: Exclude<LanguageCode, 'en'>): Promise<Texts> {
  let texts = loading.get(code)
  if (!texts) {
    texts = loaders[code]().then((m) => m.default)
    texts.catch(() => loading.delete(code))
    loading.set(code, texts)
  }
  return texts
}

/** Starts fetching the texts of the language the UI will start in (unless English). */
export function startLoadingInitialTexts(): void {
  const code = initialLanguage()
  if (code !== 'en') textsOf(code).catch(() => undefined) // setupI18n reports a failure
}
