import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { openTessera } from '../src/core/app'
import { openDatabase } from '../src/core/db/open'
import { benchSecrets } from './data/fixture'
const root = 'node_modules/.cache/tessera-bench'
const dir = fs.readdirSync(root).find((d) => d.startsWith('large-100000-'))!
const file = '/tmp/bx/prof/open.db'
if (!fs.existsSync(file)) fs.copyFileSync(path.join(root, dir, 'tessera.db'), file)
const cpu = (fn: () => unknown) => async () => {
  const c0 = process.cpuUsage()
  const w0 = performance.now()
  await fn()
  const c = process.cpuUsage(c0)
  return [(c.user + c.system) / 1000, performance.now() - w0]
}
const steps: Record<string, () => Promise<number[]>> = {
  rawOpenQuery: cpu(() => {
    const d = new Database(file)
    d.prepare('SELECT * FROM learner ORDER BY family_name, given_name, rowid LIMIT 50').all()
    d.close()
  }),
  openDatabase: cpu(() => {
    const d = openDatabase({ file })
    d.close()
  }),
  openTessera: cpu(() => {
    const t = openTessera({ dbFile: file, secrets: benchSecrets })
    t.close()
  }),
  openAndList: cpu(async () => {
    const t = openTessera({ dbFile: file, secrets: benchSecrets })
    await t.call('learners.list', { limit: 50 })
    t.close()
  }),
}
for (let round = 0; round < 2; round++)
  for (const [k, f] of Object.entries(steps)) {
    const r: number[][] = []
    for (let i = 0; i < 9; i++) r.push(await f())
    r.sort((a, b) => a[1]! - b[1]!)
    console.log(k, 'cpu', r[4]![0]!.toFixed(2), 'wall', r[4]![1]!.toFixed(2))
  }
