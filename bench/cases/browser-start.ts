import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { chromium, type Browser } from '@playwright/test'
import { buildCli } from '../../scripts/build-cli.mjs'
import { verifierBuildOptions } from '../../src/core/node/verifier-bundle-options'
import { copyDatabase, repoRoot } from '../data/cache'
import { BENCH_PASSPHRASE } from '../data/fixture'
import { stats } from '../harness'
import type { BenchCase } from './context'
import { buildRenderer } from './renderer-build'

/**
 * Browser mode from a person's point of view: `tessera serve` is started on the large database
 * (the CLI a person starts: the bundle `npm run build` makes and `npm run start:web` runs, in a new
 * process) while the browser is already open; the time runs until the first screen is usable: the
 * Start heading shown with the number of learners from the database, painted on the screen.
 * Each run uses a fresh browser context (empty HTTP cache): the first start of the day.
 * No baseline in the issue; the server's half (address printed) and the moment the count reaches
 * the DOM are reported beside.
 */

const DASHBOARD_TIMEOUT_MS = 60_000
const URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+/
// Run in the page (by Playwright, not eval: the app's CSP forbids eval), so each is self-contained.
// This file is compiled for Node, without the DOM's types, hence the narrow type of `document`.
interface PageDocument {
  querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }>
}
/**
 * Runs in the page from its first script on: notes (performance.now(), ms after the page's time
 * origin) when the learner count first appears in the DOM and when the frame that shows it is drawn
 * (animation-frame callbacks run as the frame starts; the paint follows in the same step), and then
 * says so on the console. Playwright's own waits would disturb what they measure: a locator or a
 * polled function injects Playwright's script into the loading page and runs it on the same main
 * thread; a console message is an event Playwright receives anyway. The times are put on this
 * process's clock through the two processes' time origins (both wall-clock based).
 */
const COUNT_PAINTED_MESSAGE = 'tessera-bench:count-painted'
const RECORD_COUNT_PAINTED = (message: string): void => {
  const g = globalThis as unknown as {
    performance: { now(): number; timeOrigin: number }
    requestAnimationFrame(cb: () => void): void
    console: { debug(text: string): void }
    MutationObserver: new (cb: () => void) => { observe(n: unknown, o: object): void; disconnect(): void }
  } & { document: PageDocument }
  let shown: number | undefined
  const observer = new g.MutationObserver(() => {
    const text = g.document.querySelectorAll('[data-count="learners"] .stat-value')[0]?.textContent ?? ''
    if (shown === undefined && /\d/.test(text)) {
      shown = g.performance.now()
      observer.disconnect()
      g.requestAnimationFrame(() => {
        const painted = g.performance.now()
        g.console.debug(
          `${message} ${JSON.stringify({ shown, painted, timeOrigin: g.performance.timeOrigin })}`,
        )
      })
    }
  })
  observer.observe(g.document, { childList: true, subtree: true, characterData: true })
}
interface CountTimes {
  shown: number
  painted: number
  timeOrigin: number
}
const ALL_COUNTS_SHOWN = (): boolean => {
  const doc = (globalThis as unknown as { document: PageDocument }).document
  const values = Array.from(doc.querySelectorAll('.stat-value'), (e) => e.textContent ?? '')
  return values.length > 0 && values.every((v) => /\d/.test(v))
}

/**
 * The CLI bundle of the current sources (scripts/build-cli.mjs), built into this case's own folder:
 * `npm test` runs the smoke benchmark before `npm run build`, and a colleague's out/cli may be stale.
 * The folder is outside the checkout, so it gets a link to node_modules (the packages the bundle
 * leaves external) and the bundle is told where resources/ is.
 */
async function buildCliInto(workDir: string): Promise<string> {
  const outDir = path.join(workDir, 'cli')
  const launcher = await buildCli({ outDir, verifierBuildOptions })
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(outDir, 'node_modules'), 'dir')
  return launcher
}

function startServe(
  cli: string,
  dbFile: string,
  rendererDir: string,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [cli, '--db', dbFile, 'serve', '--port', '0', '--no-open'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      TESSERA_PASSPHRASE: BENCH_PASSPHRASE,
      TESSERA_RENDERER_DIR: rendererDir,
      TESSERA_RESOURCES: path.join(repoRoot, 'resources'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`tessera serve printed no address within 60 s:\n${out}`)),
      60_000,
    )
    const seen = (d: Buffer): void => {
      out += d.toString()
      const m = URL_PATTERN.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve({ child, url: m[0] })
      }
    }
    child.stdout.on('data', seen)
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`tessera serve exited with ${code}:\n${out}`))
    })
  })
}

/**
 * CPU time the serve process has used so far (user + system, ms), from /proc: on a shared machine
 * the wall time until the address is printed depends on the load, its CPU time much less. Null
 * where there is no /proc.
 */
function cpuMsOf(pid: number | undefined): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    const ticksPerSecond = 100 // USER_HZ on Linux
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond
  } catch {
    return null
  }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGINT')
  })
}

export const browserStartCase: BenchCase = {
  id: 'browser-start',
  async run(ctx) {
    const [rendererDir, cli] = await Promise.all([
      buildRenderer(path.join(ctx.workDir, 'renderer')),
      buildCliInto(ctx.workDir),
    ])
    const fixture = await ctx.large()
    const dbFile = path.join(ctx.workDir, 'browser.db')
    copyDatabase(fixture.dbFile, dbFile)
    const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
    if (!fs.existsSync(executablePath))
      throw new Error(`no Chromium at ${executablePath} (set CHROMIUM_PATH)`)
    const browser: Browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--disable-extensions',
      ],
    })
    const total: number[] = []
    const serverUp: number[] = []
    const serverCpu: number[] = []
    const inDom: number[] = []
    const dashboardDone: number[] = []
    let dashboardTimedOut = 0
    try {
      const runs = ctx.config.browser.runs
      // A warm-up start (the OS file cache) unless this is a single smoke run.
      for (let i = runs > 1 ? -1 : 0; i < runs; i++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
        const page = await context.newPage()
        await page.addInitScript(RECORD_COUNT_PAINTED, COUNT_PAINTED_MESSAGE)
        const t0 = performance.now()
        const { child, url } = await startServe(cli, dbFile, rendererDir)
        try {
          const t1 = performance.now()
          const cpuAtAddress = cpuMsOf(child.pid)
          const painted = page.waitForEvent('console', {
            predicate: (m) => m.text().startsWith(COUNT_PAINTED_MESSAGE),
            timeout: 60_000,
          })
          await page.goto(url, { waitUntil: 'commit' })
          const times = JSON.parse((await painted).text().slice(COUNT_PAINTED_MESSAGE.length)) as CountTimes
          const t2 = performance.now()
          // What was timed is the first screen: its heading, and the count is what the database holds.
          await page.getByRole('heading', { level: 1 }).first().waitFor({ state: 'visible', timeout: 10_000 })
          const shownCount = await page.locator('[data-count="learners"] .stat-value').first().textContent()
          const learners = fixture.result.counts.learner ?? 0
          if (Number((shownCount ?? '').replace(/\D/g, '')) !== learners)
            throw new Error(`the first screen shows ${shownCount} learners, the database holds ${learners}`)
          // Everything on the dashboard loaded (counts from dashboard.summary and sync.status): a
          // second figure, so a run that does not get there in time is counted, not fatal.
          const allShown = await page
            .waitForFunction(ALL_COUNTS_SHOWN, undefined, { timeout: DASHBOARD_TIMEOUT_MS })
            .then(
              () => true,
              () => false,
            )
          const t3 = performance.now()
          const onThisClock = (pageMs: number): number =>
            times.timeOrigin + pageMs - performance.timeOrigin - t0
          // Painted after the server printed its address and before this process heard of it:
          // anything else would mean the two clocks disagree.
          if (!(onThisClock(times.painted) > t1 - t0 && onThisClock(times.painted) <= t2 - t0))
            throw new Error(
              `the page's clock disagrees with this process's: painted at ${onThisClock(times.painted).toFixed(0)} ms, address at ${(t1 - t0).toFixed(0)} ms, message received at ${(t2 - t0).toFixed(0)} ms`,
            )
          if (i >= 0) {
            total.push(onThisClock(times.painted))
            serverUp.push(t1 - t0)
            if (cpuAtAddress !== null) serverCpu.push(cpuAtAddress)
            inDom.push(onThisClock(times.shown))
            if (allShown) dashboardDone.push(t3 - t0)
            else dashboardTimedOut++
          }
        } finally {
          await stop(child)
          await context.close()
        }
      }
    } finally {
      await browser.close()
    }
    const s = stats(total)
    return [
      {
        id: 'browser-start',
        name: 'browser mode: first screen usable after start',
        unit: 'ms',
        target: '< 1.5 s',
        value: s.median,
        stats: s,
        met: s.median < 1500,
        params: { learners: fixture.result.counts.learner ?? 0, runs: total.length },
        extra: {
          'serve started (address printed) median ms': stats(serverUp).median,
          'serve CPU time until then median ms': serverCpu.length ? stats(serverCpu).median : '-',
          'learner count in the DOM (before its paint) median ms': stats(inDom).median,
          'whole dashboard loaded median ms': dashboardDone.length ? stats(dashboardDone).median : '-',
          [`runs whose whole dashboard took over ${DASHBOARD_TIMEOUT_MS / 1000} s`]: dashboardTimedOut,
        },
      },
    ]
  },
}
