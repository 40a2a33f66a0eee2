import type { OpOutput } from '../../contract/ops'
import { api } from './api'

/*
 * The first screen waits for `system.status`, so it is asked for before anything else of the app
 * runs: main.tsx imports this module first, so the request leaves while React, i18n and the screens
 * are still being evaluated (a few hundred ms on an old laptop), not after them. This module and
 * its imports (the transport) are all that runs before the request.
 */

let first: Promise<OpOutput<'system.status'>> | null = api.call('system.status')
// Not an unhandled rejection if it fails before the status provider takes it (the provider shows it).
first.catch(() => undefined)

/** The early answer, once (the status provider's first load); later loads ask again. */
export function takeFirstStatus(): Promise<OpOutput<'system.status'>> | null {
  const taken = first
  first = null
  return taken
}
