import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test as base, expect, type Page } from '@playwright/test'

export interface TesseraServer {
  /** The address `tessera serve` printed, with `#token=…`. */
  url: string
  /** `http://127.0.0.1:PORT` */
  origin: string
  dbFile: string
  /** Milliseconds from spawning the server to its printed URL. */
  startupMs: number
}

const repoRoot = path.resolve(import.meta.dirname, '..', '..')

/** The bundled CLI `npm run build` makes and `npm run start:web` runs (scripts/build-cli.mjs). */
const BUILT_CLI = path.join('out', 'cli', 'tessera.mjs')

/**
 * Starts the real CLI as `npm run start:web` does (the built bundle), `tessera serve --port 0`, and
 * waits for the URL it prints. The passphrase
 * comes from TESSERA_PASSPHRASE, as in scripts; `passphrase: null` starts it as a trainer does,
 * without one, so the page must ask.
 */
export async function startServer(
  dbFile: string,
  opts: { passphrase?: string | null } = {},
): Promise<{ server: TesseraServer; child: ChildProcess; output: () => string }> {
  for (const built of [path.join('out', 'renderer', 'index.html'), BUILT_CLI]) {
    if (!fs.existsSync(path.join(repoRoot, built)))
      throw new Error(`${built} is missing: run \`npm run build\` before the e2e tests`)
  }
  const started = Date.now()
  const child = spawn(process.execPath, [BUILT_CLI, '--db', dbFile, 'serve', '--port', '0', '--no-open'], {
    cwd: repoRoot,
    env: serverEnv(opts.passphrase === undefined ? 'e2e passphrase' : opts.passphrase),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`tessera serve printed no URL within 30 s:\n${out}`)),
      30_000,
    )
    const check = (): void => {
      const m = /http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[0])
      }
    }
    child.stdout.on('data', check)
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`tessera serve exited with ${code}:\n${out}`))
    })
  })
  const origin = url.slice(0, url.indexOf('/#'))
  return { server: { url, origin, dbFile, startupMs: Date.now() - started }, child, output: () => out }
}

function serverEnv(passphrase: string | null): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TESSERA_PASSPHRASE: passphrase ?? undefined }
  if (passphrase === null) delete env.TESSERA_PASSPHRASE
  return env
}

export function stop(child: ChildProcess): Promise<void> {
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

/** `server`: a fresh database and its own `tessera serve` per test; `app`: the page opened on it. */
export const test = base.extend<{ server: TesseraServer; app: Page }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright needs the destructuring pattern
  server: async ({}, use, testInfo) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-'))
    const { server, child, output } = await startServer(path.join(dir, 'tessera.db'))
    try {
      await use(server)
    } finally {
      await stop(child)
      if (testInfo.status !== testInfo.expectedStatus)
        await testInfo.attach('tessera-serve.log', { body: output(), contentType: 'text/plain' })
      fs.rmSync(dir, { recursive: true, force: true })
    }
  },
  app: async ({ page, server }, use) => {
    await page.goto(server.url)
    await use(page)
  },
})

export { expect }
