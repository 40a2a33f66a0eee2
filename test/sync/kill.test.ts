import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { runCli } from '../helpers/cli'
import {
  assess,
  cliEnv,
  closeAll,
  deviceIdOf,
  fileState,
  logicalDump,
  open,
  recordSet,
  syncWorld,
} from './fixtures'

afterEach(closeAll)

const BIN = path.resolve(__dirname, '../../bin/tessera.mjs')

/**
 * An import killed with SIGKILL in the middle of its write transaction leaves the hub as it was: the
 * .db file is byte-for-byte the same (in WAL mode uncommitted pages never reach it) and a full logical
 * dump is equal (uncommitted WAL frames are discarded on the next open). A second run then completes.
 */
it('an import killed part-way changes nothing, and a second run completes', async () => {
  const w = await syncWorld()
  const a = open(w.aFile)
  for (let i = 0; i < 8; i++)
    await assess(a, { given: `Learner ${i}`, cohort: `Group ${i % 2}`, rubricId: w.rubricId })
  const bundle = path.join(w.dir, 'a.tsb')
  const exported = await a.call('sync.export', { outFile: bundle })
  expect(exported.records).toBeGreaterThan(40)
  a.close()

  const dumpBefore = logicalDump(w.hubFile)
  const before = fileState(w.hubFile)

  const child = spawn(process.execPath, [BIN, '--db', w.hubFile, 'import', bundle, '--trust-device'], {
    env: { ...process.env, ...cliEnv, TESSERA_DB: '', CI: '1', TESSERA_TEST_SLOW_IMPORT_MS: '150' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  // Kill once several records were written inside the (still open) transaction.
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
      if (/\[test-slow-import\] applied 6\//.test(stderr)) resolve()
    })
    void exited.then(() => reject(new Error(`the import ended before it could be killed:\n${stderr}`)))
  })
  child.kill('SIGKILL')
  expect(await exited).toEqual({ code: null, signal: 'SIGKILL' })

  // The main file is untouched; the process died holding its lock file (taken over as stale below).
  expect(fileState(w.hubFile).db).toEqual(before.db)
  expect(fs.existsSync(`${w.hubFile}.lock`)).toBe(true)
  expect(logicalDump(w.hubFile)).toEqual(dumpBefore)

  const second = runCli(['--db', w.hubFile, '--json', 'import', bundle, '--trust-device'], { env: cliEnv })
  expect(second.code, second.stderr).toBe(0)
  const r = second.json<{ alreadyImported: boolean; counts: { accepted: number; conflict: number } }>()
  expect(r.alreadyImported).toBe(false)
  expect(r.counts.conflict).toBe(0)
  expect(r.counts.accepted).toBe(exported.records)

  const hubDevice = deviceIdOf(w.hubFile)
  const fieldRecords = recordSet(w.aFile)
  const hubRecords = new Set(recordSet(w.hubFile, { excludeDevice: hubDevice }))
  expect(fieldRecords.filter((x) => !hubRecords.has(x))).toEqual([])
  expect(runCli(['--db', w.hubFile, 'doctor'], { env: cliEnv }).code).toBe(0)
})
