import type { Session, WebContents } from 'electron'
import { isAppUrl, isSafeExternalUrl } from './app-url'

/**
 * All of the shell's page-facing security in one place (Electron security checklist items 5, 11-15).
 * The decisions are pure functions, unit-tested under Node; the `harden*` functions only wire them.
 */

/** Camera (and microphone) for evidence photos and clips, for the app's own pages only; nothing else. */
export function isPermissionAllowed(
  permission: string,
  requestingUrl: string,
  devServerUrl?: string,
): boolean {
  return permission === 'media' && isAppUrl(requestingUrl, devServerUrl)
}

/** In-app navigation stays inside the app; everything else is refused (links open elsewhere, see below). */
export function isNavigationAllowed(targetUrl: string, devServerUrl?: string): boolean {
  return isAppUrl(targetUrl, devServerUrl)
}

export type WindowOpenDecision = { action: 'deny'; openExternally: string | null }

/** No new Electron windows ever; a plain https link goes to the system browser instead. */
export function decideWindowOpen(url: string): WindowOpenDecision {
  return { action: 'deny', openExternally: isSafeExternalUrl(url) ? url : null }
}

type PermissionSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>

export function hardenSession(session: PermissionSession, devServerUrl?: string): void {
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl ?? webContents.getURL(), devServerUrl))
  })
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin, devServerUrl),
  )
}

type HardenableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>

export function hardenWebContents(
  contents: HardenableContents,
  openExternal: (url: string) => void,
  devServerUrl?: string,
): void {
  const guardNavigation = (event: { preventDefault(): void }, url: string): void => {
    if (!isNavigationAllowed(url, devServerUrl)) event.preventDefault()
  }
  contents.on('will-navigate', guardNavigation)
  contents.on('will-redirect', guardNavigation)
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url)
    if (decision.openExternally) openExternal(decision.openExternally)
    return { action: decision.action }
  })
}
