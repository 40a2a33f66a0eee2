import fs from 'node:fs'
import path from 'node:path'
import { openTessera } from '../src/core/app'
import { benchSecrets } from './data/fixture'
import { verifyCredential } from '../src/core/verify/verify'
import { trustedIssuers } from '../src/core/services/issuer-keys'
import { heldStatusLists } from '../src/core/services/status-lists'
import { rawVerify } from './cases/verify'
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
const options = {
  trustedIssuers: await trustedIssuers(t.ctx.db),
  statusLists: await heldStatusLists(t.ctx.db),
  now: new Date(),
}
const r: Record<string, number[]> = { service: [], core: [], raw: [], dbReads: [] }
for (let i = 0; i < N; i++) {
  const text = jsons[i % jsons.length]!
  r.service!.push(await cpu(() => t.call('credentials.verify', { source: { kind: 'text', text } })))
  r.core!.push(await cpu(() => verifyCredential(text, options)))
  r.dbReads!.push(
    await cpu(async () => {
      await trustedIssuers(t.ctx.db)
      await heldStatusLists(t.ctx.db)
    }),
  )
  r.raw!.push(await cpu(() => rawVerify(text)))
}
const med = (x: number[]) => ([...x].sort((p, q) => p - q)[x.length >> 1] ?? NaN).toFixed(2)
console.log(
  Object.entries(r)
    .map(([k, v]) => `${k} ${med(v)}`)
    .join('  '),
)
t.close()
