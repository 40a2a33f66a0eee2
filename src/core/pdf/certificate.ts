import PDFDocument from 'pdfkit'
import { DEFAULT_FONT_KEY, pdfFontSource, registerFonts } from './fonts'
import { formatDate, formatPercent, formatPoints } from './format'
import { logoSource, prepareLogo } from './logo-image'
import { drawQr } from './qr'
import {
  drawLine,
  drawLines,
  drawText,
  fitText,
  type Line,
  layoutText,
  type TextStyle,
  textWidth,
} from './text'

/**
 * Printable PDF certificates: data in, PDF bytes out, one landscape page per certificate.
 *
 * Designed for a cheap office printer in grayscale: all text is near-black, the only colour (a deep navy
 * for the frame and title) prints as dark grey, and nothing is conveyed by colour alone.
 */

export interface CertificateData {
  organization: { name: string; logo?: { data: Uint8Array; mediaType: string } } // png or jpeg
  learnerName: string // full name exactly as stored (NFC), any script
  achievementName: string
  achievementDescription?: string
  issuedOn: string // ISO date-time
  validUntil?: string // ISO date-time
  outcome: { passed: boolean; total: number; maxTotal: number; percent: number }
  criteria: { title: string; levelLabel: string; points: number; maxPoints: number; critical: boolean }[]
  assessorName: string
  credentialId: string // e.g. urn:uuid:...
  issuerId: string // did:key:...
  qrText: string // the compact signed token to encode; up to ~400 chars
}

export type PageSize = 'A4' | 'LETTER'

/** @types/pdfkit's default export is typed as the document instance. */
type Doc = typeof PDFDocument

const INK = '#111111'
const ACCENT = '#1c2f4f'
const RULE = '#4a4a4a'

const style = (face: TextStyle['face'], size: number, color = INK, tracking?: number): TextStyle => ({
  face,
  size,
  color,
  tracking,
})

const S = {
  org: style('sans-bold', 11.5),
  title: style('serif', 25, ACCENT, 2.2),
  lead: style('sans', 10.5),
  name: style('serif-bold', 30),
  achievement: style('serif-bold', 17),
  description: style('sans', 9.5),
  tableHead: style('sans-bold', 7, INK, 0.45),
  cell: style('sans', 8.5),
  cellBold: style('sans-bold', 8.5),
  total: style('sans-bold', 9),
  note: style('sans', 7.5),
  blockValue: style('serif', 11.5),
  blockLabel: style('sans', 7.5, INK, 0.5),
  caption: style('sans-bold', 8),
  panelLabel: style('sans-bold', 7, INK, 0.9),
  panelResult: style('serif-bold', 16, ACCENT, 1.2),
  panelDetail: style('sans', 8.5),
  idLabel: style('sans-bold', 7),
  id: style('sans', 7),
}

/**
 * The smallest QR code drawn, quiet zone included. A ~350-character token needs version 14 (73 modules), so
 * below this a module falls under 0.5 mm, too fine for a phone camera on a cheap print.
 */
const QR_MIN = 110

const MEDIA_MAGIC: Record<string, (b: Uint8Array) => boolean> = {
  'image/png': (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47,
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8,
}

/** A logo as a data URL: pdfkit keys its image cache by string, so a cohort embeds one copy of the logo. */
const logoUrls = new WeakMap<Uint8Array, string>()
function logoUrl(logo: { data: Uint8Array; mediaType: string }): string {
  let url = logoUrls.get(logo.data)
  if (!url) {
    url = `data:${logo.mediaType};base64,${Buffer.from(logo.data.buffer, logo.data.byteOffset, logo.data.byteLength).toString('base64')}`
    logoUrls.set(logo.data, url)
  }
  return url
}

function validate(cert: CertificateData, index: number): void {
  const logo = cert.organization.logo
  if (logo && !MEDIA_MAGIC[logo.mediaType]?.(logo.data)) {
    throw new TypeError(
      `certificate ${index + 1}: the organization logo must be PNG or JPEG data (${logo.mediaType})`,
    )
  }
  if (!cert.qrText) throw new TypeError(`certificate ${index + 1}: qrText is empty`)
}

function documentTitle(certs: CertificateData[]): string {
  const first = certs[0]!
  if (certs.length === 1) return `${first.achievementName} — ${first.learnerName}`
  const same = certs.every((c) => c.achievementName === first.achievementName)
  return same ? `${first.achievementName} — ${certs.length} certificates` : `Certificates (${certs.length})`
}

/**
 * Renders one page per certificate into a single PDF (batch printing for a cohort).
 * Yields to the event loop between pages so that `onProgress` can reach a UI while a large cohort renders.
 */
export async function renderCertificates(
  certs: CertificateData[],
  opts: { pageSize?: PageSize; onProgress?: (done: number, total: number) => void } = {},
): Promise<Uint8Array> {
  if (certs.length === 0) throw new RangeError('renderCertificates needs at least one certificate')
  certs.forEach(validate)
  const pageSize = opts.pageSize ?? 'A4'
  const authors = [...new Set(certs.map((c) => c.organization.name))]
  const options: Omit<PDFKit.PDFDocumentOptions, 'font'> & { font: PDFKit.Mixins.PDFFontSource } = {
    autoFirstPage: false,
    size: pageSize,
    layout: 'landscape',
    margin: 0,
    pdfVersion: '1.7',
    lang: 'en',
    displayTitle: true,
    // Any font given here keeps pdfkit from loading its built-in Helvetica, which breaks when bundled. The
    // typings only allow a path, but pdfkit opens this option like any font source (see pdfFontSource).
    font: pdfFontSource(DEFAULT_FONT_KEY),
    info: {
      Title: documentTitle(certs),
      Author: authors.join('; '),
      Subject: 'Certificate of achievement',
      Creator: 'Tessera',
      // pdfkit stringifies every key given, so an absent value must be left out rather than undefined.
      ...(certs.length === 1 ? { Keywords: certs[0]!.credentialId } : {}),
    },
  }
  const doc: Doc = new PDFDocument(options as unknown as PDFKit.PDFDocumentOptions)
  const chunks: Buffer[] = []
  const done = new Promise<void>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    doc.on('end', resolve)
    doc.on('error', reject)
  })
  registerFonts(doc)
  // Decoded once per process (logo-image.ts); drawing below is synchronous.
  const pngLogos = new Map<string, Uint8Array>()
  for (const c of certs) {
    const logo = c.organization.logo
    if (logo?.mediaType === 'image/png') pngLogos.set(logoUrl(logo), logo.data)
  }
  await Promise.all([...pngLogos].map(([url, data]) => prepareLogo(url, data)))
  for (let i = 0; i < certs.length; i++) {
    doc.addPage({ size: pageSize, layout: 'landscape', margin: 0 })
    drawCertificate(doc, certs[i]!)
    opts.onProgress?.(i + 1, certs.length)
    if (i + 1 < certs.length) await new Promise<void>((resolve) => setImmediate(resolve))
  }
  doc.end()
  await done
  const out = Buffer.concat(chunks)
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

/**
 * How much the upper half gives way when the criteria table needs the room, from airy (0) to tight (3): the
 * description is shortened and then dropped, the logo and the name get smaller, the gaps close up.
 */
const SQUEEZE = [
  { logoH: 44, titleGap: 36, certifyGap: 34, nameMax: 30, descriptionLines: 2, tableGap: 22 },
  { logoH: 38, titleGap: 33, certifyGap: 31, nameMax: 28, descriptionLines: 1, tableGap: 18 },
  { logoH: 32, titleGap: 31, certifyGap: 29, nameMax: 26, descriptionLines: 0, tableGap: 16 },
  { logoH: 26, titleGap: 29, certifyGap: 27, nameMax: 22, descriptionLines: 0, tableGap: 14 },
] as const

function drawCertificate(doc: Doc, cert: CertificateData): void {
  const W = doc.page.width
  const H = doc.page.height
  const left = 58
  const right = W - 58
  const width = right - left
  const qrColumn = 150
  const gutter = 26
  const tableWidth = width - qrColumn - gutter

  // Bottom band, laid out upwards from the frame: identifiers, then signature-style blocks.
  const idsBaseline = H - 37
  const blockLabelBaseline = idsBaseline - 19
  const blockRuleY = blockLabelBaseline - 10
  const blockValueBaseline = blockRuleY - 5
  const blocks = layoutBlocks(cert, tableWidth)
  const lowerBottom = blockValueBaseline - blocks.extraHeight - 12 - 16

  const needed = minTableHeight(cert)
  let upper = layoutUpper(cert, left, width, SQUEEZE[0])
  for (const squeeze of SQUEEZE.slice(1)) {
    if (lowerBottom - upper.bottom >= needed) break
    upper = layoutUpper(cert, left, width, squeeze)
  }

  drawFrame(doc, W, H)
  upper.draw(doc)
  drawIds(doc, cert, left, idsBaseline, width)
  drawBlocks(doc, blocks, left, blockValueBaseline, blockRuleY, blockLabelBaseline)
  const tableTop = drawCriteria(doc, cert, left, upper.bottom, tableWidth, lowerBottom)
  drawVerification(doc, cert, right - qrColumn, tableTop, qrColumn, blockLabelBaseline)
}

/**
 * Lays out the upper half (logo, organization, title, learner, achievement, description) and returns where
 * the table may start, with a function that draws it. Layout and drawing are split so that the squeeze can
 * be chosen before anything is put on the page.
 */
function layoutUpper(
  cert: CertificateData,
  left: number,
  width: number,
  sq: (typeof SQUEEZE)[number],
): { bottom: number; draw: (doc: Doc) => void } {
  const ops: ((doc: Doc) => void)[] = []
  const cx = left + width / 2
  const text = (lines: Line[], baseline: number, style: TextStyle, leading = style.size * 1.25): number => {
    ops.push((doc) => drawLines(doc, lines, { x: left, baseline, width, leading }, style, 'center'))
    return baseline + Math.max(0, lines.length - 1) * leading
  }
  const label = (s: string, baseline: number, style: TextStyle): number =>
    text(layoutText(s, style, width), baseline, style)

  let y = 46
  const logo = cert.organization.logo
  if (logo) {
    const top = y
    ops.push((doc) =>
      // pdfkit takes an opened image object too (it checks width and height); the typings list only sources.
      doc.image(logoSource(doc, logoUrl(logo)) as PDFKit.Mixins.ImageSrc, cx - 80, top, {
        fit: [160, sq.logoH],
        align: 'center',
        valign: 'center',
      }),
    )
    y += sq.logoH + 8
  }
  const org = fitText(cert.organization.name, S.org, Math.min(width, 600), 2, 9)
  y = text(org.lines, y + 12, org.style)
  y = label('CERTIFICATE OF ACHIEVEMENT', y + sq.titleGap, S.title)
  const ornamentY = y + 11
  ops.push((doc) => ornament(doc, cx, ornamentY))

  // A name is never cut short: it shrinks, and only then wraps.
  y = label('This is to certify that', y + sq.certifyGap, S.lead)
  const nameWidth = Math.min(width, 640)
  let name = fitText(cert.learnerName, { ...S.name, size: sq.nameMax }, nameWidth, 1, 20)
  if (name.lines.at(-1)?.truncated)
    name = fitText(cert.learnerName, { ...S.name, size: 20 }, nameWidth, 2, 12)
  y = text(name.lines, y + 12 + name.style.size, name.style, name.style.size * 1.15)
  const ruleWidth = Math.min(width, Math.max(Math.max(...name.lines.map((l) => l.width)) + 60, 320))
  const ruleY = y + 9
  ops.push((doc) => {
    doc.save()
    doc
      .moveTo(cx - ruleWidth / 2, ruleY)
      .lineTo(cx + ruleWidth / 2, ruleY)
      .lineWidth(0.6)
      .stroke(ACCENT)
    doc.restore()
  })
  const lead = cert.outcome.passed
    ? 'has successfully completed the practical assessment for'
    : 'has completed the practical assessment for'
  y = label(lead, y + 27, S.lead)
  const achievement = fitText(cert.achievementName, S.achievement, Math.min(width, 620), 2, 11)
  y = text(
    achievement.lines,
    y + 7 + achievement.style.size,
    achievement.style,
    achievement.style.size * 1.22,
  )
  if (cert.achievementDescription?.trim() && sq.descriptionLines > 0) {
    const description = fitText(
      cert.achievementDescription,
      S.description,
      Math.min(width, 600),
      sq.descriptionLines,
      8.5,
    )
    y = text(description.lines, y + 17, description.style, description.style.size * 1.3)
  }
  return { bottom: y + sq.tableGap, draw: (doc) => ops.forEach((op) => op(doc)) }
}

function drawFrame(doc: Doc, W: number, H: number): void {
  doc.save()
  doc
    .rect(18, 18, W - 36, H - 36)
    .lineWidth(2.4)
    .stroke(ACCENT)
  doc
    .rect(24.5, 24.5, W - 49, H - 49)
    .lineWidth(0.6)
    .stroke(ACCENT)
  // Small squares at the inner corners give the frame a finished, formal look without any fine detail.
  for (const [x, y] of [
    [24.5, 24.5],
    [W - 24.5, 24.5],
    [24.5, H - 24.5],
    [W - 24.5, H - 24.5],
  ] as const) {
    doc.rect(x - 3, y - 3, 6, 6).fill(ACCENT)
  }
  doc.restore()
}

function ornament(doc: Doc, cx: number, y: number): void {
  doc.save()
  doc
    .moveTo(cx - 46, y)
    .lineTo(cx - 7, y)
    .moveTo(cx + 7, y)
    .lineTo(cx + 46, y)
    .lineWidth(0.8)
    .stroke(ACCENT)
  doc
    .moveTo(cx, y - 3.2)
    .lineTo(cx + 3.2, y)
    .lineTo(cx, y + 3.2)
    .lineTo(cx - 3.2, y)
    .closePath()
    .fill(ACCENT)
  doc.restore()
}

function hRule(doc: Doc, x: number, y: number, w: number, lineWidth: number, color = RULE): void {
  doc.save()
  doc
    .moveTo(x, y)
    .lineTo(x + w, y)
    .lineWidth(lineWidth)
    .stroke(color)
  doc.restore()
}

const TABLE = { headH: 16, totalH: 19, noteH: 13, minRowH: 10 }

/** The least height the table needs: one line per criterion at the smallest type. */
const minTableHeight = (cert: CertificateData): number =>
  TABLE.headH +
  cert.criteria.length * TABLE.minRowH +
  TABLE.totalH +
  (cert.criteria.some((c) => c.critical) ? TABLE.noteH : 0)

/** Draws the criteria table inside [top, bottom] and returns the y where it starts. */
function drawCriteria(
  doc: Doc,
  cert: CertificateData,
  x: number,
  top: number,
  w: number,
  bottom: number,
): number {
  const pointsW = 56
  const levelW = Math.round(w * 0.25)
  const pad = 6
  const titleW = w - levelW - pointsW - 2 * pad
  const hasCritical = cert.criteria.some((c) => c.critical)
  const { headH, totalH } = TABLE
  const noteH = hasCritical ? TABLE.noteH : 0
  const available = bottom - top - headH - totalH - noteH

  // Prefer the largest type with titles wrapped onto two lines; if even the smallest does not fit, give each
  // row one line (truncated with an ellipsis) and share out the height.
  const markW = textWidth('*', S.cellBold) + 3
  const layoutRows = (cellStyle: TextStyle, maxLines: number) =>
    cert.criteria.map((c) => {
      const title = layoutText(c.title, cellStyle, titleW - (c.critical ? markW : 0), maxLines)
      const level = layoutText(c.levelLabel, cellStyle, levelW - pad, maxLines)
      return { title, level, lines: Math.max(title.length, level.length, 1) }
    })
  let layout: { cell: TextStyle; rows: ReturnType<typeof layoutRows>; heights: number[] } | undefined
  for (const size of [10, 9.5, 9, 8.5]) {
    const cell = { ...S.cell, size }
    const rows = layoutRows(cell, 2)
    const heights = rows.map((r) => r.lines * size * 1.24 + size * 0.75)
    if (heights.reduce((a, b) => a + b, 0) <= available) {
      layout = { cell, rows, heights }
      break
    }
  }
  if (!layout) {
    const rowH = Math.max(TABLE.minRowH, Math.min(16, available / Math.max(1, cert.criteria.length)))
    const cell = { ...S.cell, size: Math.max(7, Math.min(8.5, rowH - 4.5)) }
    layout = { cell, rows: layoutRows(cell, 1), heights: cert.criteria.map(() => rowH) }
  }
  const { cell, rows, heights: rowHeights } = layout
  const tableH = headH + rowHeights.reduce((a, b) => a + b, 0) + totalH + noteH
  // Centre a short table in its space, but never float it far from the text above.
  const tableTop = top + Math.min(Math.max(0, (bottom - top - tableH) / 2), 24)
  let y = tableTop

  const headBaseline = y + 10
  drawText(doc, 'CRITERION', { x, baseline: headBaseline, width: titleW }, S.tableHead)
  drawText(doc, 'LEVEL ACHIEVED', { x: x + titleW + pad, baseline: headBaseline, width: levelW }, S.tableHead)
  drawText(
    doc,
    'POINTS',
    { x: x + w - pointsW, baseline: headBaseline, width: pointsW },
    S.tableHead,
    'right',
  )
  y += headH
  hRule(doc, x, y, w, 0.9, ACCENT)

  const cellBold = { ...S.cellBold, size: cell.size }
  const leading = cell.size * 1.24
  cert.criteria.forEach((c, i) => {
    const row = rows[i]!
    const h = rowHeights[i]!
    const firstBaseline = y + (h - (row.lines - 1) * leading) / 2 + cell.size * 0.36
    row.title.forEach((line, j) => drawLine(doc, line, x, firstBaseline + j * leading, cell))
    if (c.critical) {
      const lastTitle = row.title.at(-1)
      const markX = x + (lastTitle?.width ?? 0) + 1.5
      drawText(
        doc,
        '*',
        { x: markX, baseline: firstBaseline + (row.title.length - 1) * leading, width: markW },
        cellBold,
      )
    }
    row.level.forEach((line, j) => drawLine(doc, line, x + titleW + pad, firstBaseline + j * leading, cell))
    const points = `${formatPoints(c.points)} / ${formatPoints(c.maxPoints)}`
    drawText(doc, points, { x: x + w - pointsW, baseline: firstBaseline, width: pointsW }, cell, 'right')
    y += h
    if (i < cert.criteria.length - 1) hRule(doc, x, y, w, 0.35)
  })

  hRule(doc, x, y, w, 0.9, ACCENT)
  const totalStyle = { ...S.total, size: Math.max(S.total.size, cell.size) }
  const totalBaseline = y + totalH / 2 + totalStyle.size * 0.36
  const o = cert.outcome
  drawText(doc, 'Total', { x, baseline: totalBaseline, width: titleW }, totalStyle)
  const result = `${o.passed ? 'Passed' : 'Not passed'} (${formatPercent(o.percent)})`
  drawText(doc, result, { x: x + titleW + pad, baseline: totalBaseline, width: levelW }, totalStyle)
  const total = `${formatPoints(o.total)} / ${formatPoints(o.maxTotal)}`
  drawText(doc, total, { x: x + w - pointsW, baseline: totalBaseline, width: pointsW }, totalStyle, 'right')
  y += totalH
  hRule(doc, x, y, w, 0.9, ACCENT)
  if (hasCritical) {
    drawText(doc, '* Critical criterion: it must be met to pass.', { x, baseline: y + 10, width: w }, S.note)
  }
  return tableTop
}

interface Blocks {
  readonly items: { lines: Line[]; style: TextStyle; label: string }[]
  readonly width: number
  /** How far a two-line value reaches above the usual single line. */
  readonly extraHeight: number
}

const BLOCK_GAP = 22

/** Assessor, date of issue and validity as three signature-style blocks: value over a rule, label under it. */
function layoutBlocks(cert: CertificateData, w: number): Blocks {
  const blockW = (w - 2 * BLOCK_GAP) / 3
  const values: [string, string][] = [
    [cert.assessorName, 'ASSESSOR'],
    [formatDate(cert.issuedOn), 'DATE OF ISSUE'],
    [cert.validUntil ? formatDate(cert.validUntil) : 'No expiry', 'VALID UNTIL'],
  ]
  const items = values.map(([value, label]) => {
    // Two lines only for a name too long for one line at 8 pt.
    const one = fitText(value, S.blockValue, blockW, 1, 8)
    const fitted = one.lines.at(-1)?.truncated
      ? fitText(value, { ...S.blockValue, size: 9 }, blockW, 2, 7)
      : one
    return { ...fitted, label }
  })
  const extraHeight = Math.max(...items.map((i) => (i.lines.length - 1) * i.style.size * 1.2))
  return { items, width: blockW, extraHeight }
}

function drawBlocks(
  doc: Doc,
  blocks: Blocks,
  x: number,
  valueBaseline: number,
  ruleY: number,
  labelBaseline: number,
): void {
  blocks.items.forEach((item, i) => {
    const bx = x + i * (blocks.width + BLOCK_GAP)
    const leading = item.style.size * 1.2
    const box = {
      x: bx,
      baseline: valueBaseline - (item.lines.length - 1) * leading,
      width: blocks.width,
      leading,
    }
    drawLines(doc, item.lines, box, item.style, 'center')
    hRule(doc, bx, ruleY, blocks.width, 0.6, INK)
    drawText(doc, item.label, { x: bx, baseline: labelBaseline, width: blocks.width }, S.blockLabel, 'center')
  })
}

function drawIds(doc: Doc, cert: CertificateData, x: number, baseline: number, w: number): void {
  const parts = [
    { label: 'Credential ID', value: cert.credentialId },
    { label: 'Issuer', value: cert.issuerId },
  ].map((p) => ({ ...p, labelW: textWidth(p.label, S.idLabel), valueW: textWidth(p.value, S.id) }))
  const space = 4
  const gap = 20
  const totalW = parts.reduce((sum, p) => sum + p.labelW + space + p.valueW, 0) + gap * (parts.length - 1)
  // Identifiers are never truncated: if they do not fit on one line, the whole line shrinks.
  const k = Math.min(1, w / totalW)
  const labelStyle = { ...S.idLabel, size: S.idLabel.size * k }
  const valueStyle = { ...S.id, size: S.id.size * k }
  let cursor = x + (w - totalW * k) / 2
  for (const p of parts) {
    drawText(doc, p.label, { x: cursor, baseline, width: p.labelW * k + 1 }, labelStyle)
    cursor += (p.labelW + space) * k
    drawText(doc, p.value, { x: cursor, baseline, width: p.valueW * k + 1 }, valueStyle)
    cursor += (p.valueW + gap) * k
  }
}

/**
 * The right-hand column: the result in large type at the top (level with the table), the QR code at the
 * bottom (level with the signature blocks). The result panel gives way if the QR code needs the room.
 */
function drawVerification(
  doc: Doc,
  cert: CertificateData,
  x: number,
  top: number,
  w: number,
  captionBaseline: number,
): void {
  const panelH = 54
  const qrBottom = captionBaseline - 10
  const withPanel = qrBottom - (top + panelH + 8) >= QR_MIN
  const size = Math.max(QR_MIN, Math.min(w, qrBottom - (withPanel ? top + panelH + 8 : top)))
  if (withPanel) {
    const o = cert.outcome
    doc.save()
    doc.rect(x, top, w, panelH).lineWidth(0.8).stroke(ACCENT)
    doc.restore()
    drawText(doc, 'RESULT', { x, baseline: top + 13, width: w }, S.panelLabel, 'center')
    drawText(
      doc,
      o.passed ? 'PASSED' : 'NOT PASSED',
      { x, baseline: top + 32, width: w },
      S.panelResult,
      'center',
    )
    const detail = `${formatPoints(o.total)} of ${formatPoints(o.maxTotal)} points · ${formatPercent(o.percent)}`
    drawText(doc, detail, { x: x + 4, baseline: top + 46, width: w - 8 }, S.panelDetail, 'center')
  }
  drawQr(doc, cert.qrText, x + (w - size) / 2, qrBottom - size, size)
  drawText(doc, 'Scan to verify offline', { x, baseline: captionBaseline, width: w }, S.caption, 'center')
}
