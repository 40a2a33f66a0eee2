import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { NDJSON, type StreamLine } from '../../src/contract/transports/http-transport'
import { serveTessera, startServer, type RunningServer } from '../../src/server'
import { CONTENT_SECURITY_POLICY } from '../../src/server/csp'
import { openInitializedTessera, openTempTessera, tempDir } from '../helpers/temp-db'

const running: RunningServer[] = []
afterEach(async () => {
  for (const s of running.splice(0)) await s.close()
})

/** A built-UI stand-in, and a file next to it that must never be served. */
function fakeUi(): string {
  const dir = tempDir('tessera-ui-')
  fs.mkdirSync(path.join(dir, 'ui', 'assets'), { recursive: true })
  fs.writeFileSync(path.join(dir, 'ui', 'index.html'), '<!doctype html><title>Tessera</title>')
  fs.writeFileSync(path.join(dir, 'ui', 'assets', 'index-abc123.js'), 'export {}')
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'TOP SECRET')
  return path.join(dir, 'ui')
}

async function serve(opts: { initialized?: boolean; maxBodyBytes?: number } = {}) {
  const tessera = opts.initialized ? await openInitializedTessera() : openTempTessera()
  const server = await serveTessera(tessera, { staticDir: fakeUi(), maxBodyBytes: opts.maxBodyBytes })
  running.push(server)
  return { tessera, server }
}

interface RawResponse {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/** A raw HTTP request (fetch would normalise the path and forbids setting Host). */
function request(
  server: RunningServer,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: opts.headers,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
      },
    )
    req.on('error', reject)
    if (opts.body) req.write(opts.body)
    req.end()
  })
}

const api = (
  server: RunningServer,
  op: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse> =>
  request(server, {
    method: 'POST',
    path: `/api/${op}`,
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input),
  })

describe('the browser-mode HTTP server', () => {
  it('listens on 127.0.0.1 only, and prints an address carrying the token in its fragment', async () => {
    const { server } = await serve()
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.url).toBe(`${server.origin}/#token=${server.token}`)
    expect(server.token).toMatch(/^[\w-]{43}$/)
  })

  it('answers API calls only with the right bearer token', async () => {
    const { server } = await serve()
    const none = await request(server, {
      method: 'POST',
      path: '/api/system.status',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(none.status).toBe(401)
    expect(JSON.parse(none.body)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const wrong = await api(
      server,
      'system.status',
      {},
      { authorization: `Bearer ${server.token.slice(0, -1)}x` },
    )
    expect(wrong.status).toBe(401)
    const right = await api(server, 'system.status', {})
    expect(right.status).toBe(200)
    expect(JSON.parse(right.body)).toMatchObject({ ok: true, value: { initialized: false } })
    expect(right.headers['cache-control']).toBe('no-store')
  })

  it('refuses requests naming another host or coming from another origin (DNS rebinding)', async () => {
    const { server } = await serve()
    const foreign: Record<string, string>[] = [
      { host: 'evil.example' },
      { host: `evil.example:${server.port}` },
      { origin: 'http://evil.example' },
      { origin: `http://127.0.0.1:${server.port + 1}` },
    ]
    for (const headers of foreign) {
      const r = await api(server, 'system.status', {}, headers)
      expect(r.status, JSON.stringify(headers)).toBe(403)
      const page = await request(server, { path: '/', headers })
      expect(page.status, JSON.stringify(headers)).toBe(403)
    }
    expect(
      (
        await api(
          server,
          'system.status',
          {},
          { host: `localhost:${server.port}`, origin: `http://localhost:${server.port}` },
        )
      ).status,
    ).toBe(200)
  })

  it('returns invalid input as a validation Result with field paths', async () => {
    const { server } = await serve()
    const r = await api(server, 'system.init', { organization: { name: '', email: 'x', url: 'ftp://a' } })
    expect(r.status).toBe(200)
    const body = JSON.parse(r.body)
    expect(body).toMatchObject({ ok: false, error: { code: 'validation' } })
    expect(body.error.issues.map((i: { path: unknown[] }) => i.path)).toEqual(
      expect.arrayContaining([
        ['organization', 'name'],
        ['organization', 'email'],
        ['organization', 'url'],
      ]),
    )
    const notJson = await request(server, {
      method: 'POST',
      path: '/api/system.status',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: '{oops',
    })
    expect(notJson.status).toBe(400)
    expect(JSON.parse(notJson.body)).toMatchObject({ ok: false, error: { code: 'validation' } })
    const form = await api(server, 'system.status', {}, { 'content-type': 'text/plain' })
    expect(form.status).toBe(415)
  })

  it('passes typed errors through intact, and unknown ops as not_found', async () => {
    const { server, tessera } = await serve({ initialized: true })
    const conflict = JSON.parse((await api(server, 'system.init', { organization: { name: 'Again' } })).body)
    expect(conflict).toEqual(await tessera.dispatch('system.init', { organization: { name: 'Again' } }))
    expect(conflict).toMatchObject({ ok: false, error: { code: 'conflict' } })
    const unknown = JSON.parse((await api(server, 'system.formatDisk', {})).body)
    expect(unknown).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'Unknown operation "system.formatDisk"' },
    })
    expect(
      (
        await request(server, {
          path: '/api/system.status',
          headers: { authorization: `Bearer ${server.token}` },
        })
      ).status,
    ).toBe(405)
  })

  it('refuses bodies over the limit', async () => {
    const { server } = await serve({ maxBodyBytes: 1024 })
    const r = await api(server, 'system.init', { organization: { name: 'x'.repeat(2000) } })
    expect(r.status).toBe(413)
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'validation' } })
  })

  it('streams progress as NDJSON when asked, then the result', async () => {
    const { server } = await serve({ initialized: true })
    const csvBase64 = Buffer.from('given_name,family_name\nAmina,Diallo\nKofi,Mensah\n').toString('base64')
    const r = await api(server, 'learners.importCommit', { csvBase64 }, { accept: NDJSON })
    expect(r.headers['content-type']).toMatch(/^application\/x-ndjson/)
    const lines = r.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as StreamLine)
    const last = lines.at(-1)!
    expect(last).toMatchObject({ type: 'result', result: { ok: true } })
    expect(lines.slice(0, -1).length).toBeGreaterThan(0)
    for (const l of lines.slice(0, -1))
      expect(l).toMatchObject({
        type: 'progress',
        event: { step: expect.any(String), done: expect.any(Number), total: expect.any(Number) },
      })
  })

  it('serves the built UI with the CSP and sane caching, without a token', async () => {
    const { server } = await serve()
    const page = await request(server, { path: '/' })
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>Tessera</title>')
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect(page.headers['referrer-policy']).toBe('no-referrer')
    expect(page.headers['cache-control']).toBe('no-cache')
    const asset = await request(server, { path: '/assets/index-abc123.js' })
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(asset.headers['cache-control']).toContain('immutable')
    expect((await request(server, { path: '/nope.js' })).status).toBe(404)
    expect((await request(server, { method: 'DELETE', path: '/' })).status).toBe(405)
  })

  it('refuses path traversal, however it is spelled', async () => {
    const { server } = await serve()
    for (const p of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%5csecret.txt',
    ]) {
      const r = await request(server, { path: p })
      expect(r.status, p).toBe(404)
      expect(r.body).not.toContain('TOP SECRET')
    }
  })

  it('startServer refuses to start without a built UI and says what to run', async () => {
    const dir = tempDir()
    await expect(
      startServer({ dbFile: path.join(dir, 't.db'), staticDir: path.join(dir, 'nothing-here') }),
    ).rejects.toThrow(/npm run build/)
    expect(fs.existsSync(path.join(dir, 't.db'))).toBe(false)
  })

  it('startServer opens the database, serves it, and closes both', async () => {
    const dir = tempDir()
    const dbFile = path.join(dir, 't.db')
    const s = await startServer({ dbFile, staticDir: fakeUi(), port: 0 })
    const r = await api(s, 'system.status', {})
    expect(JSON.parse(r.body)).toMatchObject({ ok: true, value: { databaseFile: dbFile } })
    await s.close()
    await expect(request(s, { path: '/' })).rejects.toThrow()
    // The lock is released: the database opens again.
    const again = openTempTessera({ dbFile })
    expect((await again.call('system.status', {})).databaseFile).toBe(dbFile)
  })
})
