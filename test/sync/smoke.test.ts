import fs from 'node:fs'
import path from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { assess, closeAll, evidenceBytes, open, syncWorld } from './fixtures'

afterEach(closeAll)

it('smoke: timing', async () => {
  const w = await syncWorld()
  const a = open(w.aFile)
  for (let i = 0; i < 5; i++) await assess(a, { given: 'Amina' + i, family: 'Yusuf', cohort: 'Welding 2026', rubricId: w.rubricId, evidence: evidenceBytes('a1' + i) })
  const bundle = path.join(w.dir, 'a1.tsb')
  await a.call('sync.export', { outFile: bundle })
  a.close()
  for (let i = 0; i < 4; i++) {
    const f = path.join(w.dir, `hub${i}.db`)
    fs.copyFileSync(w.hubFile, f)
    const hub = open(f)
    const t0 = Date.now()
    await hub.call('sync.import', { file: bundle, trustDevice: true })
    const t1 = Date.now()
    await hub.call('sync.import', { file: bundle, trustDevice: true })
    console.log(t1 - t0, Date.now() - t1)
    hub.close()
  }
  expect(1).toBe(1)
})
