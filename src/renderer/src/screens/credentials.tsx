import { useEffect, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { OpOutput } from '../../../contract/ops'
import { Button } from '../components/button'
import type { Column } from '../components/data-table'
import { Dialog } from '../components/dialog'
import { OpTable } from '../components/op-table'
import { Screen } from '../components/screen'
import { Select } from '../components/select'
import { useDates } from '../hooks/use-dates'
import { useOp } from '../hooks/use-op'
import { CredentialDetail } from './credentials/credential-detail'
import { IssuePanel } from './credentials/issue-panel'
import './assess/assess.css'
import './credentials/credentials.css'

/** `#/credentials?assessment=ID` (from the Assess screen) preselects that assessment. */
const queryParam = (name: string): string | null =>
  new URLSearchParams(window.location.hash.split('?')[1] ?? '').get(name)

type Filter = 'all' | 'active' | 'revoked'
type CredentialRow = OpOutput<'credentials.list'>['items'][number]

/** Credentials: issue (one or a cohort), the list, and one credential's files, preview, revoke, reissue. */
export default function CredentialsScreen(): ReactNode {
  const { t } = useTranslation()
  const dates = useDates()
  const [filter, setFilter] = useState<Filter>('all')
  const [selected, setSelected] = useState<string | null>(null)
  const [revision, setRevision] = useState(0)
  const [preview, setPreview] = useState<{ url: string; title: string } | null>(null)
  const [list, reload] = useOp('credentials.list', {
    limit: 200,
    offset: 0,
    ...(filter === 'all' ? {} : { revoked: filter === 'revoked' }),
  })
  useEffect(() => () => (preview ? URL.revokeObjectURL(preview.url) : undefined), [preview])
  const columns: Column<CredentialRow>[] = [
    {
      key: 'learner',
      header: t('credentials.learner'),
      cell: (c) => <bdi dir="auto">{c.learnerName}</bdi>,
    },
    {
      key: 'achievement',
      header: t('credentials.achievement'),
      cell: (c) => <bdi dir="auto">{c.achievementName}</bdi>,
    },
    {
      key: 'issued',
      header: t('credentials.issuedAt'),
      cell: (c) => <time dateTime={c.issuedAt}>{dates.date(c.issuedAt)}</time>,
    },
    {
      key: 'status',
      header: t('credentials.status'),
      cell: (c) =>
        c.revokedAt
          ? t('credentials.statusRevoked')
          : c.supersededById
            ? t('credentials.statusSuperseded')
            : t('credentials.statusActive'),
    },
    {
      key: 'actions',
      header: <span className="visually-hidden">{t('credentials.actions')}</span>,
      cell: (c) => (
        <Button
          onClick={() => setSelected(c.id)}
          aria-label={t('credentials.openFor', { name: c.learnerName })}
        >
          {t('credentials.open')}
        </Button>
      ),
    },
  ]

  return (
    <Screen title={t('credentials.title')} intro={t('credentials.intro')}>
      <IssuePanel
        preselected={queryParam('assessment')}
        onIssued={(id) => {
          reload()
          setSelected(id)
        }}
        onPreview={(pdf, title) => setPreview({ url: URL.createObjectURL(pdf), title })}
      />
      <section className="card assess-stack" aria-labelledby="cred-list">
        <div className="assess-toolbar">
          <h2 id="cred-list" className="section-title">
            {t('credentials.listTitle')}
          </h2>
          <Select
            id="cred-filter"
            label={t('credentials.filter')}
            value={filter}
            options={[
              { value: 'all', label: t('credentials.filterAll') },
              { value: 'active', label: t('credentials.filterActive') },
              { value: 'revoked', label: t('credentials.filterRevoked') },
            ]}
            onChange={(v) => setFilter(v as Filter)}
          />
        </div>
        <OpTable
          state={list}
          rows={(v) => v.items}
          loading={t('credentials.loading')}
          failed={(e) => t('credentials.loadFailed', { message: e.message })}
          empty={t('credentials.none')}
          labelledBy="cred-list"
          columns={columns}
          rowKey={(c) => c.id}
          isCurrent={(c) => c.id === selected}
        />
      </section>
      {selected && (
        <CredentialDetail
          key={`${selected}-${revision}`}
          id={selected}
          onChanged={(newId) => {
            reload()
            if (newId) setSelected(newId)
            setRevision((r) => r + 1) // fetch it again: its status changed
          }}
        />
      )}
      <Dialog open={preview !== null} title={preview?.title ?? ''} onClose={() => setPreview(null)}>
        {preview && <iframe className="cred-pdf" src={preview.url} title={preview.title} />}
      </Dialog>
    </Screen>
  )
}
