import type { OpOutput } from '../../contract/ops'
import { api } from './api'
import { startLoadingInitialTexts } from './i18n/languages'

/*
 * The first screen waits for `system.status`, so it is asked for before anything else of the app
 * runs. In a build this module is an entry of its own (electron.vite.config.ts), loaded by an
 * `async` script in index.html: its small chunk (this module and the transport) runs as soon as it
 * arrives, while the main bundle (React, i18n, the first screen) is still downloading. main.tsx
 * imports it too (first, so `electron-vite dev` behaves the same); both load the same chunk, so
 * this module runs once and there is one transport and one request.
 */

let first: Promise<OpOutput<'system.status'>> | null = api.call('system.status')
let arrived: OpOutput<'system.status'> | undefined
// Kept for a synchronous look; a failure is no unhandled rejection (the provider shows it).
first.then(
  (status) => (arrived = status),
  () => undefined,
)

/*
 * While the answer is on its way, what the first render needs and can start now: the saved
 * language's texts (i18n/languages.ts) and the number data. A page's first `Intl.NumberFormat`
 * costs 40-300 ms on this machine (the number data is loaded then; later ones, in any language,
 * take under 1 ms), and the first screen formats its counts with one: paid now, it overlaps the
 * server's work instead of following the answer.
 */
startLoadingInitialTexts()
new Intl.NumberFormat().format(0)

/** The early answer, once (the status provider's first load); later loads ask again. */
export function takeFirstStatus(): Promise<OpOutput<'system.status'>> | null {
  const taken = first
  first = null
  return taken
}

/**
 * The early answer if it is already here and not yet taken: usually it is by the time React
 * renders, and the first render can then show the screen itself instead of "Loading".
 */
export function firstStatusIfArrived(): OpOutput<'system.status'> | undefined {
  return first ? arrived : undefined
}
