import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'

export interface ProgressBarProps {
  label: string
  done: number
  total: number
}

export function ProgressBar({ label, done, total }: ProgressBarProps): ReactNode {
  const { t } = useTranslation()
  const max = Math.max(total, 1)
  const now = Math.min(Math.max(done, 0), max)
  const text = t('progress.value', { done: now, total })
  return (
    <div className="progress">
      <div className="progress-label">
        <span>{label}</span>
        <span className="progress-value">{text}</span>
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={now}
        aria-valuetext={text}
      >
        <div className="progress-fill" style={{ inlineSize: `${(now / max) * 100}%` }} />
      </div>
    </div>
  )
}
