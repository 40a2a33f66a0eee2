import fs from 'node:fs'
import path from 'node:path'
import { openTessera } from '/work/main/src/core/app'
import { benchSecrets } from '/work/main/bench/data/fixture'
const dir = fs.readdirSync('/tmp/bx/cache').find((d) => d.startsWith('large-600-'))!
const src = path.join('/tmp/bx/cache', dir, 'tessera.db')
const manifest = JSON.parse(fs.readFileSync(path.join('/tmp/bx/cache', dir, 'manifest.json'), 'utf8'))
fs.copyFileSync(src, '/tmp/bx/prof/issue.db')
const t = openTessera({ dbFile: '/tmp/bx/prof/issue.db', actor: 'bench', secrets: benchSecrets })
const withPdf = process.argv[2] !== 'nopdf'
for (let i = 0; i < Number(process.argv[3] ?? 25); i++) {
  const t0 = performance.now()
  const r = await t.call('credentials.issue', { assessmentId: manifest.issuable[i], withPdf })
  console.log(i, (performance.now() - t0).toFixed(1), r.artefacts.pdfBase64?.length)
}
t.close()
