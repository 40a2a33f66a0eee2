import PDFDocument from 'pdfkit'
import { canonicalize } from '../../src/core/credentials/canonicalize'
import type { CertificateData } from '../../src/core/pdf/certificate'
import {
  DEFAULT_FONT_KEY,
  pdfFontName,
  pdfFontSource,
  pickFont,
  registerFonts,
} from '../../src/core/pdf/fonts'
import { scriptOf } from '../../src/core/pdf/script-runs'
import { certificateData } from '../../src/core/services/credential-artefacts'
import type { CredentialRow } from '../../src/core/services/credential-issue'
import { collectGarbage, measure, ratioOf, stats, type CaseResult } from '../harness'
import { openLargeCopy, type BenchCase } from './context'

/**
 * `credentials.issue` with the PDF, one assessment after another, as a trainer does after a session:
 * the Open Badge built from the stored records, its Data Integrity proof (RDFC-1.0 + Ed25519), the
 * VC-JWT, the QR token, the status list slot, the row and its audit entry, then the artefacts a person
 * saves (pretty JSON, baked PNG, PDF certificate). Baseline, per credential: the same two JSON-LD
 * canonicalizations the proof needs (document and proof options) and one pdfkit page with the same
 * texts and fonts (`baselinePage`), the least work that could produce a signed badge and a printed
 * certificate with these libraries.
 *
 * Memory is measured on the same batch: the process's peak RSS, and the heap after a full garbage
 * collection at ten points of the batch, whose trend must be flat (nothing kept per credential).
 */

/**
 * The least work that prints the same certificate with pdfkit: the same texts in the same fonts (the
 * face of the learner's script where it is not Latin), one after another with pdfkit's own text
 * layout: no fitting, wrapping, bidi or font fallback of ours, no frame, logo or QR code.
 */
export async function baselinePage(cert: CertificateData): Promise<number> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 58,
    font: pdfFontSource(DEFAULT_FONT_KEY) as unknown as string,
  })
  const chunks: Buffer[] = []
  const done = new Promise<void>((resolve) => doc.on('end', resolve))
  doc.on('data', (c: Buffer) => chunks.push(c))
  registerFonts(doc)
  const faceOf = (text: string): string => {
    for (const ch of text) {
      const script = scriptOf(ch)
      if (script && script !== 'latin' && script !== 'other')
        return pdfFontName(pickFont('sans', ch.codePointAt(0)!, script))
    }
    return pdfFontName(DEFAULT_FONT_KEY)
  }
  const line = (text: string, size: number): void => {
    doc.font(faceOf(text)).fontSize(size).text(text)
  }
  line(cert.organization.name, 11.5)
  line('Certificate of achievement', 25)
  line(cert.learnerName, 30)
  line(cert.achievementName, 17)
  if (cert.achievementDescription) line(cert.achievementDescription, 9.5)
  for (const c of cert.criteria) line(`${c.title}   ${c.levelLabel}   ${c.points} / ${c.maxPoints}`, 9.5)
  line(`${cert.outcome.total} / ${cert.outcome.maxTotal} (${cert.outcome.percent} %)`, 10)
  line(`${cert.assessorName}   ${cert.issuedOn.slice(0, 10)}`, 10)
  line(`${cert.credentialId}   ${cert.issuerId}`, 7)
  doc.end()
  await done
  return Buffer.concat(chunks).length
}

type Json = Record<string, unknown>

export async function canonicalizeLikeTheProof(credentialJson: string): Promise<void> {
  const { proof, ...unsecured } = JSON.parse(credentialJson) as Json
  const { proofValue: _v, ...options } = (proof as Json[])[0]!
  await canonicalize({ ...options, '@context': unsecured['@context'] })
  await canonicalize(unsecured)
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length
  if (n < 2) return 0
  const mx = points.reduce((s, [x]) => s + x, 0) / n
  const my = points.reduce((s, [, y]) => s + y, 0) / n
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0)
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0)
  return sxx === 0 ? 0 : sxy / sxx
}

const MB = 1024 * 1024

export const issueCase: BenchCase = {
  id: 'issue',
  async run(ctx) {
    const fixture = await ctx.large()
    const batch = Math.min(ctx.config.issue.batch, fixture.result.issuable.length - 1)
    const { t } = await openLargeCopy(ctx, 'issue')
    try {
      // The most recent passes: what a trainer issues after a session (older ones may be past their validity).
      const ids = fixture.result.issuable.slice(-(batch + 1))
      // Warm-up (one credential): unlocks the keys (scrypt, once per session) and loads fonts and contexts.
      await t.call('credentials.issue', { assessmentId: ids[batch]!, withPdf: true })
      const credentialRow = t.ctx.database.sqlite.prepare('SELECT * FROM credential WHERE id = ?')
      collectGarbage()
      const rssStart = process.memoryUsage().rss
      const samples: number[] = []
      const baseline: number[] = []
      const heapPoints: [number, number][] = []
      const rssPoints: [number, number][] = []
      const every = Math.max(1, Math.floor(batch / 10))
      let bytes = 0
      const cpu: number[] = []
      const cpuBaseline: number[] = []
      for (let i = 0; i < batch; i++) {
        let r: Awaited<ReturnType<typeof t.call<'credentials.issue'>>> | undefined
        const m = await measure(async () => {
          r = await t.call('credentials.issue', { assessmentId: ids[i]!, withPdf: true })
        })
        samples.push(m.wall)
        cpu.push(m.cpu)
        if (!r?.created || !r.artefacts.pdfBase64) throw new Error(`no new credential for ${ids[i]}`)
        bytes +=
          r.artefacts.json.length +
          r.artefacts.jwt.length +
          r.artefacts.pngBase64.length +
          r.artefacts.pdfBase64.length
        const row = credentialRow.get(r.credential.id) as CredentialRow
        const cert = await certificateData(t.ctx.db, row)
        const json = r.artefacts.json
        const b = await measure(async () => {
          await canonicalizeLikeTheProof(json)
          await baselinePage(cert)
        })
        baseline.push(b.wall)
        cpuBaseline.push(b.cpu)
        if ((i + 1) % every === 0) {
          collectGarbage()
          const m = process.memoryUsage()
          heapPoints.push([i + 1, m.heapUsed])
          rssPoints.push([i + 1, m.rss])
        }
      }
      const s = stats(samples)
      const b = stats(baseline)
      const seconds = samples.reduce((x, y) => x + y, 0) / 1000
      const perSecond = batch / seconds
      const peakRssMb = (process.resourceUsage().maxRSS * 1024) / MB
      // The first tenth still fills caches (statement cache, page cache): the trend is taken after it.
      const heapPerCredentialKb = slope(heapPoints.slice(1)) / 1024
      const rssPerCredentialKb = slope(rssPoints.slice(1)) / 1024
      const flat = heapPerCredentialKb < 10
      const ratio = ratioOf(s, b)
      const results: CaseResult[] = [
        {
          id: 'issue',
          name: `issue credentials (JSON+JWT+PNG+PDF), batch of ${batch}`,
          unit: 'per_second',
          target: '>= 20/s, ratio <= 1.3',
          value: perSecond,
          stats: s,
          baseline: b,
          ratio,
          met: perSecond >= 20 && ratio <= 1.3,
          params: { batch },
          extra: {
            'artefact MB': bytes / MB,
            'baseline per second': 1000 / b.median,
            'CPU ms per credential': stats(cpu).median,
            'baseline CPU ms': stats(cpuBaseline).median,
            'CPU ratio': stats(cpu).median / stats(cpuBaseline).median,
          },
        },
        {
          id: 'issue-memory',
          name: `peak memory issuing ${batch} credentials`,
          unit: 'MB',
          target: '< 400 MB, flat',
          value: peakRssMb,
          met: peakRssMb < 400 && flat,
          params: { batch },
          extra: {
            'RSS at start MB': rssStart / MB,
            'RSS at end MB': (rssPoints.at(-1)?.[1] ?? 0) / MB,
            'heap after GC, KB per credential': heapPerCredentialKb,
            'RSS, KB per credential': rssPerCredentialKb,
            'heap after GC at end MB': (heapPoints.at(-1)?.[1] ?? 0) / MB,
          },
          note: flat ? undefined : 'the heap grows with every credential issued',
        },
      ]
      return results
    } finally {
      t.close()
    }
  },
}
