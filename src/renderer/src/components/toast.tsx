import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'

export type ToastKind = 'success' | 'info' | 'error'

interface Toast {
  id: number
  kind: ToastKind
  message: string
}

interface ToastApi {
  notify(kind: ToastKind, message: string): void
}

const ToastContext = createContext<ToastApi>({ notify: () => undefined })

export const useToast = (): ToastApi => useContext(ToastContext)

const SUCCESS_MS = 6000

/**
 * Messages that do not interrupt: confirmations go to a polite `role="status"` region, errors to an
 * assertive `role="alert"` region. Both regions exist from the start (live regions must be in the
 * page before their content changes to be announced). Errors stay until dismissed.
 */
export function ToastProvider({ children }: { children: ReactNode }): ReactNode {
  const [toasts, setToasts] = useState<Toast[]>([])
  const next = useRef(0)
  const { t } = useTranslation()
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((x) => x.id !== id)), [])
  const notify = useCallback(
    (kind: ToastKind, message: string) => {
      const id = ++next.current
      setToasts((all) => [...all.slice(-3), { id, kind, message }])
      if (kind !== 'error') window.setTimeout(() => dismiss(id), SUCCESS_MS)
    },
    [dismiss],
  )
  const value = useMemo(() => ({ notify }), [notify])
  const render = (kinds: ToastKind[]): ReactNode =>
    toasts
      .filter((x) => kinds.includes(x.kind))
      .map((x) => (
        <div key={x.id} className={`toast toast-${x.kind}`}>
          {/* dir="auto": a message keeps the direction of the language it was written in, even after a switch. */}
          <p className="toast-message" dir="auto">
            {x.message}
          </p>
          <button
            type="button"
            className="toast-dismiss"
            onClick={() => dismiss(x.id)}
            aria-label={t('common.dismiss')}
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
      ))
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts">
        <div role="status" aria-live="polite">
          {render(['success', 'info'])}
        </div>
        <div role="alert" aria-live="assertive">
          {render(['error'])}
        </div>
      </div>
    </ToastContext.Provider>
  )
}
