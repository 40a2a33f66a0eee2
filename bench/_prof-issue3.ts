import fs from 'node:fs'
import path from 'node:path'
import { openTessera } from '../src/core/app'
import { benchSecrets } from './data/fixture'
const root = 'node_modules/.cache/tessera-bench'
const dir = fs.readdirSync(root).find((d) => d.startsWith('large-600-'))!
const manifest = JSON.parse(fs.readFileSync(path.join(root, dir, 'manifest.json'), 'utf8'))
fs.copyFileSync(path.join(root, dir, 'tessera.db'), '/tmp/bx/prof/issue3.db')
const t = openTessera({ dbFile: '/tmp/bx/prof/issue3.db', actor: 'bench', secrets: benchSecrets })
const ids = manifest.issuable.slice(-130)
await t.call('credentials.issue', { assessmentId: ids[0], withPdf: false })
const c0 = process.cpuUsage()
for (let i = 1; i < ids.length; i++)
  await t.call('credentials.issue', { assessmentId: ids[i], withPdf: false })
const c = process.cpuUsage(c0)
console.log('cpu per issue', ((c.user + c.system) / 1000 / (ids.length - 1)).toFixed(2))
t.close()
