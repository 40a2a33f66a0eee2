import type { ReactNode } from 'react'

/** One panel of the Sync screen: a card titled by its heading, with a line saying what it is for. */
export function SyncSection({
  id,
  title,
  intro,
  children,
}: {
  /** The heading's id (the section is labelled by it). */
  id: string
  title: ReactNode
  intro?: ReactNode
  children: ReactNode
}): ReactNode {
  return (
    <section className="card sync-stack" aria-labelledby={id}>
      <h2 id={id} className="section-title">
        {title}
      </h2>
      {intro && <p className="muted">{intro}</p>}
      {children}
    </section>
  )
}
