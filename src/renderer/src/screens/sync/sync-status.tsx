import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { OpOutput } from '../../../../contract/ops'
import { formatDateTime, kindLabel } from './kinds'

export type SyncStatus = OpOutput<'sync.status'>

/** Where this installation stands: role, keys, hub, and whether every record has reached the hub. */
export function SyncStatusPanel({ status }: { status: SyncStatus }): ReactNode {
  const { t, i18n } = useTranslation()
  const role = status.role ?? 'none'
  const kinds = Object.entries(status.unacknowledged.byKind).filter(([, n]) => n > 0)
  return (
    <section className="card sync-stack" aria-labelledby="sync-status-title" data-testid="sync-status">
      <h2 id="sync-status-title" className="section-title">
        {t('sync.status.title')}
      </h2>
      {status.role === 'field' &&
        (status.allAccountedFor ? (
          <p className="sync-verdict sync-verdict-ok" data-testid="sync-verdict">
            <span aria-hidden="true">✓ </span>
            {t('sync.status.allAccountedFor')}
          </p>
        ) : (
          <p className="sync-verdict sync-verdict-pending" data-testid="sync-verdict">
            {t('sync.status.notAcknowledged', { count: status.unacknowledged.total })}
          </p>
        ))}
      <dl className="facts">
        <dt>{t('sync.status.role')}</dt>
        <dd data-testid="sync-role">{t(`sync.roles.${role}`)}</dd>
        {status.name && (
          <>
            <dt>{t('sync.status.deviceName')}</dt>
            <dd>
              <bdi dir="auto">{status.name}</bdi>
            </dd>
          </>
        )}
        <dt>{t('sync.status.fingerprint')}</dt>
        <dd className="mono" data-testid="sync-fingerprint" dir="ltr">
          {status.fingerprint ?? t('sync.status.noKeys')}
        </dd>
        {status.role !== 'hub' && (
          <>
            <dt>{t('sync.status.hub')}</dt>
            <dd>
              {status.hub ? (
                <>
                  <bdi dir="auto">{status.hub.name}</bdi>{' '}
                  <span className="mono" dir="ltr">
                    ({status.hub.fingerprint})
                  </span>
                </>
              ) : (
                t('sync.status.noHub')
              )}
            </dd>
          </>
        )}
        {status.role !== 'hub' && (
          <>
            <dt>{t('sync.status.unacknowledged')}</dt>
            <dd>
              {kinds.length === 0 ? (
                t('sync.status.none')
              ) : (
                <ul className="sync-kind-list">
                  {kinds.map(([k, n]) => (
                    <li key={k}>
                      {kindLabel(t, k)}: {n}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
            <dt>{t('sync.status.evidenceFiles')}</dt>
            <dd>{status.unacknowledged.evidenceFiles}</dd>
            <dt>{t('sync.status.drafts')}</dt>
            <dd>
              {status.drafts}
              {status.drafts > 0 && <span className="muted"> — {t('sync.status.draftsHint')}</span>}
            </dd>
            <dt>{t('sync.status.lastReceipt')}</dt>
            <dd>
              {status.lastReceipt
                ? formatDateTime(status.lastReceipt.importedAt, i18n.language)
                : t('sync.status.noReceipt')}
            </dd>
            {status.inConflictAtHub > 0 && (
              <>
                <dt>{t('sync.status.inConflictAtHub')}</dt>
                <dd>{status.inConflictAtHub}</dd>
              </>
            )}
          </>
        )}
        {status.role === 'hub' && (
          <>
            <dt>{t('sync.status.knownDevices')}</dt>
            <dd>{status.knownDevices}</dd>
            <dt>{t('sync.status.bundlesImported')}</dt>
            <dd>{status.bundlesImported}</dd>
          </>
        )}
        <dt>{t('sync.status.conflictsOpen')}</dt>
        <dd data-testid="sync-conflicts-open">{status.conflictsOpen}</dd>
      </dl>
    </section>
  )
}
