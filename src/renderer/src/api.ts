import { createClient, type Client } from '../../contract/client'
import { httpTransport } from '../../contract/transports/http-transport'
import { ipcTransport } from '../../contract/transports/ipc-transport'
import { withUnlock } from './unlock-gate'

/*
 * THE transport switch, the only place in the UI that knows there are two: inside the desktop app
 * the preload has put `window.tessera` (Electron IPC); otherwise this page was served by
 * `tessera serve` and calls it over HTTP with the per-run token. Every screen uses `api` and never
 * sees which.
 */

const TOKEN_KEY = 'tessera.token'

/**
 * Browser mode: `tessera serve` prints `http://127.0.0.1:PORT/#token=…`. The token is read from the
 * fragment once (fragments are never sent to a server or put in Referer), kept in sessionStorage
 * for reloads of this tab, and removed from the address bar so it is not bookmarked or shared.
 */
export function takeToken(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash)
  if (match?.[1]) {
    const token = decodeURIComponent(match[1])
    window.history.replaceState(null, '', window.location.pathname + window.location.search)
    // Stored once the current script is done (still before any other task, so before any reload):
    // a page's first storage access waits for the browser process (5-250 ms measured), and the
    // first request (first-status.ts) should not wait for it.
    queueMicrotask(() => {
      try {
        sessionStorage.setItem(TOKEN_KEY, token)
      } catch {
        // private mode without storage: the token lives only in memory for this page
      }
    })
    return token
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY)
  } catch {
    return null
  }
}

export type TransportKind = 'ipc' | 'http'

function connect(): { api: Client; kind: TransportKind; hasToken: boolean } {
  if (window.tessera) return { api: createClient(ipcTransport(window.tessera)), kind: 'ipc', hasToken: true }
  const token = takeToken()
  return {
    api: createClient(httpTransport({ baseUrl: window.location.origin, token: token ?? '' })),
    kind: 'http',
    hasToken: token !== null,
  }
}

const connection = connect()

/** Every op call; one that needs the issuer-key passphrase opens the unlock dialog and is retried once. */
export const api: Client = withUnlock(connection.api)
export const transportKind: TransportKind = connection.kind
/** False in browser mode when the page was opened without its token (nothing will work). */
export const hasAccessToken: boolean = connection.hasToken
