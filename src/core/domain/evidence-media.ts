/**
 * Evidence files are checked by their first bytes, not only by the type the caller declares: a
 * renamed office file or program must not travel to other devices labelled as a photo.
 */

const FILE_EXTENSIONS: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  txt: 'text/plain',
  text: 'text/plain',
}

/** The media type a file name suggests (by extension), or null. */
export function mediaTypeForFilename(filename: string): string | null {
  const dot = filename.lastIndexOf('.')
  if (dot < 0) return null
  return FILE_EXTENSIONS[filename.slice(dot + 1).toLowerCase()] ?? null
}

const ascii = (bytes: Uint8Array, start: number, length: number): string =>
  String.fromCharCode(...bytes.subarray(start, start + length))

const startsWith = (bytes: Uint8Array, signature: number[]): boolean =>
  signature.every((b, i) => bytes[i] === b)

/** ISO base media files (MP4, HEIF) start with an `ftyp` box naming their major brand. */
const isoBrand = (bytes: Uint8Array): string | null =>
  bytes.length >= 12 && ascii(bytes, 4, 4) === 'ftyp' ? ascii(bytes, 8, 4) : null
const HEIF_BRANDS = new Set([
  'heic',
  'heix',
  'hevc',
  'hevx',
  'heim',
  'heis',
  'hevm',
  'hevs',
  'mif1',
  'msf1',
  'avif',
])

/** Does the content look like the declared media type? */
export function contentMatchesMediaType(mediaType: string, bytes: Uint8Array): boolean {
  switch (mediaType) {
    case 'image/jpeg':
      return startsWith(bytes, [0xff, 0xd8, 0xff])
    case 'image/png':
      return startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    case 'image/webp':
      return bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP'
    case 'image/heic':
    case 'image/heif': {
      const brand = isoBrand(bytes)
      return brand !== null && HEIF_BRANDS.has(brand)
    }
    case 'video/mp4': {
      const brand = isoBrand(bytes)
      return brand !== null && !HEIF_BRANDS.has(brand)
    }
    case 'application/pdf':
      return ascii(bytes, 0, 5) === '%PDF-'
    case 'text/plain':
      return isUtf8Text(bytes)
    default:
      return false
  }
}

function isUtf8Text(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return true
  } catch {
    return false
  }
}

/** "25 MB", "1.5 KB": sizes for people; the exact byte count goes beside it. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`
  const units = ['KB', 'MB', 'GB']
  let v = n / 1024
  let unit = units[0]!
  for (let i = 1; i < units.length && v >= 1024; i++) {
    v /= 1024
    unit = units[i]!
  }
  return `${Number(v.toFixed(1))} ${unit}`
}
