import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import { initialLanguage, LANGUAGES, STORAGE_KEY, textsOf, type LanguageCode } from './languages'
import en from './texts/en'
import type { Texts } from './languages'

export { LANGUAGES, type LanguageCode } from './languages'

/** `lang` and `dir` on <html>: screen readers pick the voice, and the whole layout mirrors for Arabic. */
function applyToDocument(code: string): void {
  const lang = LANGUAGES.find((l) => l.code === code) ?? LANGUAGES[0]
  document.documentElement.lang = lang.code
  document.documentElement.dir = lang.dir
}

/** Adds a language's texts to i18next unless they are there (English always is). */
async function ensureTexts(code: LanguageCode): Promise<void> {
  if (code === 'en' || i18next.hasResourceBundle(code, 'translation')) return
  const texts = await textsOf(code)
  i18next.addResourceBundle(code, 'translation', texts)
}

/** Resolves once the texts of the language to start in are loaded and i18next is ready to render. */
export async function setupI18n(): Promise<typeof i18next> {
  let lng = initialLanguage()
  let texts: Texts | undefined
  if (lng !== 'en') {
    try {
      texts = await textsOf(lng)
    } catch (e) {
      // The chunk could not be loaded (an old page after an update): usable in English beats nothing.
      console.error(`The ${lng} texts could not be loaded`, e)
      lng = 'en'
    }
  }
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, ...(texts ? { [lng]: { translation: texts } } : {}) },
    lng,
    fallbackLng: 'en',
    supportedLngs: LANGUAGES.map((l) => l.code),
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
    initAsync: false,
    showSupportNotice: false, // i18next's advertisement in the console
  })
  applyToDocument(lng)
  i18next.on('languageChanged', applyToDocument)
  return i18next
}

/** Loads a language's texts, then switches the UI to it and remembers it on this computer. */
export async function changeLanguage(code: LanguageCode): Promise<void> {
  await ensureTexts(code)
  try {
    localStorage.setItem(STORAGE_KEY, code)
  } catch {
    // not persisted, still switched
  }
  await i18next.changeLanguage(code)
}
