import type { ReactNode } from 'react'

export interface EmptyStateProps {
  title: ReactNode
  children?: ReactNode
  action?: ReactNode
  /** Heading level in the page outline. */
  level?: 2 | 3
}

export function EmptyState({ title, children, action, level = 2 }: EmptyStateProps): ReactNode {
  const Heading = level === 2 ? 'h2' : 'h3'
  return (
    <section className="empty-state">
      <svg className="empty-state-mark" viewBox="0 0 48 48" aria-hidden="true" focusable="false">
        <rect x="4" y="4" width="18" height="18" rx="3" />
        <rect x="26" y="4" width="18" height="18" rx="3" />
        <rect x="4" y="26" width="18" height="18" rx="3" />
        <rect x="26" y="26" width="18" height="18" rx="3" className="empty-state-mark-accent" />
      </svg>
      <Heading className="empty-state-title">{title}</Heading>
      {children && <div className="empty-state-body">{children}</div>}
      {action && <div className="empty-state-action">{action}</div>}
    </section>
  )
}
