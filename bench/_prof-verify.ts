import fs from 'node:fs'
import path from 'node:path'
import { openTessera } from '../src/core/app'
import { benchSecrets } from './data/fixture'
import { canonicalizeLikeTheProof } from './cases/issue'
const dir = fs.readdirSync('/tmp/bx/cache').find((d) => d.startsWith('large-600-'))!
const manifest = JSON.parse(fs.readFileSync(path.join('/tmp/bx/cache', dir, 'manifest.json'), 'utf8'))
fs.copyFileSync(path.join('/tmp/bx/cache', dir, 'tessera.db'), '/tmp/bx/prof/verify.db')
const t = openTessera({ dbFile: '/tmp/bx/prof/verify.db', actor: 'bench', secrets: benchSecrets })
const jsons: string[] = []
for (let i = 0; i < 8; i++)
  jsons.push((await t.call('credentials.issue', { assessmentId: manifest.issuable[i] })).artefacts.json)
const N = Number(process.argv[2] ?? 100)
const cpu = async (fn: () => Promise<unknown>) => {
  const c0 = process.cpuUsage()
  await fn()
  const c = process.cpuUsage(c0)
  return (c.user + c.system) / 1000
}
const a: number[] = [],
  b: number[] = []
for (let i = 0; i < N; i++) {
  const text = jsons[i % jsons.length]!
  a.push(await cpu(() => t.call('credentials.verify', { source: { kind: 'text', text } })))
  b.push(await cpu(() => canonicalizeLikeTheProof(text)))
}
const med = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1]!.toFixed(2)
console.log('verify cpu median', med(a), 'canon cpu median', med(b))
t.close()
