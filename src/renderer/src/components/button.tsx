import type { ButtonHTMLAttributes, MouseEvent, ReactNode } from 'react'

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: 'primary' | 'secondary' | 'danger' | 'quiet'
  /** Shows a spinner and ignores presses, but keeps focus (a disabled button would drop it). */
  busy?: boolean
  children: ReactNode
}

export function Button({
  variant = 'secondary',
  busy = false,
  type = 'button',
  className,
  onClick,
  children,
  ...rest
}: ButtonProps): ReactNode {
  const guarded = (e: MouseEvent<HTMLButtonElement>): void => {
    if (busy) {
      e.preventDefault()
      return
    }
    onClick?.(e)
  }
  return (
    <button
      type={type}
      className={['btn', `btn-${variant}`, className].filter(Boolean).join(' ')}
      aria-busy={busy || undefined}
      aria-disabled={busy || undefined}
      onClick={guarded}
      {...rest}
    >
      {busy && <span className="spinner" aria-hidden="true" />}
      {children}
    </button>
  )
}
