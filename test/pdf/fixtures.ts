import { deflateSync } from 'node:zlib'
import { type CertificateData } from '../../src/core/pdf/certificate'

/** Names in every script the certificate must print, exactly as a learner record stores them (NFC). */
export const NAMES = {
  vietnamese: 'Nguyễn Thị Minh Khai',
  arabic: 'فاطمة الزهراء',
  hebrew: 'שרה כהן',
  devanagari: 'अनन्या शर्मा',
  amharic: 'አበበ ቢቂላ',
  chinese: '王小明',
  japanese: 'さくら',
  korean: '김민준',
  cyrillic: 'Анна Петрова',
  greek: 'Ελένη Παπαδοπούλου',
} as const

const b64url = (s: string): string => Buffer.from(s).toString('base64url')

/** A compact JWS shaped like the real signed token: EdDSA header, short claims, 64-byte signature (~350 chars). */
export function sampleToken(seed = 1): string {
  const header = b64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' }))
  const payload = b64url(
    JSON.stringify({
      iss: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
      jti: `urn:uuid:5f0c7a8e-3b7d-4c1e-9a2f-${String(seed).padStart(12, '0')}`,
      nbf: 1741771800,
      exp: 1836466200,
      res: 'pass',
    }),
  )
  const signature = Buffer.from(Array.from({ length: 64 }, (_, i) => (seed * 131 + i * 97) % 256)).toString(
    'base64url',
  )
  return `${header}.${payload}.${signature}`
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc32 = (bytes: Uint8Array): number => {
  let c = 0xffffffff
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const out = Buffer.alloc(body.length + 8)
  out.writeUInt32BE(data.length, 0)
  body.copy(out, 4)
  out.writeUInt32BE(crc32(body), body.length + 4)
  return out
}

/** A small RGBA PNG logo (a dark emblem: ring, bar and square) built without any image library. */
export function makeLogoPng(width = 240, height = 120): Uint8Array {
  const raw = Buffer.alloc((width * 4 + 1) * height)
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0
    for (let x = 0; x < width; x++) {
      const dx = x - height / 2
      const dy = y - height / 2
      const r = Math.hypot(dx, dy)
      const ring = r > height * 0.36 && r < height * 0.46
      const square = Math.abs(dx) < height * 0.16 && Math.abs(dy) < height * 0.16
      const bar = x > height * 1.1 && x < width - 8 && Math.abs(dy) < height * 0.08
      const on = ring || square || bar
      const o = y * (width * 4 + 1) + 1 + x * 4
      raw[o] = 0x1c
      raw[o + 1] = 0x2f
      raw[o + 2] = 0x4f
      raw[o + 3] = on ? 255 : 0
    }
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const CRITERIA: CertificateData['criteria'] = [
  {
    title: 'Isolates the supply and proves it dead before work',
    levelLabel: 'Competent',
    points: 4,
    maxPoints: 4,
    critical: true,
  },
  {
    title: 'Selects cable size for the load and installation method',
    levelLabel: 'Proficient',
    points: 3,
    maxPoints: 4,
    critical: false,
  },
  {
    title: 'Terminates conductors neatly with correct torque',
    levelLabel: 'Competent',
    points: 4,
    maxPoints: 4,
    critical: false,
  },
  {
    title:
      'Tests continuity of protective conductors, including main and supplementary bonding, and records every reading on the schedule of test results',
    levelLabel: 'Developing',
    points: 2,
    maxPoints: 4,
    critical: true,
  },
  {
    title: 'Measures insulation resistance',
    levelLabel: 'Competent',
    points: 4,
    maxPoints: 4,
    critical: false,
  },
  {
    title: 'Verifies polarity at every point',
    levelLabel: 'Competent',
    points: 3.5,
    maxPoints: 4,
    critical: false,
  },
  {
    title: 'Measures earth fault loop impedance',
    levelLabel: 'Proficient',
    points: 3,
    maxPoints: 4,
    critical: false,
  },
  {
    title: 'Tests RCD operation and trip times',
    levelLabel: 'Competent',
    points: 4,
    maxPoints: 4,
    critical: true,
  },
  {
    title: 'Labels circuits and completes the distribution board chart',
    levelLabel: 'Exceeds expectations in every observed respect',
    points: 4,
    maxPoints: 4,
    critical: false,
  },
  {
    title: 'Keeps the work area safe and tidy',
    levelLabel: 'Competent',
    points: 4,
    maxPoints: 4,
    critical: false,
  },
  {
    title: 'Explains the work to the client',
    levelLabel: 'Proficient',
    points: 3,
    maxPoints: 4,
    critical: false,
  },
  {
    title: 'Completes the certificate paperwork',
    levelLabel: 'Competent',
    points: 4,
    maxPoints: 4,
    critical: false,
  },
]

export function sampleCertificate(
  overrides: Partial<CertificateData> = {},
  criteriaCount = 12,
): CertificateData {
  const criteria = CRITERIA.slice(0, criteriaCount)
  const total = criteria.reduce((s, c) => s + c.points, 0)
  const maxTotal = criteria.reduce((s, c) => s + c.maxPoints, 0)
  return {
    organization: {
      name: 'Northfield Vocational Training Centre',
      logo: { data: makeLogoPng(), mediaType: 'image/png' },
    },
    learnerName: NAMES.vietnamese,
    achievementName: 'Safe Electrical Installation — Level 2 Practical',
    achievementDescription:
      'Installs, inspects and tests a final circuit to the wiring regulations, working safely on an isolated supply and recording all results.',
    issuedOn: '2025-03-12T09:30:00+07:00',
    validUntil: '2028-03-12T09:30:00+07:00',
    outcome: { passed: true, total, maxTotal, percent: (total / maxTotal) * 100 },
    criteria,
    assessorName: 'Daniel Okafor',
    credentialId: 'urn:uuid:5f0c7a8e-3b7d-4c1e-9a2f-7d61c0b4e9a3',
    issuerId: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
    qrText: sampleToken(),
    ...overrides,
  }
}
