/**
 * Strict UTF-8 decoding for imported files. A spreadsheet saved as "CSV" on Windows is often
 * Windows-1252/Latin-1, and decoding it leniently would silently turn "Hélène" into "H�l�ne" and
 * store that forever; so anything that is not valid UTF-8 is refused, naming the first bad byte.
 */

export type DecodeResult =
  | { ok: true; text: string; bom: boolean }
  | { ok: false; message: string; offset: number | null; line: number | null }

const UTF8_BOM = [0xef, 0xbb, 0xbf]

export function decodeUtf8Strict(bytes: Uint8Array): DecodeResult {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return utf16('little-endian')
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return utf16('big-endian')
  const bom = UTF8_BOM.every((b, i) => bytes[i] === b)
  const body = bom ? bytes.subarray(3) : bytes
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body)
  } catch {
    const bad = firstInvalidUtf8(body)
    const offset = bad + (bom ? 3 : 0)
    const line = lineAt(bytes, offset)
    // Only bytes from 0x80 up can be invalid, so this is almost always a Windows "ANSI" file.
    const byte = bytes[offset] ?? 0
    return {
      ok: false,
      offset,
      line,
      message:
        `The file is not UTF-8: byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} at offset ${offset} (line ${line}) ` +
        'is not valid UTF-8. It was probably saved as Latin-1 / Windows-1252; save it again as "CSV UTF-8" ' +
        '(in LibreOffice: character set "Unicode (UTF-8)").',
    }
  }
  const nul = text.indexOf('\u0000')
  if (nul >= 0) {
    const offset = new TextEncoder().encode(text.slice(0, nul)).length + (bom ? 3 : 0)
    const line = lineAt(bytes, offset)
    return {
      ok: false,
      offset,
      line,
      message:
        `The file contains a NUL byte at offset ${offset} (line ${line}): it is not a text CSV file ` +
        `(a spreadsheet .xlsx, or UTF-16 text?). Save it as "CSV UTF-8".`,
    }
  }
  return { ok: true, text, bom }
}

function utf16(order: string): DecodeResult {
  return {
    ok: false,
    offset: 0,
    line: 1,
    message: `The file is UTF-16 (${order}), not UTF-8: save it again as "CSV UTF-8".`,
  }
}

/** 1-based line of a byte offset (counts LF; a lone CR also ends a line). */
function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1
  for (let i = 0; i < offset && i < bytes.length; i++) {
    if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) line++
  }
  return line
}

/**
 * Offset of the first byte that does not belong to a valid UTF-8 sequence (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF). Only called once the fast decoder has failed.
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0
  while (i < b.length) {
    const c = b[i]!
    if (c < 0x80) {
      i++
      continue
    }
    let need: number
    let min: number
    let max = 0xbf
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1
      min = 0x80
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2
      min = c === 0xe0 ? 0xa0 : 0x80
      if (c === 0xed) max = 0x9f
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3
      min = c === 0xf0 ? 0x90 : 0x80
      if (c === 0xf4) max = 0x8f
    } else {
      return i
    }
    for (let k = 1; k <= need; k++) {
      const n = b[i + k]
      const lo = k === 1 ? min : 0x80
      const hi = k === 1 ? max : 0xbf
      // A truncated or broken sequence: the lead byte is where it went wrong.
      if (n === undefined || n < lo || n > hi) return i
    }
    i += need + 1
  }
  return b.length
}
