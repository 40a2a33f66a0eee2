import path from 'node:path'
import { fileURLToPath } from 'node:url'

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
}

export const mimeTypeOf = (file: string): string =>
  MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream'

/**
 * Maps a URL path to a file inside `root`, or null when the path would leave `root` (`..`, encoded
 * `%2e%2e`, backslashes, NUL bytes) or is not a plain file name. `/` means `index.html`.
 * Shared by the HTTP server and the Electron `app://` protocol so both apply the same rule.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  if (decoded.split('/').some((segment) => segment === '..')) return null
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '')
  const base = path.resolve(root)
  const resolved = path.resolve(base, relative)
  if (resolved !== base && !resolved.startsWith(base + path.sep)) return null
  return resolved
}

/**
 * Hashed build assets never change under the same name, so browsers may keep them; the HTML
 * (which names the current hashes) must always be fetched fresh.
 */
export function cacheControlFor(file: string): string {
  return /[\\/]assets[\\/]/.test(file) && !file.endsWith('.html')
    ? 'public, max-age=31536000, immutable'
    : 'no-cache'
}

/** `TESSERA_RENDERER_DIR`, else `out/renderer` of this checkout: where `electron-vite build` puts the UI. */
export function defaultRendererDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TESSERA_RENDERER_DIR) return path.resolve(env.TESSERA_RENDERER_DIR)
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'out', 'renderer')
}
