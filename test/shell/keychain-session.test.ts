import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { sessionSecrets } from '../../src/core/services/session-secrets'
import { keychainSession, safeStorageSecrets, type SafeStorageLike } from '../../src/main/safe-storage'
import { tempDir } from '../helpers/temp-db'

/** An OS keychain stand-in with the behaviour safeStorage documents (encrypt, decrypt, a backend). */
const keychain = (backend = 'gnome_libsecret'): SafeStorageLike => ({
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => backend as never,
  encryptString: (s: string) => Buffer.from(`enc:${s}`),
  decryptString: (b: Buffer) => b.toString().slice(4),
})

describe('desktop: the keychain remembers what the person typed in the dialog', () => {
  it('the typed passphrase is remembered at its first use, so the next start needs no dialog', async () => {
    const file = path.join(tempDir(), 'issuer-passphrase.bin')
    const typed = sessionSecrets()
    const secrets = safeStorageSecrets({ safeStorage: keychain(), file, fallback: typed })
    const session = keychainSession(typed, secrets)
    expect((await secrets.passphrase('unlock').catch((e: { code: string }) => e)) as object).toMatchObject({
      code: 'passphrase_required',
    })
    expect(session.state().held).toBe(false)

    session.hold('correct horse battery staple')
    expect(await secrets.passphrase('unlock')).toBe('correct horse battery staple')
    expect(fs.readFileSync(file, 'utf8')).toBe('enc:correct horse battery staple')

    // Next start: a fresh in-memory session, the keychain still opens the keys.
    const nextTyped = sessionSecrets()
    const next = safeStorageSecrets({ safeStorage: keychain(), file, fallback: nextTyped })
    expect(keychainSession(nextTyped, next).state().held).toBe(true)
    expect(await next.passphrase('unlock')).toBe('correct horse battery staple')
  })

  it('a newly typed passphrase replaces a stale remembered one; lock forgets both', async () => {
    const file = path.join(tempDir(), 'issuer-passphrase.bin')
    fs.writeFileSync(file, 'enc:an old passphrase')
    const typed = sessionSecrets()
    const secrets = safeStorageSecrets({ safeStorage: keychain(), file, fallback: typed })
    const session = keychainSession(typed, secrets)
    session.hold('the new passphrase')
    expect(await secrets.passphrase('unlock')).toBe('the new passphrase')

    session.forget()
    expect(fs.existsSync(file)).toBe(false)
    expect(session.state().held).toBe(false)
    await expect(secrets.passphrase('unlock')).rejects.toMatchObject({ code: 'passphrase_required' })
  })

  it('where the keychain gives no protection (Linux basic_text) nothing is written: the session alone holds it', async () => {
    const file = path.join(tempDir(), 'issuer-passphrase.bin')
    const typed = sessionSecrets()
    const secrets = safeStorageSecrets({ safeStorage: keychain('basic_text'), file, fallback: typed })
    keychainSession(typed, secrets).hold('correct horse battery staple')
    expect(await secrets.passphrase('unlock')).toBe('correct horse battery staple')
    expect(fs.existsSync(file)).toBe(false)
  })
})
