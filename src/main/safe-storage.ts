import fs from 'node:fs'
import path from 'node:path'
import type { SafeStorage } from 'electron'
import type { SecretProvider } from '../core/services/context'
import type { PassphraseSession, SessionSecrets } from '../core/services/session-secrets'

/**
 * A SecretProvider that keeps the passphrase protecting the issuer keys encrypted with the OS
 * keychain (Electron `safeStorage`: DPAPI, Keychain, libsecret/kwallet), so a trainer is not asked
 * for it on every start. Where the OS gives no real protection — Linux `basic_text`, or no keychain
 * at all — nothing is stored and `fallback` (asking the person) is used instead.
 */
export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>

export interface SafeStorageSecretsOptions {
  safeStorage: SafeStorageLike
  /** Where the encrypted passphrase lives, e.g. `<userData>/issuer-passphrase.bin`. */
  file: string
  /** Asks the person: the session provider, whose passphrase comes from the UI's unlock dialog. */
  fallback: SecretProvider
}

/** True when `safeStorage` really protects data on this machine. */
export function keychainUsable(s: SafeStorageLike, platform = process.platform): boolean {
  if (!s.isEncryptionAvailable()) return false
  if (platform === 'linux' && s.getSelectedStorageBackend) {
    const backend = s.getSelectedStorageBackend()
    return backend !== 'basic_text' && backend !== 'unknown'
  }
  return true
}

/**
 * The person always chooses (and can write down) the passphrase: the keychain only remembers it, so
 * losing the keychain (new laptop, reinstalled OS) never loses the issuer keys.
 */
export interface KeychainSecrets extends SecretProvider {
  /** A remembered passphrase exists (it may still fail to decrypt with a reset keychain). */
  remembers(): boolean
  /** Deletes the remembered passphrase (session lock). */
  forget(): void
}

export function safeStorageSecrets(opts: SafeStorageSecretsOptions): KeychainSecrets {
  const remember = (passphrase: string): void => {
    fs.mkdirSync(path.dirname(opts.file), { recursive: true })
    fs.writeFileSync(opts.file, opts.safeStorage.encryptString(passphrase), { mode: 0o600 })
  }
  return {
    async passphrase(purpose) {
      if (!keychainUsable(opts.safeStorage)) return opts.fallback.passphrase(purpose)
      if (purpose === 'unlock' && fs.existsSync(opts.file)) {
        try {
          return opts.safeStorage.decryptString(fs.readFileSync(opts.file))
        } catch {
          // Unreadable with this keychain (other user, reset keychain): ask, and remember anew.
        }
      }
      const passphrase = await opts.fallback.passphrase(purpose)
      remember(passphrase)
      return passphrase
    },
    remembers: () => keychainUsable(opts.safeStorage) && fs.existsSync(opts.file),
    forget: () => fs.rmSync(opts.file, { force: true }),
  }
}

/**
 * The `session.*` ops' view of the desktop: unlocked when the keychain remembers a passphrase too.
 * What the person just typed (and unlock checked) replaces the keychain's copy, which the next
 * signing remembers anew; locking forgets both, or the next signing would not ask at all.
 */
export function keychainSession(typed: SessionSecrets, keychain: KeychainSecrets): PassphraseSession {
  return {
    state: () => {
      const s = typed.state()
      return { held: s.held || keychain.remembers(), hostSupplied: s.hostSupplied }
    },
    hold: (passphrase) => {
      keychain.forget()
      typed.hold(passphrase)
    },
    forget: () => {
      typed.forget()
      keychain.forget()
    },
  }
}
