import i18next from 'i18next'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { changeLanguage, setupI18n } from '../../src/renderer/src/i18n'

/*
 * The UI's texts outside a browser: just enough of `localStorage`, `navigator` and <html> for the
 * i18n module. Only English is in the first bundle; the other languages load when chosen.
 */
const saved = new Map<string, string>([['tessera.language', 'ar']])
const html = { lang: '', dir: '' }

beforeAll(async () => {
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => saved.get(k) ?? null,
    setItem: (k: string, v: string) => void saved.set(k, v),
  })
  vi.stubGlobal('navigator', { languages: ['en-GB'] })
  vi.stubGlobal('document', { documentElement: html })
  await setupI18n()
})

describe('UI languages loaded on demand', () => {
  it('starts in the saved language, its texts loaded before the first render, <html> right-to-left', () => {
    expect(i18next.language).toBe('ar')
    expect(i18next.t('nav.start')).toBe('البداية')
    expect(html).toEqual({ lang: 'ar', dir: 'rtl' })
    // English is there as the fallback; French was never asked for.
    expect(i18next.hasResourceBundle('en', 'translation')).toBe(true)
    expect(i18next.hasResourceBundle('fr', 'translation')).toBe(false)
  })

  it('a key missing in the chosen language falls back to English', () => {
    i18next.addResource('en', 'translation', 'test.onlyInEnglish', 'Only in English')
    expect(i18next.t('test.onlyInEnglish')).toBe('Only in English')
  })

  it('a language switch loads that language first, then switches and remembers it', async () => {
    await changeLanguage('fr')
    expect(i18next.language).toBe('fr')
    expect(i18next.t('nav.start')).toBe('Accueil')
    expect(html).toEqual({ lang: 'fr', dir: 'ltr' })
    expect(saved.get('tessera.language')).toBe('fr')
    await changeLanguage('en')
    expect(i18next.t('nav.start')).toBe('Start')
    expect(html).toEqual({ lang: 'en', dir: 'ltr' })
  })
})
