import { useEffect, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Button } from '../components/button'
import { Dialog } from '../components/dialog'
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
        {list.status === 'loading' ? (
          <p className="muted">{t('credentials.loading')}</p>
        ) : list.status === 'error' ? (
          <p className="field-error">{t('credentials.loadFailed', { message: list.error.message })}</p>
        ) : list.value.items.length === 0 ? (
          <p className="muted">{t('credentials.none')}</p>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('credentials.learner')}</th>
                  <th scope="col">{t('credentials.achievement')}</th>
                  <th scope="col">{t('credentials.issuedAt')}</th>
                  <th scope="col">{t('credentials.status')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('credentials.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.value.items.map((c) => (
                  <tr key={c.id} aria-current={c.id === selected ? 'true' : undefined}>
                    <td>
                      <bdi dir="auto">{c.learnerName}</bdi>
                    </td>
                    <td>
                      <bdi dir="auto">{c.achievementName}</bdi>
                    </td>
                    <td>
                      <time dateTime={c.issuedAt}>{dates.date(c.issuedAt)}</time>
                    </td>
                    <td>
                      {c.revokedAt
                        ? t('credentials.statusRevoked')
                        : c.supersededById
                          ? t('credentials.statusSuperseded')
                          : t('credentials.statusActive')}
                    </td>
                    <td>
                      <Button
                        onClick={() => setSelected(c.id)}
                        aria-label={t('credentials.openFor', { name: c.learnerName })}
                      >
                        {t('credentials.open')}
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
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
