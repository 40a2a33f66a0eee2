import fs from 'node:fs'
import * as fontkit from 'fontkit'
import type PDFDocument from 'pdfkit'
import { resourcePath } from '../node/resources'
import { type Script } from './script-runs'
import { useFastSubset } from './ttf-subset'

/** @types/pdfkit's default export is typed as the document instance. */
type Doc = typeof PDFDocument

/**
 * The certificate's fonts, from resources/fonts/ (see its README for sources and licences).
 *
 * pdfkit has no font fallback, so every script gets its own face, and each character is checked against the
 * face's cmap so that punctuation missing from, say, the Hebrew font is drawn from the Latin one instead of as
 * tofu. Files are read and parsed once per process: a cohort of 1,000 certificates must not re-read 8 MB.
 */

/** The four styles the layout uses; other scripts map onto them. */
export type FaceStyle = 'serif' | 'serif-bold' | 'sans' | 'sans-bold'
const FACE_STYLES: readonly FaceStyle[] = ['serif', 'serif-bold', 'sans', 'sans-bold']

interface FaceFile {
  readonly file: string
  /** No bold cut is shipped (CJK and Hangul would double their size), so bold is drawn with a thin outline. */
  readonly syntheticBold?: boolean
}

const regularAndBold = (regular: string, bold: string) => ({ regular, bold })

const LATIN_SERIF = regularAndBold('NotoSerif-Regular.ttf', 'NotoSerif-Bold.ttf')
const LATIN_SANS = regularAndBold('NotoSans-Regular.ttf', 'NotoSans-Bold.ttf')
const NASKH = regularAndBold('NotoNaskhArabic-Regular.ttf', 'NotoNaskhArabic-Bold.ttf')
const DEVANAGARI = regularAndBold('NotoSansDevanagari-Regular.ttf', 'NotoSansDevanagari-Bold.ttf')
const ETHIOPIC = regularAndBold('NotoSansEthiopic-Regular.ttf', 'NotoSansEthiopic-Bold.ttf')
const HEBREW_SERIF = regularAndBold('NotoSerifHebrew-Regular.ttf', 'NotoSerifHebrew-Bold.ttf')
const HEBREW_SANS = regularAndBold('NotoSansHebrew-Regular.ttf', 'NotoSansHebrew-Bold.ttf')
const HAN = 'DroidSansFallbackFull.ttf'
const HANGUL = 'NanumSquareR.ttf'

function faceFile(style: FaceStyle, script: Script): FaceFile {
  const bold = style.endsWith('-bold')
  const serif = style.startsWith('serif')
  const pick = (pair: { regular: string; bold: string }): FaceFile => ({
    file: bold ? pair.bold : pair.regular,
  })
  switch (script) {
    case 'arabic':
      return pick(NASKH)
    case 'hebrew':
      return pick(serif ? HEBREW_SERIF : HEBREW_SANS)
    case 'devanagari':
      return pick(DEVANAGARI)
    case 'ethiopic':
      return pick(ETHIOPIC)
    case 'han':
      return { file: HAN, syntheticBold: bold }
    case 'hangul':
      return { file: HANGUL, syntheticBold: bold }
    default:
      return pick(serif ? LATIN_SERIF : LATIN_SANS)
  }
}

/** Tried in this order when a character is missing from its own script's face. */
const FALLBACK_ORDER: readonly Script[] = [
  'latin',
  'arabic',
  'hebrew',
  'devanagari',
  'ethiopic',
  'han',
  'hangul',
]

/** The key of the face for a style and script: its file name, marked when bold must be synthesised. */
export const fontKey = (style: FaceStyle, script: Script): string => {
  const face = faceFile(style, script)
  return face.syntheticBold ? `${face.file}#bold` : face.file
}

const loaded = new Map<string, fontkit.Font>()

function load(file: string): fontkit.Font {
  let font = loaded.get(file)
  if (!font) {
    const parsed = fontkit.create(fs.readFileSync(resourcePath('fonts', file)))
    if (!('unitsPerEm' in parsed)) throw new Error(`resources/fonts/${file} is a font collection, not a font`)
    font = parsed
    memoizeLayout(font)
    useFastSubset(font)
    loaded.set(file, font)
  }
  return font
}

type GlyphRun = ReturnType<fontkit.Font['layout']>
const LAYOUT_CACHE_LIMIT = 500

/**
 * Shaping (fontkit `layout`: cmap, GSUB, GPOS, a new layout engine per call) is most of the cost of a
 * certificate, and pdfkit caches it only per document and not at all for runs drawn with `features: []`
 * (as text.ts draws every run), so a batch of 1,000 certificates shaped the same labels, organization and
 * achievement names thousands of times. Results are kept per font for the process (least recently used
 * dropped beyond a bound, so a batch's learner names do not pile up); each caller gets its own copy of
 * the positions, which pdfkit scales in place.
 */
function memoizeLayout(font: fontkit.Font): void {
  const shape = font.layout.bind(font)
  const runs = new Map<string, GlyphRun>()
  const copy = (run: GlyphRun): GlyphRun => {
    const out = Object.assign(Object.create(Object.getPrototypeOf(run) as object) as GlyphRun, run)
    out.glyphs = run.glyphs.slice()
    out.positions = run.positions.map((p) =>
      Object.assign(Object.create(Object.getPrototypeOf(p) as object) as typeof p, p),
    )
    out.features = { ...run.features }
    return out
  }
  font.layout = ((text: string, features?: unknown, ...rest: unknown[]): GlyphRun => {
    if (rest.some((r) => r !== undefined) || (features !== undefined && !Array.isArray(features)))
      return (shape as (...a: unknown[]) => GlyphRun)(text, features, ...rest)
    const key = `${features ? (features as string[]).join(',') : '-'}\u0000${text}`
    let run = runs.get(key)
    if (run) runs.delete(key)
    else run = shape(text, features as string[] | undefined)
    runs.set(key, run)
    if (runs.size > LAYOUT_CACHE_LIMIT) runs.delete(runs.keys().next().value!)
    return copy(run)
  }) as fontkit.Font['layout']
}

const fileOf = (key: string): string => key.replace(/#bold$/, '')

/** Whether a key stands for a face drawn with an outline to look bold. */
export const isSyntheticBold = (key: string): boolean => key.endsWith('#bold')

/** The parsed font behind a key: measured here, and handed to pdfkit as is. */
export const fontkitFont = (key: string): fontkit.Font => load(fileOf(key))

const pickCache = new Map<string, string>()

/**
 * The font key for one code point: its script's face if that face has a glyph, else the first face that does,
 * else its script's face anyway (pdfkit then draws .notdef, which at least keeps the layout).
 */
export function pickFont(style: FaceStyle, codePoint: number, script: Script): string {
  const cacheKey = `${style}|${script}|${codePoint}`
  const cached = pickCache.get(cacheKey)
  if (cached !== undefined) return cached
  const own = fontKey(style, script)
  let chosen = own
  if (!fontkitFont(own).hasGlyphForCodePoint(codePoint)) {
    for (const other of FALLBACK_ORDER) {
      const key = fontKey(style, other)
      if (fontkitFont(key).hasGlyphForCodePoint(codePoint)) {
        chosen = key
        break
      }
    }
  }
  pickCache.set(cacheKey, chosen)
  return chosen
}

// fontkit's postscriptName is a getter over the name table; drawing asks for it once per text run.
const postscriptNames = new Map<string, string>()

/**
 * The name a face is registered under in a pdfkit document: its PostScript name. pdfkit files the default
 * font under that name, so `doc.font(name)` then hits pdfkit's cache instead of re-parsing the face each call.
 */
export const pdfFontName = (key: string): string => {
  let name = postscriptNames.get(key)
  if (name === undefined) {
    name = fontkitFont(key).postscriptName
    postscriptNames.set(key, name)
  }
  return name
}

/**
 * What pdfkit is given for a face: the parsed fontkit font itself. pdfkit 0.20 accepts one wherever it takes a
 * font (PDFFontFactory.open checks for `layout`), though @types/pdfkit only lists paths and bytes. Sharing
 * parsed fonts is what makes later documents cheap: re-parsing cmap, GSUB and GPOS from bytes costs some
 * 150 ms per document, and a path would also re-read the file.
 */
export const pdfFontSource = (key: string): PDFKit.Mixins.PDFFontSource =>
  fontkitFont(key) as unknown as PDFKit.Mixins.PDFFontSource

/** Registers every face with a new document; pdfkit reads no file. */
export function registerFonts(doc: Doc): void {
  const files = new Set(FACE_STYLES.flatMap((style) => FALLBACK_ORDER.map((s) => fileOf(fontKey(style, s)))))
  for (const file of files) doc.registerFont(pdfFontName(file), pdfFontSource(file))
}

/** The document's default font; giving pdfkit one keeps it from loading its built-in Helvetica at all. */
export const DEFAULT_FONT_KEY = fontKey('sans', 'latin')
