import type { Random } from './random'

/**
 * Evidence files of realistic size and kind: phone photos (JPEG, a few hundred KB, some over a MB),
 * scanned job cards (PDF), screenshots (PNG) and the odd short video clip. The bytes are
 * pseudo-random behind a real file signature, so they neither compress nor deduplicate, like photos.
 * `scale` shrinks every size (smoke runs).
 */

export interface EvidenceFile {
  filename: string
  mediaType: string
  bytes: Buffer
}

const KINDS = [
  { ext: 'jpg', mediaType: 'image/jpeg', median: 350_000, sigma: 0.6, weight: 70 },
  { ext: 'pdf', mediaType: 'application/pdf', median: 180_000, sigma: 0.5, weight: 15 },
  { ext: 'png', mediaType: 'image/png', median: 120_000, sigma: 0.5, weight: 10 },
  { ext: 'mp4', mediaType: 'video/mp4', median: 2_500_000, sigma: 0.4, weight: 5 },
] as const

const HEADERS: Record<string, Buffer> = {
  'image/jpeg': Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]),
  'application/pdf': Buffer.from('%PDF-1.4\n'),
  'image/png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  'video/mp4': Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d]),
}

const NAMES: Record<string, string[]> = {
  jpg: ['IMG_', 'photo-', 'WhatsApp Image ', 'DSC_'],
  pdf: ['job-card-', 'scan-', 'checklist-'],
  png: ['screenshot-', 'Screenshot_'],
  mp4: ['VID_', 'clip-'],
}

export function generateEvidence(random: Random, serial: number, scale = 1): EvidenceFile {
  const kind = random.weighted(KINDS.map((k) => [k, k.weight] as const))
  const size = Math.max(
    64,
    Math.round(Math.min(kind.median * 8, random.logNormal(kind.median, kind.sigma)) * scale),
  )
  const header = HEADERS[kind.mediaType]!
  const bytes = Buffer.concat([header, random.bytes(Math.max(0, size - header.length))])
  return {
    filename: `${random.pick(NAMES[kind.ext]!)}${20240000 + serial}.${kind.ext}`,
    mediaType: kind.mediaType,
    bytes,
  }
}
