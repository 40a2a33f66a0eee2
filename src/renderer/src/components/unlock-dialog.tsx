import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../api'
import { setUnlockPrompt, type PassphrasePurpose } from '../unlock-gate'
import { Button } from './button'
import { Dialog } from './dialog'
import { asTesseraError } from './form-errors'
import { TextField } from './text-field'

interface Ask {
  purpose: PassphrasePurpose
  /** No issuer keys yet: the person chooses a new passphrase (typed twice) instead of the current one. */
  choosing: boolean
  minLength: number
}

/**
 * The unlock dialog, shown whenever an op needs the issuer-key passphrase (see `unlock-gate.ts`).
 * The passphrase lives only in this dialog's state until `session.unlock` takes it, and is cleared
 * as soon as the dialog closes.
 */
export function UnlockProvider({ children }: { children: ReactNode }): ReactNode {
  const [ask, setAsk] = useState<Ask | null>(null)
  const resolver = useRef<((ok: boolean) => void) | null>(null)
  // The dialog is unmounted rather than closed, so focus is given back by hand.
  const returnFocus = useRef<HTMLElement | null>(null)

  const finish = useCallback((ok: boolean) => {
    resolver.current?.(ok)
    resolver.current = null
    setAsk(null)
    const back = returnFocus.current
    returnFocus.current = null
    if (back?.isConnected) requestAnimationFrame(() => back.focus())
  }, [])

  useEffect(() => {
    setUnlockPrompt(async (purpose) => {
      let choosing = false
      let minLength = 8
      try {
        const s = await api.call('session.status')
        choosing = !s.hasIssuerKeys
        minLength = s.minPassphraseLength
      } catch {
        // Ask for the current passphrase; session.unlock says what is wrong if that is not it.
      }
      return new Promise<boolean>((resolve) => {
        resolver.current = resolve
        returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null
        setAsk({ purpose, choosing, minLength })
      })
    })
    return () => setUnlockPrompt(null)
  }, [])

  return (
    <>
      {children}
      {ask && <UnlockDialog ask={ask} onDone={finish} />}
    </>
  )
}

function UnlockDialog({ ask, onDone }: { ask: Ask; onDone: (ok: boolean) => void }): ReactNode {
  const { t } = useTranslation()
  const formId = useId()
  const [passphrase, setPassphrase] = useState('')
  const [confirm, setConfirm] = useState('')
  const [errors, setErrors] = useState<{ passphrase?: string; confirm?: string }>({})
  const [busy, setBusy] = useState(false)
  const done = useRef(false)

  const close = (ok: boolean): void => {
    if (done.current) return
    done.current = true
    setPassphrase('')
    setConfirm('')
    onDone(ok)
  }

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    if (busy) return
    if (passphrase === '') return setErrors({ passphrase: t('passphrase.required') })
    if (ask.choosing) {
      if (passphrase.normalize('NFC').length < ask.minLength)
        return setErrors({ passphrase: t('passphrase.tooShort', { count: ask.minLength }) })
      if (confirm !== passphrase) return setErrors({ confirm: t('passphrase.mismatch') })
    }
    setBusy(true)
    setErrors({})
    try {
      await api.call('session.unlock', { passphrase })
      close(true)
    } catch (err) {
      const te = asTesseraError(err)
      setErrors({
        passphrase:
          te.code === 'forbidden'
            ? t('passphrase.wrong')
            : te.code === 'validation' && ask.choosing
              ? t('passphrase.tooShort', { count: ask.minLength })
              : te.message,
      })
      setPassphrase('')
      setConfirm('')
    } finally {
      setBusy(false)
    }
  }

  const title = ask.choosing ? t('passphrase.chooseTitle') : t('passphrase.unlockTitle')
  const intro = ask.choosing
    ? t('passphrase.chooseIntro')
    : ask.purpose === 'create'
      ? t('passphrase.unlockForNewKeys')
      : t('passphrase.unlockIntro')

  return (
    <Dialog
      open
      title={title}
      onClose={() => close(false)}
      actions={
        <Button type="submit" form={formId} variant="primary" busy={busy}>
          {busy ? t('passphrase.unlocking') : t('passphrase.unlock')}
        </Button>
      }
    >
      <form id={formId} className="form" noValidate onSubmit={(e) => void submit(e)}>
        <p>{intro}</p>
        <TextField
          id="unlock-passphrase"
          type="password"
          label={ask.choosing ? t('passphrase.new') : t('passphrase.label')}
          hint={ask.choosing ? t('passphrase.hint', { count: ask.minLength }) : undefined}
          value={passphrase}
          onChange={setPassphrase}
          error={errors.passphrase}
          autoComplete={ask.choosing ? 'new-password' : 'current-password'}
          dir="ltr"
          required
          autoFocus
        />
        {ask.choosing && (
          <>
            <TextField
              id="unlock-passphrase-confirm"
              type="password"
              label={t('passphrase.confirm')}
              value={confirm}
              onChange={setConfirm}
              error={errors.confirm}
              autoComplete="new-password"
              dir="ltr"
              required
            />
            <p className="field-hint">{t('passphrase.noRecovery')}</p>
          </>
        )}
      </form>
    </Dialog>
  )
}
