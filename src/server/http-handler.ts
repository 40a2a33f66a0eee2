import crypto from 'node:crypto'
import fs from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ApiError, Result } from '../contract/errors'
import type { ProgressEvent } from '../contract/progress'
import { NDJSON, type StreamLine } from '../contract/transports/http-transport'
import { cacheControlFor, mimeTypeOf, resolveStaticPath } from './static-files'
import { securityHeaders } from './csp'

/** What the handler needs from an open Tessera: the untyped, validating entry point. */
export interface Dispatcher {
  dispatch(
    op: string,
    input: unknown,
    call?: { progress?: (e: ProgressEvent) => void; signal?: AbortSignal },
  ): Promise<Result<unknown>>
}

export interface HandlerOptions {
  tessera: Dispatcher
  /** The per-run secret every API request must carry as `Authorization: Bearer <token>`. */
  token: string
  /** The built renderer (index.html + assets). */
  staticDir: string
  /** The `host:port` values this server answers to (DNS-rebinding defence). Set once the port is known. */
  allowedHosts: () => ReadonlySet<string>
  /** Largest accepted request body; evidence photos travel as base64 inside JSON. */
  maxBodyBytes?: number
}

export const DEFAULT_MAX_BODY_BYTES = 40 * 1024 * 1024

const apiError = (code: ApiError['code'], message: string): Result<never> => ({
  ok: false,
  error: { code, message },
})

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  extra: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body)
  res.writeHead(status, {
    ...securityHeaders(),
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(payload)),
    'cache-control': 'no-store',
    ...extra,
  })
  res.end(payload)
}

function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...securityHeaders(),
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    ...extra,
  })
  res.end(text)
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/.exec(header ?? '')
  if (!match?.[1]) return false
  const given = Buffer.from(match[1])
  const expected = Buffer.from(token)
  return given.length === expected.length && crypto.timingSafeEqual(given, expected)
}

/**
 * A browser only sends its own origin, so a page from another site (or one that rebinds its DNS
 * name to 127.0.0.1) shows up with a foreign Host or Origin header and is refused before anything else.
 */
export function hostAllowed(req: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const host = req.headers.host
  if (!host || !allowed.has(host.toLowerCase())) return false
  const origin = req.headers.origin
  if (origin === undefined) return true
  try {
    const u = new URL(origin)
    return u.protocol === 'http:' && allowed.has(u.host.toLowerCase())
  } catch {
    return false
  }
}

class BodyTooLarge extends Error {}

const formatBytes = (n: number): string =>
  n >= 1024 * 1024 ? `${Math.round(n / 1024 / 1024)} MB` : `${Math.ceil(n / 1024)} KB`

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLarge())
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      if (size > limit) return // already refused: discard the rest until the socket closes
      size += chunk.length
      if (size > limit) {
        chunks.length = 0
        reject(new BodyTooLarge())
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/**
 * The browser-mode request handler: static files of the built UI, and `POST /api/<op>` carrying
 * the contract's JSON input and answering with its `Result` (errors as data, HTTP 200), or an
 * NDJSON stream of progress lines then the result when the client accepts `application/x-ndjson`.
 * Transport-level refusals (wrong host, no token, body too big) use HTTP status codes, still with a
 * `Result` body so clients can show the message.
 */
export function createRequestHandler(
  opts: HandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES

  async function handleApi(req: IncomingMessage, res: ServerResponse, op: string): Promise<void> {
    if (req.method !== 'POST')
      return sendJson(res, 405, apiError('validation', 'Use POST for API calls'), { allow: 'POST' })
    if (!tokenMatches(req.headers.authorization, opts.token)) {
      return sendJson(
        res,
        401,
        apiError('forbidden', 'Missing or wrong access token: open the address printed by `tessera serve`'),
        {
          'www-authenticate': 'Bearer',
        },
      )
    }
    const type = req.headers['content-type'] ?? ''
    if (!/^application\/json\b/i.test(type)) {
      return sendJson(res, 415, apiError('validation', 'API calls must send Content-Type: application/json'))
    }
    let input: unknown
    try {
      const body = await readBody(req, limit)
      input = body.length ? JSON.parse(body.toString('utf8')) : undefined
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        // Answer first, then drop the connection rather than read the rest of an oversized upload.
        res.once('finish', () => req.destroy())
        return sendJson(
          res,
          413,
          apiError('validation', `The request is larger than ${formatBytes(limit)}`),
          { connection: 'close' },
        )
      }
      return sendJson(res, 400, apiError('validation', 'The request body is not valid JSON'))
    }

    const abort = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished) abort.abort()
    })

    if ((req.headers.accept ?? '').includes(NDJSON)) {
      res.writeHead(200, {
        ...securityHeaders(),
        'content-type': `${NDJSON}; charset=utf-8`,
        'cache-control': 'no-store',
      })
      const write = (line: StreamLine): void => {
        if (!res.writableEnded) res.write(JSON.stringify(line) + '\n')
      }
      const result = await opts.tessera.dispatch(op, input, {
        progress: (event) => write({ type: 'progress', event }),
        signal: abort.signal,
      })
      write({ type: 'result', result })
      res.end()
      return
    }
    const result = await opts.tessera.dispatch(op, input, { signal: abort.signal })
    sendJson(res, 200, result)
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendText(res, 405, 'Method not allowed', { allow: 'GET, HEAD' })
    const file = resolveStaticPath(opts.staticDir, pathname)
    if (!file) return sendText(res, 404, 'Not found')
    let stat: fs.Stats
    try {
      stat = await fs.promises.stat(file)
    } catch {
      return sendText(res, 404, 'Not found')
    }
    if (!stat.isFile()) return sendText(res, 404, 'Not found')
    res.writeHead(200, {
      ...securityHeaders(),
      'content-type': mimeTypeOf(file),
      'content-length': String(stat.size),
      'cache-control': cacheControlFor(file),
    })
    if (req.method === 'HEAD') return void res.end()
    fs.createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res)
  }

  return (req, res) => {
    const run = async (): Promise<void> => {
      if (!hostAllowed(req, opts.allowedHosts())) {
        return sendJson(
          res,
          403,
          apiError('forbidden', 'This Tessera server only answers to its own address'),
        )
      }
      let pathname: string
      try {
        pathname = new URL(req.url ?? '/', 'http://localhost').pathname
      } catch {
        return sendText(res, 400, 'Bad request')
      }
      if (pathname.startsWith('/api/')) {
        const raw = pathname.slice('/api/'.length)
        let op = raw
        try {
          op = decodeURIComponent(raw)
        } catch {
          // keep the raw text: dispatch answers "Unknown operation" for it
        }
        return handleApi(req, res, op)
      }
      return handleStatic(req, res, pathname)
    }
    run().catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, apiError('internal', (e as Error).message ?? String(e)))
      else res.destroy()
    })
  }
}
