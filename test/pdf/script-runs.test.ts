import { describe, expect, it } from 'vitest'
import {
  analyse,
  breakOpportunities,
  graphemeBoundaries,
  scriptOf,
  visualRuns,
} from '../../src/core/pdf/script-runs'

// A stand-in font picker: the "font" is the script's name, except that, like the real Hebrew and Arabic
// faces, the RTL "fonts" lack ASCII punctuation, which falls back to the Latin one.
const byScript = (cp: number, script: string): string =>
  (script === 'hebrew' || script === 'arabic') && cp < 0x80 && !/[\s\d]/.test(String.fromCodePoint(cp))
    ? 'latin'
    : script
const runs = (text: string) => visualRuns(analyse(text, byScript)).map((r) => [r.text, r.font])

describe('scriptOf', () => {
  it('classifies letters by script and leaves shared characters unassigned', () => {
    expect(['N', 'ễ', 'Ж', 'Ω', 'ف', 'ש', 'अ', 'አ', '王', 'さ', 'カ', '김'].map(scriptOf)).toEqual([
      'latin',
      'latin',
      'latin',
      'latin',
      'arabic',
      'hebrew',
      'devanagari',
      'ethiopic',
      'han',
      'han',
      'han',
      'hangul',
    ])
    expect([' ', '1', '(', '-', '\u0301', '\u200d', '\u0651'].map(scriptOf)).toEqual(Array(7).fill(undefined))
    expect(scriptOf('ก')).toBe('other')
  })
})

describe('visualRuns', () => {
  it('keeps a left-to-right name in one run per script, in logical order', () => {
    expect(runs('Nguyễn Thị Minh Khai')).toEqual([['Nguyễn Thị Minh Khai', 'latin']])
    expect(runs('Minh 王小明 Khai')).toEqual([
      ['Minh ', 'latin'],
      ['王小明 ', 'han'],
      ['Khai', 'latin'],
    ])
  })

  it('keeps combining marks with the font of their base letter', () => {
    const decomposed = 'Nguye\u0302\u0303n'
    expect(analyse(decomposed, byScript).fonts.every((f) => f === 'latin')).toBe(true)
  })

  it('hands an Arabic or Hebrew run to fontkit in logical order, since fontkit reverses and mirrors it', () => {
    const p = analyse('فاطمة الزهراء', byScript)
    expect(p.rtl).toBe(true)
    expect(runs('فاطمة الزهراء')).toEqual([['فاطمة الزهراء', 'arabic']])
  })

  it('orders the runs of a right-to-left line from left to right, mirroring neutrals it reverses itself', () => {
    // "(" and ")" come from the Latin font, so they are separate runs that fontkit would not mirror.
    expect(runs('(שרה)')).toEqual([
      ['(', 'latin'],
      ['שרה', 'hebrew'],
      [')', 'latin'],
    ])
    // Embedded left-to-right text keeps its own order inside the right-to-left line.
    expect(runs('שרה כהן ABC 12')).toEqual([
      ['ABC 12', 'latin'],
      ['שרה כהן ', 'hebrew'],
    ])
    expect(runs('שרה 12 כהן')).toEqual([
      [' כהן', 'hebrew'],
      ['12', 'hebrew'],
      ['שרה ', 'hebrew'],
    ])
  })

  it('pre-reverses Arabic-Indic digits, which bidi keeps left-to-right but fontkit would reverse', () => {
    const r = runs('رقم ١٢٣')
    expect(r).toEqual([
      ['٣٢١', 'arabic'],
      ['رقم ', 'arabic'],
    ])
  })

  it('puts a left-to-right name with an Arabic part in a left-to-right paragraph', () => {
    const p = analyse('Fatima فاطمة', byScript)
    expect(p.rtl).toBe(false)
    expect(runs('Fatima فاطمة')).toEqual([
      ['Fatima ', 'latin'],
      ['فاطمة', 'arabic'],
    ])
  })

  it('gives each run its logical text for ActualText', () => {
    const r = visualRuns(analyse('(שרה)', byScript))
    expect(r.map((x) => x.logical)).toEqual([')', 'שרה', '('])
  })
})

describe('line breaking helpers', () => {
  it('allows breaks after spaces and hyphens and between CJK characters, never before a space', () => {
    expect(breakOpportunities('ab cd-ef')).toEqual([3, 6])
    expect(breakOpportunities('王小明')).toEqual([1, 2])
    expect(breakOpportunities('a  b')).toEqual([3])
    expect(breakOpportunities('安全。確認')).toEqual([1, 3, 4])
  })

  it('cuts between grapheme clusters only', () => {
    expect(graphemeBoundaries('ễa')).toEqual([1])
    expect(graphemeBoundaries('e\u0302\u0303a')).toEqual([3])
  })
})
