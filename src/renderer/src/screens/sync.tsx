import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { OpOutput } from '../../../contract/ops'
import { Screen } from '../components/screen'
import { useOp } from '../hooks/use-op'
import { ExportPanel, JoinedNotice, JoinHubPanel, ReceiptPanel } from './sync/field-panel'
import { ConflictsPanel, DevicesPanel, EnrollPanel } from './sync/hub-panel'
import { ImportPanel } from './sync/import-panel'
import { useReloadOn } from './sync/kinds'
import { SyncStatusPanel } from './sync/sync-status'
import './sync/sync.css'

/**
 * Sync with the central office. A field device joins a hub, exports what the hub has not acknowledged
 * and takes back the hub's signed receipt; the hub makes the enrollment file, imports bundles (with a
 * report and a receipt to hand back), manages devices and settles conflicts. The status at the top says
 * whether all data is accounted for.
 */
export default function SyncScreen(): ReactNode {
  const { t } = useTranslation()
  const [status, reloadStatus] = useOp('sync.status', {})
  const [revision, setRevision] = useState(0)
  useReloadOn(revision, reloadStatus)
  const changed = (): void => setRevision((r) => r + 1)
  const [joined, setJoined] = useState<OpOutput<'sync.hubJoinBytes'> | null>(null)

  // Keep the last known status on screen while it reloads, so panels are not torn down mid-flow.
  const [last, setLast] = useState<typeof status | null>(null)
  if (status.status !== 'loading' && status !== last) setLast(status)
  const shown = status.status === 'loading' ? last : status

  return (
    <Screen title={t('sync.title')} intro={t('sync.intro')}>
      {!shown || shown.status === 'loading' ? (
        <p className="muted">{t('sync.loading')}</p>
      ) : shown.status === 'error' ? (
        <p className="field-error" role="alert">
          {t('sync.loadFailed', { message: shown.error.message })}
        </p>
      ) : (
        <>
          <SyncStatusPanel status={shown.value} />
          <div role="status" aria-live="polite" className="sync-result">
            {joined && <JoinedNotice joined={joined} />}
          </div>
          {shown.value.role === 'hub' ? (
            <>
              <ImportPanel role="hub" onImported={changed} />
              <ConflictsPanel revision={revision} onChanged={changed} />
              <DevicesPanel revision={revision} onChanged={changed} />
              <EnrollPanel isHub onMade={changed} />
            </>
          ) : shown.value.hub ? (
            <>
              <ExportPanel status={shown.value} onExported={changed} />
              <ReceiptPanel onImported={changed} />
              <ImportPanel role="field" onImported={changed} />
              {shown.value.conflictsOpen > 0 && <ConflictsPanel revision={revision} onChanged={changed} />}
            </>
          ) : (
            <>
              <p className="sync-lead">{t('sync.chooseRole')}</p>
              <div className="sync-roles">
                <JoinHubPanel
                  onJoined={(j) => {
                    setJoined(j)
                    changed()
                  }}
                />
                <EnrollPanel isHub={false} onMade={changed} />
              </div>
            </>
          )}
        </>
      )}
    </Screen>
  )
}
