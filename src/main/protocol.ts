import fs from 'node:fs'
import { securityHeaders } from '../server/csp'
import { mimeTypeOf, resolveStaticPath } from '../server/static-files'
import { APP_HOST, APP_SCHEME } from './app-url'

/**
 * `app://` must be registered as standard + secure before the app is ready, so pages served from it
 * get a real origin, localStorage, fetch and ES modules — like https, without a network.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
} as const

const notFound = (): Response =>
  new Response('Not found', {
    status: 404,
    headers: { ...securityHeaders(), 'content-type': 'text/plain; charset=utf-8' },
  })

/**
 * Serves the built renderer for `app://tessera/<path>`, with the same path-traversal rule and the
 * same CSP and security headers as the browser-mode server. Anything else is a 404.
 */
export async function handleAppRequest(request: Request, rendererDir: string): Promise<Response> {
  let url: URL
  try {
    url = new URL(request.url)
  } catch {
    return notFound()
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return notFound()
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 })
  const file = resolveStaticPath(rendererDir, url.pathname)
  if (!file) return notFound()
  let body: Buffer
  try {
    body = await fs.promises.readFile(file)
  } catch {
    return notFound()
  }
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: { ...securityHeaders(), 'content-type': mimeTypeOf(file), 'cache-control': 'no-cache' },
  })
}
