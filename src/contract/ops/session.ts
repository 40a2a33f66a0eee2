import { z } from 'zod'
import { defineOps } from '../define'
import { empty } from '../schemas/common'

/** Shortest passphrase accepted for new issuer keys (the services check it again after NFC). */
export const MIN_PASSPHRASE_LENGTH = 8

/**
 * A passphrase as it crosses the contract: write-only. No op ever returns one, and a failed check
 * says only which field is wrong (zod's messages do not repeat the value).
 */
export const passphraseInput = z.string().min(1, 'is required').max(1024, 'must have at most 1024 characters')

export const sessionState = z.object({
  /** This installation has issuer keys it can sign with. */
  hasIssuerKeys: z.boolean(),
  /** A passphrase is available without asking (held since an unlock, or supplied by the host). */
  unlocked: z.boolean(),
  /** The host supplies the passphrase itself (TESSERA_PASSPHRASE): the UI need not ask for one. */
  hostSupplied: z.boolean(),
  /** False where the host keeps no passphrase in memory (the one-shot CLI): unlock is not available. */
  available: z.boolean(),
  minPassphraseLength: z.number(),
})
export type SessionState = z.output<typeof sessionState>

export const sessionOps = defineOps({
  'session.status': {
    summary: 'Whether issuer keys exist and whether a passphrase is held to open them',
    readonly: true,
    input: empty,
    output: sessionState,
  },
  'session.unlock': {
    summary:
      'Give the issuer-key passphrase for this session: it must open the current keys (with no keys yet it is the one new keys will be sealed with)',
    input: z.object({ passphrase: passphraseInput }),
    output: sessionState,
  },
  'session.lock': {
    summary: 'Forget the passphrase and the unlocked keys: the next signing asks again',
    input: empty,
    output: sessionState,
  },
})
