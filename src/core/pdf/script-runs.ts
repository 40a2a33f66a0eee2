import bidiFactory from 'bidi-js'

/**
 * Splitting text into runs that one font can draw, then into the visual order of a line.
 *
 * pdfkit draws a string with a single font and no Unicode Bidirectional Algorithm, so a name such as
 * "فاطمة الزهراء" or "Nguyễn (王小明)" has to be cut into runs here. Pure: fonts are chosen by a callback.
 */

/** The script classes we ship a font for; `other` falls back to the Latin font (and may show tofu). */
export type Script = 'latin' | 'arabic' | 'hebrew' | 'devanagari' | 'ethiopic' | 'han' | 'hangul' | 'other'

/** Chooses the font key for one code point of a given (resolved) script. */
export type FontPicker = (codePoint: number, script: Script) => string

const SCRIPTS: readonly (readonly [Script, RegExp])[] = [
  ['latin', /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}]/u],
  ['arabic', /\p{Script=Arabic}/u],
  ['hebrew', /\p{Script=Hebrew}/u],
  ['devanagari', /\p{Script=Devanagari}/u],
  ['ethiopic', /\p{Script=Ethiopic}/u],
  ['hangul', /\p{Script=Hangul}/u],
  // Japanese mixes kana with kanji in one name, and one font (Droid Sans Fallback) covers all three.
  ['han', /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}]/u],
]
const COMMON = /[\p{Script=Common}\p{Script=Unknown}]/u
// Combining marks, ZWJ/ZWNJ and variation selectors belong to the glyph before them, never to a new run.
const INHERITED = /[\p{Script=Inherited}\p{M}]/u
/** Scripts that fontkit lays out right-to-left (and then reverses and mirrors itself). */
const RTL_SCRIPT = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u
const HAS_SCRIPT = /[^\p{Script=Common}\p{Script=Inherited}\p{Script=Unknown}]/u
const CJK_BREAKABLE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u

/** The script of one character, or undefined for characters shared by all scripts (spaces, digits, punctuation). */
export function scriptOf(ch: string): Script | undefined {
  if (INHERITED.test(ch) || COMMON.test(ch)) return undefined
  for (const [script, re] of SCRIPTS) if (re.test(ch)) return script
  return 'other'
}

const bidi = bidiFactory()

/** A paragraph with its bidi embedding levels and a font for every UTF-16 code unit. */
export interface Paragraph {
  readonly text: string
  readonly levels: Uint8Array
  readonly fonts: readonly string[]
  readonly rtl: boolean
}

/** One piece of a line in visual order, as it must be handed to pdfkit (with `features: []`). */
export interface VisualRun {
  readonly text: string
  readonly font: string
  /** The same characters in logical order, as a reader should extract them. */
  readonly logical: string
}

/**
 * Resolves scripts (shared characters join the script before them, or after them at the start of the text),
 * picks a font per character, and computes embedding levels with the paragraph direction taken from the
 * first strong character, so that an Arabic-only name is a right-to-left paragraph.
 */
export function analyse(text: string, pickFont: FontPicker): Paragraph {
  const chars = Array.from(text)
  const scripts = chars.map(scriptOf)
  const firstStrong = scripts.find((s) => s !== undefined) ?? 'latin'
  const fonts: string[] = []
  let current: Script = firstStrong
  let previousFont: string | undefined
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!
    const script = scripts[i]
    if (script) current = script
    const font =
      !script && previousFont !== undefined && INHERITED.test(ch)
        ? previousFont
        : pickFont(ch.codePointAt(0)!, current)
    for (let unit = 0; unit < ch.length; unit++) fonts.push(font)
    previousFont = font
  }
  const { levels, paragraphs } = bidi.getEmbeddingLevels(text, 'auto')
  return { text, levels, fonts, rtl: ((paragraphs[0]?.level ?? 0) & 1) === 1 }
}

interface Segment {
  start: number
  end: number
  level: number
  font: string
}

/**
 * The runs of `text[start, end)` in visual (left-to-right) order: rule L2 of UAX #9 applied to runs of equal
 * level and font. Characters inside a run stay in logical order whenever fontkit will reverse them itself.
 */
export function visualRuns(p: Paragraph, start = 0, end = p.text.length): VisualRun[] {
  const segments: Segment[] = []
  for (let i = start; i < end; i++) {
    const level = p.levels[i]!
    const font = p.fonts[i]!
    const last = segments.at(-1)
    if (last && last.level === level && last.font === font) last.end = i + 1
    else segments.push({ start: i, end: i + 1, level, font })
  }
  if (segments.length === 0) return []
  const maxLevel = Math.max(...segments.map((s) => s.level))
  const lowestOdd = Math.min(...segments.map((s) => (s.level % 2 === 1 ? s.level : s.level + 1)))
  for (let level = maxLevel; level >= lowestOdd; level--) {
    for (let i = 0; i < segments.length; i++) {
      if (segments[i]!.level < level) continue
      let j = i
      while (j + 1 < segments.length && segments[j + 1]!.level >= level) j++
      const reversed = segments.slice(i, j + 1).reverse()
      segments.splice(i, reversed.length, ...reversed)
      i = j
    }
  }
  return segments.map((s) => {
    const logical = p.text.slice(s.start, s.end)
    return { text: runText(logical, s.level), font: s.font, logical }
  })
}

/** Whether fontkit will treat this string as right-to-left: it looks at the first character with a script. */
const fontkitLaysOutRtl = (s: string): boolean => {
  const first = HAS_SCRIPT.exec(s)
  return first !== null && RTL_SCRIPT.test(first[0])
}

/**
 * fontkit reverses (and mirrors) a run only when its script is right-to-left, whatever its bidi level. An RTL
 * run of neutrals only, such as "(" drawn from the Latin font inside an Arabic name, is reversed and mirrored
 * here instead; and a left-to-right run that fontkit would reverse (Arabic-Indic digits, level 2) is
 * pre-reversed so that fontkit's reversal restores it.
 */
function runText(s: string, level: number): string {
  const rtl = level % 2 === 1
  if (rtl === fontkitLaysOutRtl(s)) return s
  const reversed = Array.from(s).reverse()
  return rtl ? reversed.map((ch) => bidi.getMirroredCharacter(ch) ?? ch).join('') : reversed.join('')
}

/**
 * Positions (UTF-16 indices) where a line may begin: after white space, after a hyphen or slash, and between
 * Chinese or Japanese characters, which are written without spaces.
 */
export function breakOpportunities(text: string): number[] {
  const result: number[] = []
  const chars = Array.from(text)
  let index = 0
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!
    const next = chars[i + 1]
    index += ch.length
    if (next === undefined) break
    if (/\s/u.test(next)) continue
    if (
      /\s/u.test(ch) ||
      /[-/\u2010\u2013\u2014]/u.test(ch) ||
      (CJK_BREAKABLE.test(next) && !INHERITED.test(next)) ||
      (CJK_BREAKABLE.test(ch) && !/\p{P}/u.test(next))
    ) {
      result.push(index)
    }
  }
  return result
}

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' })

/** UTF-16 offsets of grapheme-cluster boundaries inside `text` (exclusive of 0 and text.length). */
export function graphemeBoundaries(text: string): number[] {
  const result: number[] = []
  for (const { index } of graphemes.segment(text)) if (index > 0) result.push(index)
  return result
}
