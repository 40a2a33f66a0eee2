import { useRef, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Button } from './button'
import { fieldIds } from './field'

export interface ImageValue {
  mediaType: 'image/png' | 'image/jpeg' | 'image/svg+xml'
  dataBase64: string
}

export interface ImagePickerProps {
  id: string
  label: ReactNode
  hint?: ReactNode
  value: ImageValue | null
  onChange: (value: ImageValue | null) => void
  previewAlt: string
  error?: ReactNode
  maxBytes?: number
}

const TYPES: readonly ImageValue['mediaType'][] = ['image/png', 'image/jpeg', 'image/svg+xml']
const isImageType = (s: string): s is ImageValue['mediaType'] => (TYPES as readonly string[]).includes(s)

export const dataUrlOf = (v: ImageValue): string => `data:${v.mediaType};base64,${v.dataBase64}`

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''))
    reader.onerror = () => reject(reader.error)
    reader.readAsDataURL(file)
  })
}

/** Choose an image from disk (keyboard operable: the native file input is the control), with a preview. */
export function ImagePicker({
  id,
  label,
  hint,
  value,
  onChange,
  previewAlt,
  error,
  maxBytes = 2 * 1024 * 1024,
}: ImagePickerProps): ReactNode {
  const { t } = useTranslation()
  const [localError, setLocalError] = useState<string | null>(null)
  const input = useRef<HTMLInputElement>(null)
  const ids = fieldIds(id)
  const shownError = localError ?? error
  const pick = async (file: File | undefined): Promise<void> => {
    if (!file) return
    setLocalError(null)
    if (!isImageType(file.type)) return setLocalError(t('errors.logoType'))
    if (file.size > maxBytes) return setLocalError(t('errors.logoTooLarge'))
    try {
      onChange({ mediaType: file.type, dataBase64: await readBase64(file) })
    } catch {
      setLocalError(t('errors.logoRead'))
    }
  }
  return (
    <fieldset className={shownError ? 'field field-invalid image-field' : 'field image-field'}>
      <legend className="field-label">{label}</legend>
      {hint && (
        <p className="field-hint" id={ids.hint}>
          {hint}
        </p>
      )}
      <div className="image-picker">
        <div className="image-picker-preview">
          {value ? (
            <img src={dataUrlOf(value)} alt={previewAlt} />
          ) : (
            <span className="muted">{t('organization.noLogo')}</span>
          )}
        </div>
        <div className="image-picker-controls">
          {/* The native input does the work (keyboard, screen readers); its label is the visible button. */}
          <input
            ref={input}
            id={id}
            type="file"
            className="file-input"
            accept={TYPES.join(',')}
            aria-describedby={
              [hint ? ids.hint : null, shownError ? ids.error : null].filter(Boolean).join(' ') || undefined
            }
            aria-invalid={shownError ? true : undefined}
            onChange={(e) => {
              void pick(e.target.files?.[0])
              e.target.value = ''
            }}
          />
          <label htmlFor={id} className="btn btn-secondary file-button">
            {value ? t('organization.changeLogo') : t('organization.chooseLogo')}
          </label>
          {value && (
            <Button
              variant="quiet"
              onClick={() => {
                onChange(null)
                input.current?.focus()
              }}
            >
              {t('organization.removeLogo')}
            </Button>
          )}
        </div>
      </div>
      {shownError && (
        <p className="field-error" id={ids.error}>
          <span aria-hidden="true">⚠ </span>
          {shownError}
        </p>
      )}
    </fieldset>
  )
}
