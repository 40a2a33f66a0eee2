import { useSyncExternalStore, type AnchorHTMLAttributes, type ReactNode } from 'react'

/*
 * A tiny hash router: `#/learners`, `#/settings`… Hash URLs work unchanged from `app://tessera/`
 * and from the browser-mode server (no server-side routes), and cost no dependency.
 */

export const DEFAULT_PATH = '/start'

let navigated = false
window.addEventListener('hashchange', () => {
  navigated = true
})

/** True once the user has moved between screens (not on the first screen after loading). */
export const hasNavigated = (): boolean => navigated

/** Marks the next screen as reached by navigation (e.g. after first-run setup), so it takes focus. */
export const markNavigated = (): void => {
  navigated = true
}

const subscribe = (onChange: () => void): (() => void) => {
  window.addEventListener('hashchange', onChange)
  return () => window.removeEventListener('hashchange', onChange)
}

/** The current path, e.g. `/learners` (the part after `#`, without a query). */
export function currentPath(): string {
  const raw = window.location.hash.replace(/^#/, '')
  if (!raw.startsWith('/')) return DEFAULT_PATH
  return raw.split('?')[0] || DEFAULT_PATH
}

export const usePath = (): string => useSyncExternalStore(subscribe, currentPath)

export function navigate(path: string): void {
  window.location.hash = '#' + path
}

export const hrefFor = (path: string): string => '#' + path

interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  to: string
  children: ReactNode
}

export function Link({ to, children, ...rest }: LinkProps): ReactNode {
  return (
    <a href={hrefFor(to)} {...rest}>
      {children}
    </a>
  )
}
