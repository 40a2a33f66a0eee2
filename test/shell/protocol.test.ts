import fs from 'node:fs'
import path from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { handleAppRequest } from '../../src/main/protocol'
import { CONTENT_SECURITY_POLICY } from '../../src/server/csp'
import { resolveStaticPath } from '../../src/server/static-files'
import { tempDir } from '../helpers/temp-db'

describe('resolveStaticPath', () => {
  const root = path.resolve('/srv/ui')
  it.each([
    ['/', path.join(root, 'index.html')],
    ['', path.join(root, 'index.html')],
    ['/assets/index-abc.js', path.join(root, 'assets', 'index-abc.js')],
    ['/assets/a%20b.png', path.join(root, 'assets', 'a b.png')],
  ])('maps %j inside the root', (url, expected) => {
    expect(resolveStaticPath(root, url)).toBe(expected)
  })

  it.each([
    '/../etc/passwd',
    '/assets/../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/..%2f..%2fetc%2fpasswd',
    '/..%5c..%5cwindows',
    '/a%00.html',
    '/%E0%A4%A',
    '/..',
  ])('refuses %j', (url) => {
    expect(resolveStaticPath(root, url)).toBeNull()
  })
})

describe('the app:// protocol handler', () => {
  let dir: string
  beforeEach(() => {
    dir = tempDir('tessera-protocol-')
    fs.mkdirSync(path.join(dir, 'ui', 'assets'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'ui', 'index.html'), '<!doctype html><title>t</title>')
    fs.writeFileSync(path.join(dir, 'ui', 'assets', 'app.js'), 'console.log(1)')
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'do not serve')
  })

  it('serves the built UI with the CSP and the right content types', async () => {
    const index = await handleAppRequest(new Request('app://tessera/'), path.join(dir, 'ui'))
    expect(index.status).toBe(200)
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(index.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await index.text()).toContain('<title>t</title>')
    const js = await handleAppRequest(new Request('app://tessera/assets/app.js'), path.join(dir, 'ui'))
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
  })

  it('refuses paths out of the UI folder, other hosts, missing files and writes', async () => {
    const ui = path.join(dir, 'ui')
    for (const url of [
      'app://tessera/%2e%2e/secret.txt',
      'app://tessera/..%2fsecret.txt',
      'app://other/index.html',
      'app://tessera/missing.js',
      'app://tessera/assets',
    ]) {
      const r = await handleAppRequest(new Request(url), ui)
      expect(r.status, url).toBe(404)
      expect(await r.text()).not.toContain('do not serve')
    }
    expect(
      (await handleAppRequest(new Request('app://tessera/index.html', { method: 'POST', body: 'x' }), ui))
        .status,
    ).toBe(405)
  })
})
