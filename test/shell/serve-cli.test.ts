import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli'
import { openTempTessera, tempDir } from '../helpers/temp-db'

const BIN = path.resolve(import.meta.dirname, '../../bin/tessera.mjs')

function fakeUi(): string {
  const dir = path.join(tempDir('tessera-ui-'), 'ui')
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Tessera UI</title>')
  return dir
}

describe('tessera serve (a real CLI process)', () => {
  it('prints its address with the token, serves the API and the UI, and stops cleanly on Ctrl-C', async () => {
    const dbFile = path.join(tempDir(), 'serve.db')
    const child = spawn(
      process.execPath,
      [BIN, '--db', dbFile, '--json', 'serve', '--port', '0', '--no-open'],
      {
        env: { ...process.env, TESSERA_RENDERER_DIR: fakeUi(), TESSERA_DB: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let out = ''
    let err = ''
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('\n')) resolve(out.split('\n')[0]!)
      })
      void exited.then(() => reject(new Error(`serve exited early: ${out}${err}`)))
    })
    const started = JSON.parse(line) as { url: string; origin: string; token: string; databaseFile: string }
    expect(started.url).toBe(`${started.origin}/#token=${started.token}`)
    expect(started.databaseFile).toBe(dbFile)

    const status = await fetch(`${started.origin}/api/system.status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${started.token}`, 'content-type': 'application/json' },
      body: '{}',
    })
    expect(await status.json()).toMatchObject({
      ok: true,
      value: { initialized: false, databaseFile: dbFile },
    })
    expect(await (await fetch(started.origin + '/')).text()).toContain('Tessera UI')
    expect((await fetch(`${started.origin}/api/system.status`, { method: 'POST', body: '{}' })).status).toBe(
      401,
    )

    child.kill('SIGINT')
    expect(await exited).toBe(0)
    // The database lock was released: another process can open it for writing.
    expect((await openTempTessera({ dbFile }).call('system.status', {})).databaseFile).toBe(dbFile)
  })

  it('says to build the UI first when it is missing, and exits 1', () => {
    const r = runCli(['--db', path.join(tempDir(), 'x.db'), 'serve', '--port', '0', '--no-open'], {
      env: { TESSERA_RENDERER_DIR: path.join(tempDir(), 'not-built') },
    })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/not built.*npm run build/)
  })

  it('treats a bad --port as a usage error (exit 2)', () => {
    const r = runCli(['serve', '--port', 'eighty'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--port/)
  })
})
