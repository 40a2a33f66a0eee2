import { useEffect, useRef, useState, type DragEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { OpInput, OpOutput } from '../../../contract/ops'
import { api } from '../api'
import { Button } from '../components/button'
import { asTesseraError } from '../components/form-errors'
import { Screen } from '../components/screen'
import { TextField } from '../components/text-field'
import { useDates } from '../hooks/use-dates'
import { fileToBase64 } from './credentials/files'
import './assess/assess.css'
import './verify/verify.css'

type Report = OpOutput<'credentials.verify'>
type Source = OpInput<'credentials.verify'>['source']

/**
 * Verify: a badge file (JSON, JWT, PNG, SVG) dropped or chosen, or the text of a certificate's QR
 * code pasted (from a phone's scanner app: scanning with the camera here is not built). Verified on
 * this installation, offline, with every check explained.
 */
export default function VerifyScreen(): ReactNode {
  const { t } = useTranslation()
  const [text, setText] = useState('')
  const [busy, setBusy] = useState(false)
  const [report, setReport] = useState<Report | null>(null)
  const [source, setSource] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [dragging, setDragging] = useState(false)

  const verify = async (src: Source, label: string): Promise<void> => {
    setBusy(true)
    setError(null)
    setReport(null)
    setSource(label)
    try {
      setReport(await api.call('credentials.verify', { source: src }))
    } catch (e) {
      setError(asTesseraError(e).message)
    } finally {
      setBusy(false)
    }
  }

  const verifyFile = async (file: File | undefined): Promise<void> => {
    if (!file) return
    const isPng = file.type === 'image/png' || /\.png$/i.test(file.name)
    await verify(
      isPng
        ? { kind: 'png', dataBase64: await fileToBase64(file) }
        : { kind: 'text', text: await file.text() },
      file.name,
    )
  }

  const onDrop = (e: DragEvent): void => {
    e.preventDefault()
    setDragging(false)
    void verifyFile(e.dataTransfer.files[0])
  }

  return (
    <Screen title={t('verify.title')} intro={t('verify.intro')}>
      <div className="verify-inputs">
        <section
          className={`card verify-drop${dragging ? ' verify-drop-active' : ''}`}
          aria-labelledby="verify-file-title"
          onDragOver={(e) => {
            e.preventDefault()
            setDragging(true)
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <h2 id="verify-file-title" className="section-title">
            {t('verify.fileTitle')}
          </h2>
          <p className="muted">{t('verify.dropHint')}</p>
          <input
            id="verify-file"
            className="file-input"
            type="file"
            accept=".json,.jwt,.png,.svg,application/json,image/png,image/svg+xml,text/plain"
            onChange={(e) => {
              const f = e.target.files?.[0]
              e.target.value = ''
              void verifyFile(f)
            }}
          />
          <label className="btn btn-primary file-button" htmlFor="verify-file">
            {t('verify.chooseFile')}
          </label>
        </section>
        <section className="card assess-stack" aria-labelledby="verify-text-title">
          <h2 id="verify-text-title" className="section-title">
            {t('verify.textTitle')}
          </h2>
          <TextField
            id="verify-text"
            label={t('verify.textLabel')}
            hint={t('verify.textHint')}
            multiline
            dir="ltr"
            value={text}
            onChange={setText}
          />
          <div>
            <Button
              variant="primary"
              busy={busy}
              disabled={!text.trim()}
              onClick={() => {
                const s = text.trim()
                // A QR code holds a short token; anything else (JSON, a JWT, SVG) is recognised by content.
                const looksLikeQr = !s.startsWith('{') && !s.startsWith('<') && s.split('.').length !== 3
                void verify(
                  looksLikeQr ? { kind: 'qr', text: s } : { kind: 'text', text: s },
                  t('verify.pastedText'),
                )
              }}
            >
              {t('verify.verifyText')}
            </Button>
          </div>
        </section>
      </div>

      <div aria-live="polite">
        {busy && (
          <p className="loading" role="status">
            {t('verify.checking')}
          </p>
        )}
        {error && (
          <div className="card" role="alert">
            <p className="field-error">{t('verify.failed', { message: error })}</p>
          </div>
        )}
        {report && <VerifyReport report={report} source={source} />}
      </div>
    </Screen>
  )
}

const ICON = { passed: '✓', failed: '✗', warning: '!', skipped: '–' } as const

function VerifyReport({ report, source }: { report: Report; source: string }): ReactNode {
  const { t } = useTranslation()
  const dates = useDates()
  const revoked =
    report.checks.some((c) => c.name === 'status' && c.status === 'failed') || !!report.held?.revokedAt
  const thirdParty = report.verified && report.held !== null && report.held.issuedHere === false
  const verdict = report.verified
    ? thirdParty || (report.issuer && !report.issuer.trusted)
      ? t('verify.verifiedThirdParty')
      : t('verify.verified')
    : revoked
      ? t('verify.revoked')
      : t('verify.notVerified')
  const subject = report.credential?.credentialSubject as { name?: string } | undefined
  const achievement = report.credential?.name as string | undefined
  // On a small screen (1024x600 netbooks) the result lands below the inputs: bring the verdict into
  // view and give it focus so keyboard and screen-reader users land on it too.
  const verdictRef = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    verdictRef.current?.scrollIntoView({ block: 'start' })
    verdictRef.current?.focus({ preventScroll: true })
  }, [report])
  return (
    <section
      className={`card assess-stack verify-result ${report.verified ? 'verify-ok' : 'verify-bad'}`}
      aria-labelledby="verify-verdict"
    >
      <h2 id="verify-verdict" className="verify-verdict" ref={verdictRef} tabIndex={-1}>
        <span aria-hidden="true">{report.verified ? '✓ ' : '✗ '}</span>
        {verdict}
      </h2>
      <dl className="facts">
        <dt>{t('verify.source')}</dt>
        <dd>
          <bdi dir="auto">{source}</bdi> ({report.kind})
        </dd>
        {(report.qrToken?.learnerName ?? subject?.name) && (
          <>
            <dt>{t('verify.learner')}</dt>
            <dd>
              <bdi dir="auto">{report.qrToken?.learnerName ?? subject?.name}</bdi>
            </dd>
          </>
        )}
        {(report.qrToken?.achievementName ?? achievement) && (
          <>
            <dt>{t('verify.achievement')}</dt>
            <dd>
              <bdi dir="auto">{report.qrToken?.achievementName ?? achievement}</bdi>
            </dd>
          </>
        )}
        {report.issuer && (
          <>
            <dt>{t('verify.issuer')}</dt>
            <dd>
              <bdi dir="auto">{report.issuer.name ?? report.issuer.id}</bdi>{' '}
              {report.issuer.trusted ? t('verify.issuerTrusted') : t('verify.issuerUnknown')}
            </dd>
          </>
        )}
        {report.held?.revokedAt && (
          <>
            <dt>{t('verify.revokedAt')}</dt>
            <dd>
              <time dateTime={report.held.revokedAt}>{dates.dateTime(report.held.revokedAt)}</time>:{' '}
              <bdi dir="auto">{report.held.revocationReason}</bdi>
            </dd>
          </>
        )}
        <dt>{t('verify.checkedAt')}</dt>
        <dd>
          <time dateTime={report.checkedAt}>{dates.dateTime(report.checkedAt)}</time>
        </dd>
      </dl>
      <h3>{t('verify.checks')}</h3>
      <ul className="verify-checks">
        {report.checks.map((c) => (
          <li key={c.name} className={`verify-check verify-check-${c.status}`}>
            <span className="verify-check-icon" aria-hidden="true">
              {ICON[c.status]}
            </span>
            <div>
              <p className="verify-check-title">
                {t(`verify.check.${c.name}`)} — {t(`verify.status.${c.status}`)}
              </p>
              <p className="muted">{t(`verify.explain.${c.name}`)}</p>
              <p dir="auto">{c.message}</p>
            </div>
          </li>
        ))}
      </ul>
    </section>
  )
}
