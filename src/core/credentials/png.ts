/**
 * Minimal PNG container handling: the signature, chunk walking and chunk writing with CRC-32
 * (ISO/IEC 15948 §5). Enough to bake a credential into a PNG and to build a plain badge image;
 * pixel data is never decoded.
 *
 * Isomorphic (Uint8Array only).
 */
import { TesseraError } from '../../contract/errors'

export const PNG_SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

export interface PngChunk {
  type: string
  data: Uint8Array
  /** Byte offset of the chunk's length field in the file. */
  offset: number
  crcOk: boolean
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

export function crc32(...parts: Uint8Array[]): number {
  let c = 0xffffffff
  for (const bytes of parts) for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

export const isPng = (bytes: Uint8Array): boolean =>
  bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)

/** Walks the chunks up to and including IEND. Throws `validation` on a truncated or malformed file. */
export function readPngChunks(png: Uint8Array): PngChunk[] {
  if (!isPng(png)) throw new TesseraError('validation', 'Not a PNG file (bad signature)')
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength)
  const chunks: PngChunk[] = []
  let pos = 8
  while (pos < png.length) {
    if (pos + 12 > png.length) throw new TesseraError('validation', `PNG is truncated at byte ${pos}`)
    const length = view.getUint32(pos)
    if (length > 0x7fffffff || pos + 12 + length > png.length) {
      throw new TesseraError('validation', `PNG chunk at byte ${pos} runs past the end of the file`)
    }
    const typeBytes = png.subarray(pos + 4, pos + 8)
    const type = String.fromCharCode(...typeBytes)
    if (!/^[A-Za-z]{4}$/.test(type))
      throw new TesseraError('validation', `PNG chunk at byte ${pos} has an invalid type`)
    const data = png.subarray(pos + 8, pos + 8 + length)
    const crcOk = view.getUint32(pos + 8 + length) === crc32(typeBytes, data)
    chunks.push({ type, data, offset: pos, crcOk })
    pos += 12 + length
    if (type === 'IEND') return chunks
  }
  throw new TesseraError('validation', 'PNG has no IEND chunk')
}

/** Serializes one chunk (length, type, data, CRC). */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length)
  const view = new DataView(out.buffer)
  const typeBytes = new TextEncoder().encode(type)
  view.setUint32(0, data.length)
  out.set(typeBytes, 4)
  out.set(data, 8)
  view.setUint32(8 + data.length, crc32(typeBytes, data))
  return out
}
