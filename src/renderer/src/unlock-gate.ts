import type { Client } from '../../contract/client'
import { TesseraError, type Result } from '../../contract/errors'
import type { OpName } from '../../contract/ops'

/**
 * Any op may need the issuer-key passphrase (issuing, rotating keys, making sync keys). When one
 * fails with `passphrase_required`, the unlock dialog is shown (once, however many calls wait on it)
 * and, if the person unlocks, the op is tried once more; if they cancel, the caller gets the
 * original error. Wrapping the client here gives every screen this without any change.
 */

export type PassphrasePurpose = 'unlock' | 'create'
/** Shows the dialog; resolves true once a passphrase is held, false if the person cancelled. */
export type UnlockPrompt = (purpose: PassphrasePurpose) => Promise<boolean>

let prompt: UnlockPrompt | null = null
let pending: Promise<boolean> | null = null

/** The dialog registers itself here while it is mounted. */
export function setUnlockPrompt(next: UnlockPrompt | null): void {
  prompt = next
}

function askOnce(purpose: PassphrasePurpose): Promise<boolean> {
  if (!prompt) return Promise.resolve(false)
  pending ??= prompt(purpose).finally(() => {
    pending = null
  })
  return pending
}

type AnyResult = (op: OpName, input?: unknown, options?: unknown) => Promise<Result<unknown>>

export function withUnlock(client: Client): Client {
  const inner = client.result as unknown as AnyResult
  const result: AnyResult = async (op, input, options) => {
    const first = await inner(op, input, options)
    // The session ops report their own errors (a wrong passphrase is `forbidden`, never this).
    if (first.ok || first.error.code !== 'passphrase_required' || op.startsWith('session.')) return first
    const purpose = first.error.details?.purpose === 'create' ? 'create' : 'unlock'
    if (!(await askOnce(purpose))) return first
    return inner(op, input, options)
  }
  return {
    result: result as unknown as Client['result'],
    call: (async (op: OpName, input?: unknown, options?: unknown) => {
      const r = await result(op, input, options)
      if (!r.ok) throw TesseraError.fromApiError(r.error)
      return r.value
    }) as unknown as Client['call'],
  }
}
