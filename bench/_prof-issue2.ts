import fs from 'node:fs'
import path from 'node:path'
import { openTessera } from '../src/core/app'
import { benchSecrets } from './data/fixture'
import { certificateData, certificatesPdf } from '../src/core/services/credential-artefacts'
import { renderCertificates } from '../src/core/pdf/certificate'
import { baselinePage, canonicalizeLikeTheProof } from './cases/issue'
const root = process.env.ROOT ?? 'node_modules/.cache/tessera-bench'
const dir = fs.readdirSync(root).find((d) => d.startsWith(process.env.KIND ?? 'large-600-'))!
const manifest = JSON.parse(fs.readFileSync(path.join(root, dir, 'manifest.json'), 'utf8'))
fs.copyFileSync(path.join(root, dir, 'tessera.db'), '/tmp/bx/prof/issue2.db')
const t = openTessera({ dbFile: '/tmp/bx/prof/issue2.db', actor: 'bench', secrets: benchSecrets })
const cpu = async (fn: () => Promise<unknown>) => {
  const c0 = process.cpuUsage()
  const w = performance.now()
  await fn()
  const c = process.cpuUsage(c0)
  return [(c.user + c.system) / 1000, performance.now() - w] as const
}
const ids = manifest.issuable.slice(-Number(process.env.N ?? 60))
const r: Record<string, number[]> = {
  issueNoPdf: [],
  issuePdf: [],
  files: [],
  pdfOnly: [],
  certData: [],
  canon: [],
  basePage: [],
  wallNoPdf: [],
  wallPdf: [],
}
await t.call('credentials.issue', { assessmentId: ids[0], withPdf: true })
for (let i = 1; i < ids.length; i++) {
  const withPdf = process.env.PDF === 'all' ? true : process.env.PDF === 'none' ? false : i % 2 === 0
  const [c, w] = await cpu(() => t.call('credentials.issue', { assessmentId: ids[i], withPdf }))
  if (withPdf) {
    r.issuePdf!.push(c)
    r.wallPdf!.push(w)
  } else {
    r.issueNoPdf!.push(c)
    r.wallNoPdf!.push(w)
  }
  const row = t.ctx.database.sqlite
    .prepare('SELECT * FROM credential WHERE assessment_id = ?')
    .get(ids[i]) as any
  r.files!.push((await cpu(() => t.call('credentials.files', { id: row.id, withPdf: false })))[0])
  let cert: any
  r.certData!.push(
    (
      await cpu(async () => {
        cert = await certificateData(t.ctx.db, row)
      })
    )[0],
  )
  r.pdfOnly!.push((await cpu(() => renderCertificates([cert])))[0])
  r.canon!.push((await cpu(() => canonicalizeLikeTheProof(row.json)))[0])
  r.basePage!.push((await cpu(() => baselinePage(cert)))[0])
}
const med = (x: number[]) => ([...x].sort((p, q) => p - q)[x.length >> 1] ?? NaN).toFixed(2)
console.log(
  Object.entries(r)
    .map(([k, v]) => `${k} ${med(v)}`)
    .join('  '),
)
t.close()
