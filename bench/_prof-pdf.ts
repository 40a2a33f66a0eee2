import fs from 'node:fs'
import path from 'node:path'
import { openTessera } from '../src/core/app'
import { benchSecrets } from './data/fixture'
import { certificateData } from '../src/core/services/credential-artefacts'
import { renderCertificates } from '../src/core/pdf/certificate'
import { canonicalizeLikeTheProof } from './cases/issue'
const dir = fs.readdirSync('/tmp/bx/cache').find((d) => d.startsWith('large-600-'))!
const manifest = JSON.parse(fs.readFileSync(path.join('/tmp/bx/cache', dir, 'manifest.json'), 'utf8'))
fs.copyFileSync(path.join('/tmp/bx/cache', dir, 'tessera.db'), '/tmp/bx/prof/pdf.db')
const t = openTessera({ dbFile: '/tmp/bx/prof/pdf.db', actor: 'bench', secrets: benchSecrets })
const datas = []
const jsons: string[] = []
for (let i = 0; i < 8; i++) {
  const r = await t.call('credentials.issue', { assessmentId: manifest.issuable[i] })
  const row = t.ctx.database.sqlite
    .prepare('SELECT * FROM credential WHERE id = ?')
    .get(r.credential.id) as any
  datas.push(await certificateData(t.ctx.db, row))
  jsons.push(r.artefacts.json)
}
const N = Number(process.argv[2] ?? 40)
const times: number[] = []
for (let i = 0; i < N; i++) {
  const c0 = process.cpuUsage()
  await renderCertificates([datas[i % datas.length]!])
  const c = process.cpuUsage(c0)
  times.push((c.user + c.system) / 1000)
}
times.sort((a, b) => a - b)
console.log(
  'pdf median',
  times[times.length >> 1]!.toFixed(1),
  'p10',
  times[Math.floor(times.length / 10)]!.toFixed(1),
  'min',
  times[0]!.toFixed(1),
)
const ct: number[] = []
for (let i = 0; i < N; i++) {
  const t0 = performance.now()
  await canonicalizeLikeTheProof(jsons[i % jsons.length]!)
  ct.push(performance.now() - t0)
}
ct.sort((a, b) => a - b)
console.log('canon median', ct[ct.length >> 1]!.toFixed(1), 'min', ct[0]!.toFixed(1))
t.close()
