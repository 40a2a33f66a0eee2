import type * as fontkit from 'fontkit'
import { concatBytes } from '../domain/bytes'

/**
 * TrueType subsets for pdfkit, byte for byte what fontkit 2's `TTFSubset.encode` writes, without its cost.
 *
 * Why: embedding the certificate's fonts was half the CPU of a certificate. fontkit decodes every glyph's
 * outline only to learn whether it is a composite (and its metrics, which decode it again for vertical
 * metrics the subset never uses), clones `head`/`hhea`/`maxp` deeply, and re-encodes `cvt `, `prep`,
 * `fpgm`, `loca` and `hmtx` value by value through restructure. Here glyphs are copied from the font's
 * bytes (only composites are decoded, for their component ids), metrics come from `hmtx`, and the tables
 * that do not depend on the glyphs are taken once per font from fontkit's own encoding of a minimal
 * subset, with the two glyph counts patched in. test/pdf/ttf-subset.test.ts compares the output with
 * fontkit's for every shipped font and many glyph sets.
 *
 * Used only for plain static TrueType fonts (a `glyf` table, no CFF, no variations, no WOFF2
 * transform); anything else keeps fontkit's subset.
 */

interface TableEntry {
  offset: number
  length: number
  transformed?: boolean
}

interface MetricsTable {
  metrics: { length: number; get(i: number): { advance: number; bearing: number } | undefined }
  bearings: { get(i: number): number | undefined }
}

/** The parts of fontkit's TTFFont this module reads (not in @types/fontkit). */
interface FontInternals {
  stream: { buffer: Uint8Array }
  directory: { tables: Record<string, TableEntry | undefined> }
  loca: { version: number; offsets: ArrayLike<number> }
  hmtx: MetricsTable
  _variationProcessor?: unknown
  getGlyph(id: number): { _decode(): { numberOfContours: number; components?: ComponentRef[] } | null }
  createSubset(): Subset
}

interface ComponentRef {
  glyphID: number
  pos: number
}

/** What pdfkit's EmbeddedFont uses of a subset. */
export interface Subset {
  readonly cff?: unknown
  includeGlyph(glyph: number | { id: number }): number
  encode(): Uint8Array
}

/** The glyph-independent part of a subset file: tables in fontkit's order, some patched per subset. */
interface Template {
  order: string[]
  fixed: Map<string, Uint8Array>
  glyf: Uint8Array
  shortLoca: boolean
}

const templates = new WeakMap<object, Template>()

const TAGS = ['head', 'hhea', 'loca', 'maxp', 'cvt ', 'prep', 'glyf', 'hmtx', 'fpgm'] as const
const GLYPH_DEPENDENT = new Set(['loca', 'glyf', 'hmtx'])

/** Whether `font` can use the fast subset (else fontkit's own is kept). */
export function supportsFastSubset(font: fontkit.Font): boolean {
  const f = font as unknown as FontInternals
  const glyf = f.directory?.tables.glyf
  return (
    !!glyf &&
    !glyf.transformed &&
    !f.directory.tables['CFF '] &&
    !f.directory.tables.CFF2 &&
    !f._variationProcessor &&
    f.stream?.buffer instanceof Uint8Array
  )
}

/** Reads the tables of a TrueType file written by fontkit's Directory (checksums 0, tables unpadded). */
function readTables(file: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength)
  const count = view.getUint16(4)
  const tables = new Map<string, Uint8Array>()
  for (let i = 0; i < count; i++) {
    const at = 12 + i * 16
    const tag = String.fromCharCode(...file.subarray(at, at + 4))
    const offset = view.getUint32(at + 8)
    const length = view.getUint32(at + 12)
    tables.set(tag, file.subarray(offset, offset + length))
  }
  return tables
}

function templateOf(font: FontInternals, original: () => Subset): Template {
  let template = templates.get(font)
  if (!template) {
    // fontkit's encoding of the smallest subset (glyph 0 only): head, hhea, maxp, cvt, prep and fpgm as
    // fontkit writes them for every subset, apart from the glyph counts patched in `encode`.
    const tables = readTables(original().encode())
    const fixed = new Map<string, Uint8Array>()
    for (const [tag, bytes] of tables) if (!GLYPH_DEPENDENT.has(tag)) fixed.set(tag, bytes.slice())
    const glyf = font.directory.tables.glyf!
    template = {
      order: TAGS.filter((tag) => tables.has(tag)),
      fixed,
      // A plain Uint8Array view (the font's bytes are a Buffer, whose slice() would not copy).
      glyf: new Uint8Array(
        font.stream.buffer.buffer,
        font.stream.buffer.byteOffset + glyf.offset,
        glyf.length,
      ),
      shortLoca: font.loca.version === 0,
    }
    templates.set(font, template)
  }
  return template
}

class FastTtfSubset implements Subset {
  readonly cff = undefined
  private readonly glyphs: number[] = []
  private readonly mapping = new Map<number, number>()

  constructor(
    private readonly font: FontInternals,
    private readonly original: () => Subset,
  ) {
    this.includeGlyph(0) // the missing glyph, always first
  }

  includeGlyph(glyph: number | { id: number }): number {
    const id = typeof glyph === 'object' ? glyph.id : glyph
    let gid = this.mapping.get(id)
    if (gid === undefined) {
      this.glyphs.push(id)
      gid = this.glyphs.length - 1
      this.mapping.set(id, gid)
    }
    return gid
  }

  encode(): Uint8Array {
    const t = templateOf(this.font, this.original)
    const offsets = this.font.loca.offsets
    const glyf: Uint8Array[] = []
    const loca: number[] = []
    const advances: number[] = []
    const bearings: number[] = []
    let offset = 0
    // Composites add their components to `glyphs` as they go, like fontkit's loop.
    for (let i = 0; i < this.glyphs.length; i++) {
      const id = this.glyphs[i]!
      const start = offsets[id]!
      const end = offsets[id + 1]!
      let bytes = t.glyf.subarray(start, end)
      if (bytes.length >= 2 && (bytes[0]! & 0x80) !== 0) {
        // numberOfContours < 0: a composite, whose component glyph ids are renumbered for the subset.
        const decoded = this.font.getGlyph(id)._decode()
        bytes = bytes.slice()
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
        for (const c of decoded?.components ?? []) view.setUint16(c.pos, this.includeGlyph(c.glyphID))
      }
      glyf.push(bytes)
      loca.push(offset)
      const { advance, bearing } = metricsOf(this.font.hmtx, id)
      advances.push(advance)
      bearings.push(bearing)
      offset += bytes.length
    }
    loca.push(offset)

    const numGlyphs = glyf.length
    const tables = new Map<string, Uint8Array>()
    for (const tag of t.order) {
      if (tag === 'glyf') tables.set(tag, concatBytes(glyf))
      else if (tag === 'loca') tables.set(tag, encodeLoca(loca, t.shortLoca))
      else if (tag === 'hmtx') tables.set(tag, encodeHmtx(advances, bearings))
      else if (tag === 'maxp') tables.set(tag, patchUint16(t.fixed.get(tag)!, 4, numGlyphs))
      else if (tag === 'hhea') tables.set(tag, patchUint16(t.fixed.get(tag)!, 34, numGlyphs))
      else tables.set(tag, t.fixed.get(tag)!)
    }
    return writeDirectory(t.order, tables)
  }
}

/** fontkit's `Glyph._getTableMetrics(hmtx)`. */
function metricsOf(hmtx: MetricsTable, id: number): { advance: number; bearing: number } {
  if (id < hmtx.metrics.length) return hmtx.metrics.get(id)!
  const last = hmtx.metrics.get(hmtx.metrics.length - 1)
  return { advance: last ? last.advance : 0, bearing: hmtx.bearings.get(id - hmtx.metrics.length) || 0 }
}

function patchUint16(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const out = bytes.slice()
  new DataView(out.buffer).setUint16(at, value)
  return out
}

function encodeLoca(offsets: number[], short: boolean): Uint8Array {
  const out = new Uint8Array(offsets.length * (short ? 2 : 4))
  const view = new DataView(out.buffer)
  offsets.forEach((o, i) => (short ? view.setUint16(i * 2, o >>> 1) : view.setUint32(i * 4, o)))
  return out
}

function encodeHmtx(advances: number[], bearings: number[]): Uint8Array {
  const out = new Uint8Array(advances.length * 4)
  const view = new DataView(out.buffer)
  advances.forEach((a, i) => {
    view.setUint16(i * 4, a)
    view.setInt16(i * 4 + 2, bearings[i]!)
  })
  return out
}

/** fontkit's Directory: 'true', the binary-search fields, entries with checksum 0, tables back to back. */
function writeDirectory(order: string[], tables: Map<string, Uint8Array>): Uint8Array {
  const n = order.length
  const header = 12 + 16 * n
  const total = order.reduce((sum, tag) => sum + tables.get(tag)!.length, header)
  const out = new Uint8Array(total)
  const view = new DataView(out.buffer)
  const exponent = Math.floor(Math.log(n) / Math.LN2)
  const power = Math.pow(2, exponent)
  out.set([0x74, 0x72, 0x75, 0x65]) // 'true'
  view.setUint16(4, n)
  view.setUint16(6, power * 16)
  view.setUint16(8, Math.log(power) / Math.LN2)
  view.setUint16(10, n * 16 - power * 16)
  let offset = header
  order.forEach((tag, i) => {
    const at = 12 + i * 16
    const bytes = tables.get(tag)!
    for (let k = 0; k < 4; k++) out[at + k] = tag.charCodeAt(k)
    view.setUint32(at + 8, offset)
    view.setUint32(at + 12, bytes.length)
    out.set(bytes, offset)
    offset += bytes.length
  })
  return out
}

/** Makes pdfkit embed `font` through the fast subset (idempotent; no-op for fonts it does not support). */
export function useFastSubset(font: fontkit.Font): void {
  if (!supportsFastSubset(font)) return
  const f = font as unknown as FontInternals
  const original = f.createSubset.bind(f)
  f.createSubset = () => new FastTtfSubset(f, original)
}

/** fontkit's own subset of `font`, for comparisons. */
export function fontkitSubset(font: fontkit.Font): Subset {
  const proto = Object.getPrototypeOf(font) as FontInternals
  return proto.createSubset.call(font)
}
