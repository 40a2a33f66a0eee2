import { useEffect, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { OpOutput } from '../../../contract/ops'
import type { AssessmentDetail } from '../../../contract/ops/assessments'
import { api } from '../api'
import { Button } from '../components/button'
import type { Column } from '../components/data-table'
import { ErrorBanner } from '../components/error-banner'
import { asTesseraError } from '../components/form-errors'
import { OpTable } from '../components/op-table'
import { Screen } from '../components/screen'
import { useOp } from '../hooks/use-op'
import { AssessDraft } from './assess/assess-draft'
import { AssessSetup } from './assess/assess-setup'
import './assess/assess.css'

const CURRENT_KEY = 'tessera.assess.current'

const remember = (id: string | null): void => {
  try {
    if (id) localStorage.setItem(CURRENT_KEY, id)
    else localStorage.removeItem(CURRENT_KEY)
  } catch {
    // storage unavailable: the drafts list still lets the user resume
  }
}
const remembered = (): string | null => {
  try {
    return localStorage.getItem(CURRENT_KEY)
  } catch {
    return null
  }
}

/**
 * Assess: start a draft (learner, rubric, assessor, date, place), score it criterion by criterion
 * with autosave, attach evidence, review the computed outcome and sign off. The open draft is
 * remembered on this computer, so a reload (or a crash) comes back to it.
 */
export default function AssessScreen(): ReactNode {
  const { t } = useTranslation()
  const [current, setCurrent] = useState<AssessmentDetail | null>(null)
  const [opening, setOpening] = useState(() => remembered() !== null)
  const [error, setError] = useState<ReturnType<typeof asTesseraError> | null>(null)

  const open = (id: string): void => {
    setOpening(true)
    setError(null)
    api.call('assessments.get', { id }).then(
      (a) => {
        setCurrent(a)
        remember(a.id)
        setOpening(false)
      },
      (e: unknown) => {
        remember(null)
        setError(asTesseraError(e))
        setOpening(false)
      },
    )
  }

  useEffect(() => {
    const id = remembered()
    if (id) open(id)
  }, [])

  return (
    <Screen title={t('assess.title')} intro={t('assess.intro')}>
      <ErrorBanner error={error} />
      {opening ? (
        <p className="loading" role="status">
          {t('assess.opening')}
        </p>
      ) : current ? (
        <AssessDraft
          key={current.id}
          initial={current}
          onClose={() => {
            remember(null)
            setCurrent(null)
          }}
        />
      ) : (
        <>
          <AssessSetup
            onCreated={(a) => {
              remember(a.id)
              setCurrent(a)
            }}
          />
          <RecentAssessments onOpen={open} />
        </>
      )}
    </Screen>
  )
}

type AssessmentRow = OpOutput<'assessments.list'>['items'][number]

function RecentAssessments({ onOpen }: { onOpen: (id: string) => void }): ReactNode {
  const { t } = useTranslation()
  const [drafts] = useOp('assessments.list', { state: 'draft', limit: 50, offset: 0 })
  const [finalized] = useOp('assessments.list', { state: 'finalized', limit: 10, offset: 0 })
  const columns: Column<AssessmentRow>[] = [
    { key: 'learner', header: t('assess.learner'), cell: (x) => <bdi dir="auto">{x.learnerName}</bdi> },
    { key: 'rubric', header: t('assess.rubric'), cell: (x) => <bdi dir="auto">{x.rubricName}</bdi> },
    { key: 'date', header: t('assess.date'), cell: (x) => x.assessedOn },
    {
      key: 'result',
      header: t('assess.result'),
      cell: (x) =>
        x.passed === null ? t('assess.statusDraft') : x.passed ? t('assess.pass') : t('assess.fail'),
    },
    {
      key: 'actions',
      header: <span className="visually-hidden">{t('assess.actions')}</span>,
      cell: (x) => (
        <Button onClick={() => onOpen(x.id)} aria-label={t('assess.openFor', { name: x.learnerName })}>
          {x.state === 'draft' ? t('assess.resume') : t('assess.open')}
        </Button>
      ),
    },
  ]
  const section = (id: string, title: string, empty: string, state: typeof drafts): ReactNode => (
    <section className="card" aria-labelledby={id}>
      <h2 id={id} className="section-title">
        {title}
      </h2>
      <OpTable
        state={state}
        rows={(v) => v.items}
        loading={t('assess.loading')}
        empty={empty}
        labelledBy={id}
        columns={columns}
        rowKey={(x) => x.id}
      />
    </section>
  )
  return (
    <>
      {section('assess-drafts', t('assess.drafts'), t('assess.noDrafts'), drafts)}
      {section('assess-finalized', t('assess.recentFinalized'), t('assess.noFinalized'), finalized)}
    </>
  )
}
