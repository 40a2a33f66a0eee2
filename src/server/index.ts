import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { openTessera, type OpenTesseraOptions, type Tessera } from '../core/app'
import { createRequestHandler, type Dispatcher } from './http-handler'
import { defaultRendererDir } from './static-files'

export interface ServeOptions {
  /** Port to listen on; 0 picks a free one. */
  port?: number
  /** The built renderer; default `out/renderer` of this checkout. */
  staticDir?: string
  /** Fixed token (tests); default: 32 random bytes, new for every run. */
  token?: string
  maxBodyBytes?: number
}

export interface RunningServer {
  /** `http://127.0.0.1:PORT` */
  origin: string
  /** The address to open: origin plus `#token=…`, which the UI reads once and removes. */
  url: string
  token: string
  port: number
  close(): Promise<void>
}

/** Browser mode only ever listens on the loopback interface. */
export const HOST = '127.0.0.1'

export const newToken = (): string => crypto.randomBytes(32).toString('base64url')

/**
 * Serves an already open Tessera (and the built UI) over HTTP on 127.0.0.1. The caller keeps
 * ownership of `tessera`: closing the server does not close the database.
 */
export async function serveTessera(tessera: Dispatcher, opts: ServeOptions = {}): Promise<RunningServer> {
  const token = opts.token ?? newToken()
  const staticDir = path.resolve(opts.staticDir ?? defaultRendererDir())
  let allowed: ReadonlySet<string> = new Set()
  const server = http.createServer(
    createRequestHandler({
      tessera,
      token,
      staticDir,
      allowedHosts: () => allowed,
      maxBodyBytes: opts.maxBodyBytes,
    }),
  )
  // Long uploads on slow old laptops: no request timeout, but don't keep idle sockets forever.
  server.requestTimeout = 0
  server.keepAliveTimeout = 5_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, HOST, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  allowed = new Set([`${HOST}:${port}`, `localhost:${port}`])
  const origin = `http://${HOST}:${port}`
  return {
    origin,
    url: `${origin}/#token=${token}`,
    token,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()))
        server.closeAllConnections()
      }),
  }
}

export interface StartServerOptions extends ServeOptions, Omit<OpenTesseraOptions, 'dbFile'> {
  dbFile: string
}

/** Opens the database and serves it; `close()` stops the server and then closes the database. */
export async function startServer(opts: StartServerOptions): Promise<RunningServer & { tessera: Tessera }> {
  const staticDir = path.resolve(opts.staticDir ?? defaultRendererDir())
  if (!fs.existsSync(path.join(staticDir, 'index.html'))) {
    throw new Error(
      `The app's user interface is not built (no ${path.join(staticDir, 'index.html')}): run \`npm run build\` first`,
    )
  }
  const { port, token, maxBodyBytes, staticDir: _s, ...openOpts } = opts
  const tessera = openTessera(openOpts)
  try {
    const running = await serveTessera(tessera, { port, token, maxBodyBytes, staticDir })
    return {
      ...running,
      tessera,
      async close() {
        try {
          await running.close()
        } finally {
          tessera.close()
        }
      },
    }
  } catch (e) {
    tessera.close()
    throw e
  }
}
