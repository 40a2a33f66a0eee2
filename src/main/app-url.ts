/**
 * The desktop app's own origin. The built UI is served from `app://tessera/`, a privileged custom
 * scheme (Electron security checklist item 18: no file://), which gives CSP and sender checks a
 * real origin to compare against.
 */
export const APP_SCHEME = 'app'
export const APP_HOST = 'tessera'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/**
 * True for URLs of the app itself: `app://tessera/...`, or (only when given, in `electron-vite dev`)
 * the dev server's origin. Parsed with `URL`, never prefix-matched, and URLs with credentials are
 * refused, so `app://tessera@evil/` or `app://tessera.evil/` never pass.
 *
 * Note `new URL('app://x/').origin` is the string "null" for non-special schemes, so the scheme and
 * host are compared instead of the origin.
 */
export function isAppUrl(raw: string, devServerUrl?: string): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  if (url.username || url.password) return false
  if (url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST) return true
  if (devServerUrl) {
    try {
      const dev = new URL(devServerUrl)
      return url.protocol === dev.protocol && url.host === dev.host
    } catch {
      return false
    }
  }
  return false
}

/** Links the app may hand to the system browser: plain https URLs without credentials. */
export function isSafeExternalUrl(raw: string): boolean {
  try {
    const url = new URL(raw)
    return url.protocol === 'https:' && !url.username && !url.password && url.hostname.length > 0
  } catch {
    return false
  }
}
