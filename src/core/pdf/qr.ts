import type PDFDocument from 'pdfkit'
import QRCode from 'qrcode'

/** @types/pdfkit's default export is typed as the document instance. */
type Doc = typeof PDFDocument

/** The quiet zone the QR specification requires around the symbol, in modules. */
export const QUIET_ZONE_MODULES = 4

/**
 * Draws `text` as a vector QR code (error correction M) filling the square at (x, y) of side `size`, quiet
 * zone included. Dark modules of a row are merged into one rectangle and all are filled as one path, so no
 * renderer leaves hairline seams between neighbouring modules.
 */
export function drawQr(doc: Doc, text: string, x: number, y: number, size: number, color = '#000000'): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' })
  const n = modules.size
  const unit = size / (n + 2 * QUIET_ZONE_MODULES)
  const left = x + QUIET_ZONE_MODULES * unit
  const top = y + QUIET_ZONE_MODULES * unit
  doc.save()
  // The quiet zone must stay light even if something is drawn behind the code.
  doc.rect(x, y, size, size).fill('#ffffff')
  for (let row = 0; row < n; row++) {
    let col = 0
    while (col < n) {
      if (!modules.get(row, col)) {
        col++
        continue
      }
      const from = col
      while (col < n && modules.get(row, col)) col++
      doc.rect(left + from * unit, top + row * unit, (col - from) * unit, unit)
    }
  }
  doc.fill(color)
  doc.restore()
}
