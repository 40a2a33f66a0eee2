import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { isAppUrl, isSafeExternalUrl } from '../../src/main/app-url'
import {
  decideWindowOpen,
  hardenSession,
  hardenWebContents,
  isNavigationAllowed,
  isPermissionAllowed,
} from '../../src/main/security'
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_META, securityHeaders } from '../../src/server/csp'

const directives = (csp: string): Map<string, string[]> =>
  new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name!, values]),
  )

describe('the Content-Security-Policy', () => {
  const csp = directives(CONTENT_SECURITY_POLICY)

  it('denies by default and allows scripts, styles and connections from the app itself only', () => {
    expect(csp.get('default-src')).toEqual(["'none'"])
    expect(csp.get('script-src')).toEqual(["'self'"])
    expect(csp.get('style-src')).toEqual(["'self'"])
    expect(csp.get('connect-src')).toEqual(["'self'"])
    expect(csp.get('object-src')).toEqual(["'none'"])
    expect(csp.get('base-uri')).toEqual(["'none'"])
    expect(csp.get('form-action')).toEqual(["'none'"])
    expect(csp.get('frame-ancestors')).toEqual(["'none'"])
  })

  it('allows no inline or evaluated code and no remote source anywhere', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|wasm-unsafe-eval|https?:|\*/)
  })

  it('is the same in index.html (less frame-ancestors, which a <meta> cannot carry)', () => {
    const html = fs.readFileSync(path.join(import.meta.dirname, '../../src/renderer/index.html'), 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    expect(meta).toBe(CONTENT_SECURITY_POLICY_META)
    expect(new Map([...directives(CONTENT_SECURITY_POLICY_META)])).toEqual(
      new Map([...csp].filter(([k]) => k !== 'frame-ancestors')),
    )
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/) // no inline <script> blocks
  })

  it('goes out with nosniff, no-referrer and no framing', () => {
    expect(securityHeaders()).toMatchObject({
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    })
  })
})

describe('URL predicates', () => {
  it.each([
    ['app://tessera/index.html', true],
    ['app://tessera/assets/index.js?x#y', true],
    ['app://tessera', true],
    ['app://tessera.evil/index.html', false],
    ['app://evil.com/tessera', false],
    ['app://user:pw@tessera/', false],
    ['https://tessera/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('isAppUrl(%s) is %s', (url, expected) => {
    expect(isAppUrl(url)).toBe(expected)
    expect(isNavigationAllowed(url)).toBe(expected)
  })

  it('knows the dev server only when told', () => {
    expect(isAppUrl('http://localhost:5173/#/start')).toBe(false)
    expect(isAppUrl('http://localhost:5173/#/start', 'http://localhost:5173')).toBe(true)
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false)
  })

  it.each([
    ['https://www.1edtech.org/standards/open-badges', true],
    ['http://example.org/', false],
    ['https://user:pw@example.org/', false],
    ['file:///C:/Windows/system32/calc.exe', false],
    ['javascript:alert(1)', false],
    ['smb://server/share', false],
  ])('isSafeExternalUrl(%s) is %s', (url, expected) => {
    expect(isSafeExternalUrl(url)).toBe(expected)
  })

  it('denies every new window and sends only safe links to the system browser', () => {
    expect(decideWindowOpen('https://example.org/help')).toEqual({
      action: 'deny',
      openExternally: 'https://example.org/help',
    })
    expect(decideWindowOpen('app://tessera/index.html')).toEqual({ action: 'deny', openExternally: null })
    expect(decideWindowOpen('file:///etc/passwd')).toEqual({ action: 'deny', openExternally: null })
  })

  it('allows only camera/microphone, and only for the app', () => {
    expect(isPermissionAllowed('media', 'app://tessera/index.html')).toBe(true)
    expect(isPermissionAllowed('media', 'https://evil.example/')).toBe(false)
    for (const p of [
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'hid',
      'usb',
      'serial',
      'fileSystem',
    ]) {
      expect(isPermissionAllowed(p, 'app://tessera/index.html')).toBe(false)
    }
  })
})

describe('hardenWebContents and hardenSession', () => {
  type Listener = (event: { preventDefault(): void; defaultPrevented?: boolean }, url: string) => void

  function fakeContents() {
    const listeners = new Map<string, Listener>()
    let openHandler: ((d: { url: string }) => { action: string }) | undefined
    return {
      contents: {
        on: (event: string, l: Listener) => listeners.set(event, l),
        setWindowOpenHandler: (h: typeof openHandler) => {
          openHandler = h
        },
      },
      fire(event: string, url = ''): boolean {
        let prevented = false
        listeners.get(event)?.({ preventDefault: () => (prevented = true) }, url)
        return prevented
      },
      open: (url: string) => openHandler!({ url }),
    }
  }

  it('blocks navigation and redirects away from the app, webviews, and new windows', () => {
    const f = fakeContents()
    const opened: string[] = []
    hardenWebContents(f.contents as never, (u) => opened.push(u))
    expect(f.fire('will-navigate', 'https://evil.example/')).toBe(true)
    expect(f.fire('will-redirect', 'file:///etc/passwd')).toBe(true)
    expect(f.fire('will-navigate', 'app://tessera/index.html')).toBe(false)
    expect(f.fire('will-attach-webview')).toBe(true)
    expect(f.open('https://example.org/')).toEqual({ action: 'deny' })
    expect(f.open('http://example.org/')).toEqual({ action: 'deny' })
    expect(opened).toEqual(['https://example.org/'])
  })

  it('answers permission requests and checks with the same rule', () => {
    let request:
      ((wc: unknown, p: string, cb: (ok: boolean) => void, d: { requestingUrl?: string }) => void) | undefined
    let check: ((wc: unknown, p: string, origin: string) => boolean) | undefined
    hardenSession({
      setPermissionRequestHandler: (h: never) => (request = h),
      setPermissionCheckHandler: (h: never) => (check = h),
    } as never)
    const wc = { getURL: () => 'app://tessera/index.html' }
    const answers: boolean[] = []
    request!(wc, 'media', (ok) => answers.push(ok), { requestingUrl: 'app://tessera/index.html' })
    request!(wc, 'geolocation', (ok) => answers.push(ok), { requestingUrl: 'app://tessera/index.html' })
    request!(wc, 'media', (ok) => answers.push(ok), { requestingUrl: 'https://evil.example/' })
    expect(answers).toEqual([true, false, false])
    expect(check!(wc, 'media', 'app://tessera')).toBe(true)
    expect(check!(wc, 'notifications', 'app://tessera')).toBe(false)
  })
})
