import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { ErrorBanner } from '../../components/error-banner'
import { FileButton } from './file-button'
import { SyncSection } from './sync-section'
import type { PickedFile } from './use-picked-file'

/**
 * A Sync panel that takes one file the person picks: what went wrong with the last one, the fields
 * that go with the file (`children`), the file button, then what it did (`result`). Its texts are
 * `sync.<name>.title`, `.intro` and `.choose`; its ids `sync-<name>-title` and `sync-<name>-file`.
 */
export function PickFileSection({
  name,
  picked,
  onFile,
  children,
  result,
}: {
  name: 'join' | 'receipt'
  picked: PickedFile
  onFile: (file: File) => void
  children?: ReactNode
  result?: ReactNode
}): ReactNode {
  const { t } = useTranslation()
  return (
    <SyncSection id={`sync-${name}-title`} title={t(`sync.${name}.title`)} intro={t(`sync.${name}.intro`)}>
      <ErrorBanner error={picked.error} />
      {picked.tooLarge && (
        <p className="field-error" role="alert">
          {picked.tooLarge}
        </p>
      )}
      {children}
      <FileButton
        id={`sync-${name}-file`}
        label={t(`sync.${name}.choose`)}
        busy={picked.busy}
        onFile={onFile}
      />
      {result}
    </SyncSection>
  )
}
