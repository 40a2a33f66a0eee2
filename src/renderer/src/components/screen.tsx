import { useEffect, useRef, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { hasNavigated } from '../router'

export interface ScreenProps {
  title: string
  /** Short line under the title. */
  intro?: ReactNode
  actions?: ReactNode
  children: ReactNode
}

/**
 * The frame of every screen: its <h1>, the window title, and — after an in-app navigation — focus
 * on the heading, so screen-reader and keyboard users start at the new content.
 */
export function Screen({ title, intro, actions, children }: ScreenProps): ReactNode {
  const heading = useRef<HTMLHeadingElement>(null)
  const { t } = useTranslation()
  useEffect(() => {
    document.title = t('app.pageTitle', { screen: title })
  }, [t, title])
  useEffect(() => {
    if (hasNavigated()) heading.current?.focus()
  }, [])
  return (
    <div className="screen">
      <div className="screen-header">
        <div>
          <h1 ref={heading} tabIndex={-1} className="screen-title">
            {title}
          </h1>
          {intro && <p className="screen-intro">{intro}</p>}
        </div>
        {actions && <div className="screen-actions">{actions}</div>}
      </div>
      {children}
    </div>
  )
}
