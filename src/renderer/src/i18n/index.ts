import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import ar from './ar.json'
import en from './en.json'
import fr from './fr.json'

/**
 * Each screen keeps its strings in its own files, `<lang>/<screen>.json`, under a top-level key
 * named after the screen, so screens can be translated (and written) independently.
 */
const screenFiles = import.meta.glob<{ default: Record<string, unknown> }>('./*/*.json', { eager: true })

function withScreens(code: string, base: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...base }
  for (const [file, mod] of Object.entries(screenFiles)) {
    if (file.startsWith(`./${code}/`)) Object.assign(merged, mod.default)
  }
  return merged
}

/** Languages of the UI, each named in its own language (autonyms are never translated). */
export const LANGUAGES = [
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'fr', name: 'Français', dir: 'ltr' },
  { code: 'ar', name: 'العربية', dir: 'rtl' },
] as const
export type LanguageCode = (typeof LANGUAGES)[number]['code']

const STORAGE_KEY = 'tessera.language'

const isLanguage = (s: string | null | undefined): s is LanguageCode => LANGUAGES.some((l) => l.code === s)

/** The saved choice, else the first browser language we have, else English. */
function initialLanguage(): LanguageCode {
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

/** `lang` and `dir` on <html>: screen readers pick the voice, and the whole layout mirrors for Arabic. */
function applyToDocument(code: string): void {
  const lang = LANGUAGES.find((l) => l.code === code) ?? LANGUAGES[0]
  document.documentElement.lang = lang.code
  document.documentElement.dir = lang.dir
}

export function setupI18n(): typeof i18next {
  const lng = initialLanguage()
  void i18next.use(initReactI18next).init({
    resources: {
      en: { translation: withScreens('en', en) },
      fr: { translation: withScreens('fr', fr) },
      ar: { translation: withScreens('ar', ar) },
    },
    lng,
    fallbackLng: 'en',
    supportedLngs: LANGUAGES.map((l) => l.code),
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
    initAsync: false,
  })
  applyToDocument(lng)
  i18next.on('languageChanged', applyToDocument)
  return i18next
}

/** Switches the UI language and remembers it on this computer. */
export async function changeLanguage(code: LanguageCode): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, code)
  } catch {
    // not persisted, still switched
  }
  await i18next.changeLanguage(code)
}
