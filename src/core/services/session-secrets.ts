import { TesseraError } from '../../contract/errors'
import type { SecretProvider } from './context'

/**
 * What the `session.*` ops steer: a passphrase the person gave through the UI, kept in memory for
 * the life of the process. Hosts may wrap it (the desktop shell adds the OS keychain).
 */
export interface PassphraseSession {
  /** `held`: a passphrase is available without asking; `hostSupplied`: it comes from the host (e.g. TESSERA_PASSPHRASE), so the UI need not ask. */
  state(): { held: boolean; hostSupplied: boolean }
  hold(passphrase: string): void
  forget(): void
}

export interface SessionSecrets extends SecretProvider, PassphraseSession {}

export interface SessionSecretsOptions {
  /** A passphrase the host already has (TESSERA_PASSPHRASE for scripts and tests); used when none is held. */
  hostPassphrase?: string
}

export const passphraseRequired = (purpose: 'unlock' | 'create'): TesseraError =>
  new TesseraError(
    'passphrase_required',
    purpose === 'create'
      ? 'A new passphrase is needed to protect the keys this creates: give one, then try again'
      : 'The passphrase for the issuer keys is needed: unlock them, then try again',
    { details: { purpose } },
  )

/**
 * A SecretProvider that never prompts: it answers with the passphrase it holds, else the host's,
 * else throws `passphrase_required` so the UI can ask and retry. The passphrase lives only in this
 * closure (never in a returned object, an error or a log line).
 */
export function sessionSecrets(opts: SessionSecretsOptions = {}): SessionSecrets {
  let held: string | undefined
  const host = opts.hostPassphrase ? opts.hostPassphrase : undefined
  return {
    passphrase(purpose) {
      const p = held ?? host
      return p === undefined ? Promise.reject(passphraseRequired(purpose)) : Promise.resolve(p)
    },
    state: () => ({ held: held !== undefined || host !== undefined, hostSupplied: host !== undefined }),
    hold(passphrase) {
      if (typeof passphrase !== 'string' || passphrase.length === 0) {
        throw new TesseraError('validation', 'The passphrase is empty', {
          issues: [{ path: ['passphrase'], message: 'is required' }],
        })
      }
      held = passphrase
    },
    forget() {
      held = undefined
    },
  }
}
