import fs from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { type CertificateData, renderCertificates } from '../../src/core/pdf/certificate'
import { NAMES, makeLogoPng, sampleCertificate, sampleToken } from './fixtures'
import {
  type WordBox,
  catalog,
  decodeQr,
  images,
  pdffonts,
  pdfinfo,
  pdftotext,
  qpdfCheck,
  renderJpeg,
  renderPng,
  wordBoxes,
  writeTemp,
} from './poppler'

/**
 * What poppler 22.12 (Debian 12) returns for a correctly laid-out right-to-left line, found by experiment:
 * in reading-order mode `pdftotext` gives the logical string (its own bidi pass undoes the visual glyph order)
 * wrapped in U+202B RIGHT-TO-LEFT EMBEDDING … U+202C POP DIRECTIONAL FORMATTING, with base letters rather than
 * presentation forms, because pdfkit's ToUnicode maps each shaped glyph back to its source code points. With
 * the words in the wrong visual order it returns them in the wrong order ("الزهراءفاطمة"), so comparing the
 * line, less the bidi controls and after NFKC, is a real check. `-bbox` gives each word's glyphs in visual
 * order with its position, which checks the visual order directly.
 */
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
const normalise = (s: string) => s.replace(BIDI_CONTROLS, '').normalize('NFKC').trim()
const lines = (text: string) => text.split('\n').map(normalise).filter(Boolean)

const SCRIPTS = Object.entries(NAMES) as [keyof typeof NAMES, string][]

describe('one certificate per script', () => {
  let file: string
  const certs = SCRIPTS.map(([, name], i) => sampleCertificate({ learnerName: name }, 4 + (i % 9)))

  beforeAll(async () => {
    file = writeTemp(await renderCertificates(certs), 'scripts.pdf')
  })

  it.each(SCRIPTS.map(([script, name], i) => [script, name, i + 1] as const))(
    '%s: pdftotext returns the name exactly',
    (_script, name, page) => {
      expect(lines(pdftotext(file, page))).toContain(name.normalize('NFKC'))
    },
  )

  it.each([
    ['arabic', 'فاطمة', 'الزهراء'],
    ['hebrew', 'שרה', 'כהן'],
  ] as const)(
    '%s: the first word of the name is drawn to the right of the second',
    (script, first, second) => {
      const page = SCRIPTS.findIndex(([s]) => s === script) + 1
      const boxes = wordBoxes(file, page)
      // Word text from -bbox is in visual order; accept either order so that only the position is judged.
      const find = (word: string): WordBox => {
        const box = boxes.find((b) =>
          [b.text, [...b.text].reverse().join('')].map((t) => t.normalize('NFKC')).includes(word),
        )
        if (!box) throw new Error(`${word} not found among ${boxes.map((b) => b.text).join(' ')}`)
        return box
      }
      expect(find(first).xMin).toBeGreaterThan(find(second).xMax)
    },
  )

  it('has one page per certificate and its metadata', () => {
    const info = pdfinfo(file)
    expect(info.get('Pages')).toBe(String(certs.length))
    expect(info.get('Title')).toBe(
      `Safe Electrical Installation — Level 2 Practical — ${certs.length} certificates`,
    )
    expect(info.get('Author')).toBe('Northfield Vocational Training Centre')
    expect(catalog(file)['/Lang']).toBe('u:en')
  })

  it('passes qpdf --check without errors or warnings', () => {
    const { status, output } = qpdfCheck(file)
    expect(output).toContain('No syntax or stream encoding errors found')
    expect(output).not.toMatch(/WARNING|error:/i)
    expect(status).toBe(0)
  })

  it('embeds (subsets of) every font it uses, one per script, and no standard font', () => {
    const fonts = pdffonts(file)
    expect(fonts.length).toBeGreaterThan(0)
    for (const f of fonts) expect(f, f.name).toMatchObject({ embedded: true, subset: true })
    const families = new Set(fonts.map((f) => f.name.replace(/^[A-Z]{6}\+/, '')))
    for (const expected of [
      'NotoSerif-Bold',
      'NotoSans-Regular',
      'NotoNaskhArabic-Bold',
      'NotoSerifHebrew-Bold',
      'NotoSansDevanagari-Bold',
      'NotoSansEthiopic-Bold',
      'DroidSansFallback',
      'NanumSquareR',
    ]) {
      expect(families).toContain(expected)
    }
    expect([...families].filter((f) => /Helvetica|Times|Courier|Symbol|ZapfDingbats/.test(f))).toEqual([])
  })

  it('embeds a logo shared by the whole batch once', () => {
    const list = images(file)
    expect(list.map((i) => i.page)).toEqual(certs.map((_, i) => i + 1))
    expect(new Set(list.map((i) => i.object)).size).toBe(1)
  })
})

/** Pairs of words whose boxes overlap by more than a sliver (boxes of neighbouring lines may touch). */
function overlaps(boxes: WordBox[]): string[] {
  const found: string[] = []
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!
      const b = boxes[j]!
      const w = Math.min(a.xMax, b.xMax) - Math.max(a.xMin, b.xMin)
      const h = Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin)
      const smaller = Math.min((a.xMax - a.xMin) * (a.yMax - a.yMin), (b.xMax - b.xMin) * (b.yMax - b.yMin))
      if (w > 0.5 && h > 0.5 && w * h > 0.25 * smaller) found.push(`${a.text} / ${b.text}`)
    }
  }
  return found
}

const longest: Partial<CertificateData> = {
  learnerName:
    'Maximilian Alexander Konstantin Friedrich Wilhelm von Hohenzollern-Sigmaringen-Württemberg-Baden',
  organization: {
    name: 'Städtische Berufsschule für Elektrotechnik, Informationstechnik, Mechatronik und Gebäudeautomation München-Nord — Abteilung Erwachsenenbildung',
    logo: { data: makeLogoPng(), mediaType: 'image/png' },
  },
  achievementName:
    'Installation, Inspection, Testing and Certification of Low-Voltage Electrical Systems in Domestic, Agricultural and Light Commercial Premises (Level 3)',
  achievementDescription: 'Installs, inspects and tests a final circuit to the wiring regulations. '.repeat(
    5,
  ),
  assessorName: 'Professor Dr. Eleonora Margarethe Schmidt-Bergmann-Obermüller',
}

describe('layout', () => {
  let file: string
  const cases: [string, CertificateData][] = [
    ['4 criteria', sampleCertificate({}, 4)],
    ['12 criteria', sampleCertificate({}, 12)],
    ['12 criteria, every text at its longest', sampleCertificate(longest, 12)],
    [
      'no logo, description or expiry; failed',
      sampleCertificate(
        {
          organization: { name: 'Northfield Vocational Training Centre' },
          achievementDescription: undefined,
          validUntil: undefined,
          outcome: { passed: false, total: 20, maxTotal: 48, percent: 41.66667 },
        },
        6,
      ),
    ],
  ]

  beforeAll(async () => {
    file = writeTemp(await renderCertificates(cases.map(([, c]) => c)), 'layout.pdf')
  })

  it.each(cases.map(([label], i) => [label, i + 1] as const))('%s: no two words overlap', (_label, page) => {
    const boxes = wordBoxes(file, page)
    expect(boxes.length).toBeGreaterThan(60)
    expect(overlaps(boxes)).toEqual([])
  })

  it('never shortens the learner name, however long: it shrinks and wraps instead', () => {
    const squashed = pdftotext(file, 3).replace(/\s+/g, '')
    expect(squashed).toContain(longest.learnerName!.replace(/\s+/g, ''))
    expect(squashed).toContain(longest.assessorName!.replace(/\s+/g, ''))
  })

  it('prints every criterion with its level and points, truncating only over-long titles', () => {
    const text = lines(pdftotext(file, 2)).join('\n')
    for (const c of sampleCertificate({}, 12).criteria) {
      const shown = c.title.length > 90 ? c.title.slice(0, 40) : c.title
      expect(text).toContain(shown)
      expect(text).toContain(c.levelLabel.length > 30 ? c.levelLabel.slice(0, 12) : c.levelLabel)
    }
    // NFKC (see normalise) turns the ellipsis into three full stops.
    expect(text).toMatch(/Tests continuity of protective conductors, including .*\.\.\. \*/)
    expect(text).toContain('3.5 / 4')
    expect(text).toContain('42.5 / 48')
    expect(text).toContain('* Critical criterion: it must be met to pass.')
  })

  it('states the outcome, dates, validity and identifiers in words', () => {
    const passed = lines(pdftotext(file, 1)).join('\n')
    expect(passed).toContain('PASSED')
    expect(passed).toContain('13 of 16 points · 81.3%')
    expect(passed).toContain('12 March 2025')
    expect(passed).toContain('12 March 2028')
    expect(passed).toContain('urn:uuid:5f0c7a8e-3b7d-4c1e-9a2f-7d61c0b4e9a3')
    expect(passed).toContain('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK')
    expect(passed).toContain('Daniel Okafor')
    const failed = lines(pdftotext(file, 4)).join('\n')
    expect(failed).toContain('NOT PASSED')
    expect(failed).toContain('Not passed (41.7%)')
    expect(failed).toContain('No expiry')
    expect(failed).not.toContain('successfully')
  })

  it.each([1, 3])('page %i: the QR code decodes from a 150 dpi rendering to the exact token', (page) => {
    const token = cases[page - 1]![1].qrText
    expect(token.length).toBeGreaterThanOrEqual(340)
    expect(decodeQr(renderPng(file, page, 150))).toEqual([token])
  })
})

describe('batches and page sizes', () => {
  it.each([
    ['A4', '841.89 x 595.28'],
    ['LETTER', '792 x 612'],
  ] as const)('%s: three certificates give three landscape pages of the right size', async (size, dims) => {
    const progress: [number, number][] = []
    const certs = [1, 2, 3].map((n) =>
      sampleCertificate({ learnerName: `Learner ${n}`, qrText: sampleToken(n) }, 6),
    )
    const file = writeTemp(
      await renderCertificates(certs, { pageSize: size, onProgress: (d, t) => progress.push([d, t]) }),
      `batch-${size}.pdf`,
    )
    const info = pdfinfo(file, 3)
    expect(info.get('Pages')).toBe('3')
    for (const page of [1, 2, 3]) expect(info.get(`Page ${page} size`)).toMatch(new RegExp(`^${dims} pts`))
    expect(progress).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ])
    // Each page carries its own learner and its own token.
    for (const page of [1, 2, 3]) expect(lines(pdftotext(file, page))).toContain(`Learner ${page}`)
    expect(decodeQr(renderPng(file, 2, 150))).toEqual([sampleToken(2)])
  })

  it('defaults to A4', async () => {
    const file = writeTemp(await renderCertificates([sampleCertificate({}, 4)]), 'default.pdf')
    expect(pdfinfo(file).get('Page size')).toMatch(/^841.89 x 595.28 pts/)
    expect(pdfinfo(file).get('Title')).toBe(
      `Safe Electrical Installation — Level 2 Practical — ${NAMES.vietnamese}`,
    )
  })
})

describe('input checks', () => {
  it('refuses an empty batch', async () => {
    await expect(renderCertificates([])).rejects.toThrow(RangeError)
  })

  it('refuses a logo that is not PNG or JPEG data, naming the certificate', async () => {
    const gif = { data: new TextEncoder().encode('GIF89a...'), mediaType: 'image/gif' }
    const bad = sampleCertificate({ organization: { name: 'X', logo: gif } })
    await expect(renderCertificates([sampleCertificate(), bad])).rejects.toThrow(
      /certificate 2: .*PNG or JPEG/,
    )
    const mislabelled = sampleCertificate({
      organization: { name: 'X', logo: { ...gif, mediaType: 'image/png' } },
    })
    await expect(renderCertificates([mislabelled])).rejects.toThrow(/PNG or JPEG/)
  })

  it('accepts a JPEG logo', async () => {
    // Any real JPEG will do: have poppler rasterise a tiny certificate to one.
    const source = writeTemp(await renderCertificates([sampleCertificate({}, 4)]), 'jpeg-source.pdf')
    const jpegFile = renderJpeg(source, 120)
    const jpeg = fs.readFileSync(jpegFile)
    expect([...jpeg.subarray(0, 2)]).toEqual([0xff, 0xd8])
    const cert = sampleCertificate(
      { organization: { name: 'JPEG Org', logo: { data: jpeg, mediaType: 'image/jpeg' } } },
      4,
    )
    const file = writeTemp(await renderCertificates([cert]), 'jpeg.pdf')
    expect(images(file)).toEqual([{ page: 1, object: expect.any(Number) }])
    expect(qpdfCheck(file).status).toBe(0)
  })
})
