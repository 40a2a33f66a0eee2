import type PDFDocument from 'pdfkit'
import { type FaceStyle, fontkitFont, isSyntheticBold, pdfFontName, pickFont } from './fonts'
import {
  analyse,
  breakOpportunities,
  graphemeBoundaries,
  type Paragraph,
  type VisualRun,
  visualRuns,
} from './script-runs'

/**
 * Measuring, wrapping and drawing multi-script text with pdfkit, one font run at a time.
 *
 * Every run is drawn with `features: []`: without it pdfkit shapes each space-separated word on its own and
 * concatenates the words in logical order, which reverses the word order of Arabic and Hebrew.
 */

/** @types/pdfkit's default export is typed as the document instance. */
type Doc = typeof PDFDocument

export interface TextStyle {
  readonly face: FaceStyle
  readonly size: number
  readonly color: string
  /** Extra space after each character, in points; only for fixed Latin labels (it would break Arabic joining). */
  readonly tracking?: number
}

export interface Line {
  readonly runs: readonly VisualRun[]
  readonly width: number
  /** The text did not fit and this line ends with an ellipsis. */
  readonly truncated: boolean
}

const ELLIPSIS = '\u2026'
// Outline width of synthetic bold, as a fraction of the font size: visibly heavier, still open counters.
const SYNTHETIC_BOLD_STROKE = 0.03
const WIDTH_CACHE_LIMIT = 50_000

interface Shaped {
  /** Advance width in em. */
  readonly em: number
  /**
   * Whether the glyphs, read in drawing order, no longer spell the text: Devanagari's reph and short i are
   * drawn out of logical order, so a reader extracting "शर्मा" would get "शमार्". Such runs carry an ActualText.
   * Right-to-left runs are left alone: readers reverse those themselves (poppler reverses ActualText too).
   */
  readonly needsActualText: boolean
}

const shapedRuns = new Map<string, Shaped>()

/** Shapes a run exactly as pdfkit will (fontkit, same features); cached per process. */
function shaped(run: VisualRun): Shaped {
  const key = `${run.font}\u0000${run.text}`
  let result = shapedRuns.get(key)
  if (result === undefined) {
    const font = fontkitFont(run.font)
    const glyphRun = font.layout(run.text, [])
    const spelled = glyphRun.glyphs.map((g) => String.fromCodePoint(...g.codePoints)).join('')
    result = {
      em: glyphRun.advanceWidth / font.unitsPerEm,
      needsActualText: glyphRun.direction === 'ltr' && spelled !== run.logical,
    }
    if (shapedRuns.size >= WIDTH_CACHE_LIMIT) shapedRuns.clear()
    shapedRuns.set(key, result)
  }
  return result
}

const runWidth = (run: VisualRun, style: TextStyle): number =>
  shaped(run).em * style.size + (style.tracking ?? 0) * run.text.length

function lineOf(runs: VisualRun[], style: TextStyle, truncated = false): Line {
  const width =
    runs.reduce((sum, run) => sum + runWidth(run, style), 0) - (runs.length ? (style.tracking ?? 0) : 0)
  return { runs, width: Math.max(0, width), truncated }
}

const paragraph = (text: string, style: TextStyle): Paragraph =>
  analyse(text, (codePoint, script) => pickFont(style.face, codePoint, script))

/** Collapses runs of white space (including line breaks) to one space and trims. */
const squeeze = (text: string): string => text.replace(/\s+/gu, ' ').trim()

function rangeLine(p: Paragraph, start: number, end: number, style: TextStyle, truncated = false): Line {
  while (end > start && /\s/u.test(p.text[end - 1]!)) end--
  while (start < end && /\s/u.test(p.text[start]!)) start++
  return lineOf(visualRuns(p, start, end), style, truncated)
}

/** The single-line width of `text`. */
export const textWidth = (text: string, style: TextStyle): number =>
  rangeLine(paragraph(squeeze(text), style), 0, squeeze(text).length, style).width

/** The longest prefix of `text[start…]` (cut between grapheme clusters) that fits with an ellipsis. */
function truncate(p: Paragraph, start: number, style: TextStyle, maxWidth: number): Line {
  const cuts = graphemeBoundaries(p.text.slice(start)).map((b) => start + b)
  let lo = 0
  let hi = cuts.length - 1
  let best: Line | undefined
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const candidate = `${p.text.slice(start, cuts[mid]).trimEnd()}${ELLIPSIS}`
    const line = rangeLine(paragraph(candidate, style), 0, candidate.length, style, true)
    if (line.width <= maxWidth) {
      best = line
      lo = mid + 1
    } else {
      hi = mid - 1
    }
  }
  return best ?? rangeLine(paragraph(ELLIPSIS, style), 0, 1, style, true)
}

/**
 * Breaks `text` into at most `maxLines` lines of at most `maxWidth`, each in visual order; the last line ends
 * with an ellipsis if the text does not fit. Bidi levels come from the whole paragraph (UAX #9 §3.4).
 */
export function layoutText(text: string, style: TextStyle, maxWidth: number, maxLines = 1): Line[] {
  const p = paragraph(squeeze(text), style)
  const length = p.text.length
  if (length === 0) return []
  const opportunities = [...breakOpportunities(p.text), length]
  const lines: Line[] = []
  let start = 0
  while (start < length) {
    if (lines.length === maxLines - 1) {
      const rest = rangeLine(p, start, length, style)
      lines.push(rest.width <= maxWidth ? rest : truncate(p, start, style, maxWidth))
      break
    }
    let end: number | undefined
    for (const candidate of opportunities) {
      if (candidate <= start) continue
      if (rangeLine(p, start, candidate, style).width > maxWidth) break
      end = candidate
    }
    // A single word wider than the line (a long ID, a German compound): break it between graphemes.
    if (end === undefined) {
      const cuts = graphemeBoundaries(p.text.slice(start)).map((b) => start + b)
      end =
        cuts.find((cut, i) => rangeLine(p, start, cuts[i + 1] ?? length, style).width > maxWidth) ?? length
      if (end === start) end = cuts[0] ?? length
    }
    lines.push(rangeLine(p, start, end, style))
    start = end
    while (start < length && /\s/u.test(p.text[start]!)) start++
  }
  return lines
}

/** Draws one laid-out line with its alphabetic baseline at `baseline`, aligned inside [x, x + boxWidth]. */
export function drawLine(
  doc: Doc,
  line: Line,
  x: number,
  baseline: number,
  style: TextStyle,
  align: 'left' | 'center' | 'right' = 'left',
  boxWidth = 0,
): void {
  let cursor =
    align === 'center' ? x + (boxWidth - line.width) / 2 : align === 'right' ? x + boxWidth - line.width : x
  for (const run of line.runs) {
    const synthetic = isSyntheticBold(run.font)
    const actualText = shaped(run).needsActualText
    if (actualText)
      withActualText(doc, run.logical, () => drawRun(doc, run, cursor, baseline, style, synthetic))
    else drawRun(doc, run, cursor, baseline, style, synthetic)
    cursor += runWidth(run, style)
  }
}

function drawRun(
  doc: Doc,
  run: VisualRun,
  x: number,
  baseline: number,
  style: TextStyle,
  synthetic: boolean,
): void {
  doc.save()
  doc.font(pdfFontName(run.font)).fontSize(style.size).fillColor(style.color)
  if (synthetic)
    doc
      .lineWidth(style.size * SYNTHETIC_BOLD_STROKE)
      .lineJoin('round')
      .strokeColor(style.color)
  doc.text(run.text, x, baseline, {
    lineBreak: false,
    baseline: 'alphabetic',
    features: [],
    characterSpacing: style.tracking,
    fill: true,
    stroke: synthetic,
  })
  doc.restore()
}

/**
 * Wraps drawing in a marked-content span whose ActualText is the logical text. pdfkit draws text under an
 * extra y-flip inside its own q/Q, and poppler places ActualText with the transformation current at EMC, so
 * the span is opened and closed in unflipped space (flip, BDC, flip back, draw, restore, EMC): the same
 * transformation the glyphs are drawn with. Otherwise the extracted name lands mirrored down the page.
 * (poppler still gives the span a zero-size box, as the font size is reset by then; the text is right.)
 */
function withActualText(doc: Doc, logical: string, draw: () => void): void {
  const h = doc.page.height
  doc.save()
  doc.transform(1, 0, 0, -1, 0, h)
  doc.markContent('Span', { actual: logical })
  doc.save()
  doc.transform(1, 0, 0, -1, 0, h)
  draw()
  doc.restore()
  doc.endMarkedContent()
  doc.restore()
}

/** Draws laid-out lines from the first baseline down, `leading` apart; returns the last baseline. */
export function drawLines(
  doc: Doc,
  lines: readonly Line[],
  box: { x: number; baseline: number; width: number; leading?: number },
  style: TextStyle,
  align: 'left' | 'center' | 'right' = 'left',
): number {
  const leading = box.leading ?? style.size * 1.3
  lines.forEach((line, i) => drawLine(doc, line, box.x, box.baseline + i * leading, style, align, box.width))
  return box.baseline + Math.max(0, lines.length - 1) * leading
}

/**
 * Lays out and draws `text`, returning the baseline of the last line (or `baseline` itself when empty).
 * `leading` is the distance between baselines.
 */
export const drawText = (
  doc: Doc,
  text: string,
  box: { x: number; baseline: number; width: number; maxLines?: number; leading?: number },
  style: TextStyle,
  align: 'left' | 'center' | 'right' = 'left',
): number => drawLines(doc, layoutText(text, style, box.width, box.maxLines ?? 1), box, style, align)

/**
 * The largest size from `style.size` down to `minSize`, in half points, at which `text` fits in `maxLines`
 * lines without an ellipsis, with its lines; at `minSize` the text is truncated if it still does not fit.
 */
export function fitText(
  text: string,
  style: TextStyle,
  maxWidth: number,
  maxLines: number,
  minSize: number,
): { style: TextStyle; lines: Line[] } {
  for (let size = style.size; ; size = Math.max(minSize, size - 0.5)) {
    const sized = { ...style, size }
    const lines = layoutText(text, sized, maxWidth, maxLines)
    if (size <= minSize || !lines.at(-1)?.truncated) return { style: sized, lines }
  }
}
