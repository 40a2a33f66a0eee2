/**
 * Tessera's benchmark (issue 5/5): `npm run bench` prints a table, `npm run bench -- --json` one JSON
 * document, `--smoke` runs every case on tiny data (what `npm test` runs, see test/bench/smoke.test.ts).
 *
 *   npm run bench [-- --json] [-- --smoke] [-- --case issue --case verify] [-- --in-process]
 *
 * The data is generated from a fixed seed and cached (bench/data/). In a full run every case runs in
 * its own Node process (`--expose-gc`), so one case's memory and warm caches never flatter another's;
 * smoke runs stay in this process to be quick. Speed is never asserted here: a missed target shows as
 * "NO" in the table and `met: false` in the JSON. The exit code is 1 only when a case could not run.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import v8 from 'node:v8'
import vm from 'node:vm'
import Database from 'better-sqlite3'
import { CASES, type CaseEntry } from './cases'
import { caseContext } from './cases/context'
import { FULL, SMOKE, type BenchConfig } from './config'
import { largeFixture, syncFixture } from './data/fixture'
import { printTable, type CaseResult } from './harness'

interface Options {
  json: boolean
  smoke: boolean
  inProcess: boolean
  cases: string[]
  child?: string
  resultFile?: string
}

function parseArgs(argv: string[]): Options {
  const o: Options = { json: false, smoke: false, inProcess: false, cases: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${a} needs a value`)
      return v
    }
    if (a === '--json') o.json = true
    else if (a === '--smoke') o.smoke = true
    else if (a === '--in-process') o.inProcess = true
    else if (a === '--case') o.cases.push(...value().split(','))
    else if (a === '--child') o.child = value()
    else if (a === '--result-file') o.resultFile = value()
    else throw new Error(`unknown option ${a} (use --json, --smoke, --case ID, --in-process)`)
  }
  for (const c of [...o.cases, ...(o.child ? [o.child] : [])])
    if (!CASES.some((k) => k.id === c))
      throw new Error(`unknown case ${c}; cases: ${CASES.map((k) => k.id).join(', ')}`)
  return o
}

const log = (m: string): void => {
  process.stderr.write(`[bench] ${m}\n`)
}

export function machine(): Record<string, string | number> {
  const db = new Database(':memory:')
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v
  db.close()
  const [l1, l5, l15] = os.loadavg()
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    sqlite,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: `${l1!.toFixed(2)} ${l5!.toFixed(2)} ${l15!.toFixed(2)}`,
  }
}

function enableGc(): void {
  if ((globalThis as { gc?: unknown }).gc) return
  v8.setFlagsFromString('--expose-gc')
  ;(globalThis as { gc?: unknown }).gc = vm.runInNewContext('gc')
}

async function runInProcess(entry: CaseEntry, config: BenchConfig): Promise<CaseResult[]> {
  enableGc()
  const c = await entry.load()
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `tessera-bench-${c.id}-`))
  try {
    return await c.run(caseContext(config, workDir, (m) => log(`${c.id}: ${m}`)))
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true })
  }
}

function runInChild(c: CaseEntry, opts: Options): Promise<CaseResult[]> {
  const resultFile = path.join(os.tmpdir(), `tessera-bench-result-${process.pid}-${c.id}.json`)
  const args = [
    '--expose-gc',
    '--import',
    'tsx',
    fileURLToPath(import.meta.url),
    '--child',
    c.id,
    '--result-file',
    resultFile,
  ]
  if (opts.smoke) args.push('--smoke')
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      try {
        if (code !== 0) return reject(new Error(`case ${c.id} exited with ${code ?? signal}`))
        resolve(JSON.parse(fs.readFileSync(resultFile, 'utf8')) as CaseResult[])
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)))
      } finally {
        fs.rmSync(resultFile, { force: true })
      }
    })
  })
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2))
  const config = opts.smoke ? SMOKE : FULL

  if (opts.child) {
    const c = CASES.find((k) => k.id === opts.child)!
    const results = await runInProcess(c, config)
    fs.writeFileSync(opts.resultFile!, JSON.stringify(results))
    return 0
  }

  const selected = opts.cases.length ? CASES.filter((c) => opts.cases.includes(c.id)) : [...CASES]
  const startedAt = new Date().toISOString()
  const before = machine()
  log(
    `${config.name} run on ${before.cpu}, ${before.cores} cores, ${before.memoryGb} GB, Node ${before.node}, load ${before.loadAverage}`,
  )

  // Fixtures first, here, so that cases (possibly in parallel processes later) only read the cache.
  let t0 = performance.now()
  if (selected.some((c) => c.id !== 'renderer-size' && c.id !== 'sync')) {
    const f = await largeFixture(config.large)
    log(
      `large fixture ${f.cacheHit ? 'from cache' : `generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`}: ${JSON.stringify(f.result.counts)}`,
    )
  }
  if (selected.some((c) => c.id === 'sync')) {
    t0 = performance.now()
    const s = await syncFixture(config.sync)
    log(
      `sync fixture ${s.cacheHit ? 'from cache' : `generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`}: ${JSON.stringify(s.counts)}`,
    )
  }

  const results: CaseResult[] = []
  const errors: { case: string; message: string }[] = []
  const isolate = !opts.inProcess && !opts.smoke
  for (const c of selected) {
    log(`running ${c.id}${isolate ? ' (own process)' : ''}`)
    t0 = performance.now()
    try {
      const r = isolate ? await runInChild(c, opts) : await runInProcess(c, config)
      results.push(...r)
      log(`${c.id} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    } catch (e) {
      const message = e instanceof Error ? (e.stack ?? e.message) : String(e)
      errors.push({ case: c.id, message })
      log(`${c.id} FAILED: ${message}`)
    }
  }

  const doc = {
    benchmark: 'tessera',
    run: config.name,
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: { ...before, loadAverageAtEnd: machine().loadAverage },
    results,
    errors,
  }
  if (opts.json) process.stdout.write(JSON.stringify(doc, null, 2) + '\n')
  else {
    process.stdout.write(
      `Tessera benchmark (${config.name}) — ${before.cpu}, ${before.cores} cores, ${before.memoryGb} GB, Node ${before.node}, SQLite ${before.sqlite}; load ${before.loadAverage} -> ${doc.machine.loadAverageAtEnd}\n\n`,
    )
    printTable(results)
    for (const e of errors) process.stdout.write(`! ${e.case} could not run: ${e.message.split('\n')[0]}\n`)
  }
  return errors.length ? 1 : 0
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    process.exitCode = 1
  },
)
