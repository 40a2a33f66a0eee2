import { TesseraError } from '../../contract/errors'
import { MIN_PASSPHRASE_LENGTH, type SessionState, type sessionOps } from '../../contract/ops/session'
import { forgetUnlockedIdentity } from '../sync/device-keys'
import type { ServiceContext } from './context'
import type { FeatureHandlers } from './handlers'
import { activeKeyRows, checkNewPassphrase, checkPassphrase, forgetUnlocked } from './issuer-keys'

/**
 * The passphrase session behind the UI's unlock dialog. The passphrase goes in (`session.unlock`)
 * and is never given back: no op returns it, no audit entry or error message contains it.
 * Unlocking changes no record, so it is not audited.
 */
export function sessionHandlers(ctx: ServiceContext): FeatureHandlers<typeof sessionOps> {
  const state = async (): Promise<SessionState> => {
    const s = ctx.session?.state() ?? { held: false, hostSupplied: false }
    return {
      hasIssuerKeys: (await activeKeyRows(ctx.db)) !== undefined,
      unlocked: s.held,
      hostSupplied: s.hostSupplied,
      available: ctx.session !== undefined,
      minPassphraseLength: MIN_PASSPHRASE_LENGTH,
    }
  }

  const requireSession = () => {
    if (!ctx.session) {
      throw new TesseraError(
        'conflict',
        'This program keeps no passphrase between commands: set TESSERA_PASSPHRASE or type it when asked',
      )
    }
    return ctx.session
  }

  return {
    'session.status': state,

    'session.unlock': async ({ passphrase }) => {
      const session = requireSession()
      if (await activeKeyRows(ctx.db)) {
        try {
          // Both keys must open: a wrong passphrase leaves nothing held.
          await checkPassphrase(ctx, passphrase)
        } catch (e) {
          if (e instanceof TesseraError && e.code === 'forbidden') {
            throw new TesseraError('forbidden', 'Wrong passphrase: it does not open the issuer keys', {
              issues: [{ path: ['passphrase'], message: 'does not open the issuer keys' }],
              details: { reason: 'wrong_passphrase' },
            })
          }
          throw e
        }
      } else {
        // No keys yet: this is the passphrase the first keys will be sealed with.
        checkNewPassphrase(passphrase)
      }
      session.hold(passphrase)
      return state()
    },

    'session.lock': async () => {
      requireSession().forget()
      forgetUnlocked(ctx)
      forgetUnlockedIdentity(ctx)
      return state()
    },
  }
}
