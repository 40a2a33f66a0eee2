import { useEffect, useRef, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { OpOutput } from '../../../../contract/ops'
import { api } from '../../api'
import { Button } from '../../components/button'
import { Dialog } from '../../components/dialog'
import { asTesseraError } from '../../components/form-errors'
import { TextField } from '../../components/text-field'
import { useDates } from '../../hooks/use-dates'
import { blobOf, download } from './files'

type Credential = OpOutput<'credentials.get'>
type Artefacts = OpOutput<'credentials.files'>

/** One credential: its facts, the certificate preview, its files to save, revoke and reissue. */
export function CredentialDetail({
  id,
  onChanged,
}: {
  id: string
  onChanged: (newId?: string) => void
}): ReactNode {
  const { t } = useTranslation()
  const dates = useDates()
  const [cred, setCred] = useState<Credential | null>(null)
  const [files, setFiles] = useState<Artefacts | null>(null)
  const [pdfUrl, setPdfUrl] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [dialog, setDialog] = useState<'revoke' | 'reissue' | null>(null)
  const [reason, setReason] = useState('')
  const [reasonError, setReasonError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const frame = useRef<HTMLIFrameElement>(null)
  const heading = useRef<HTMLHeadingElement>(null)

  useEffect(() => {
    let live = true
    let url: string | null = null
    setCred(null)
    setFiles(null)
    setPdfUrl(null)
    setError(null)
    Promise.all([
      api.call('credentials.get', { id }),
      api.call('credentials.files', { id, withPdf: true, pageSize: 'A4' }),
    ]).then(
      ([c, f]) => {
        if (!live) return
        setCred(c)
        setFiles(f)
        // The credential just opened or issued: show it and start reading there.
        window.requestAnimationFrame(() => {
          heading.current?.scrollIntoView({ block: 'start' })
          heading.current?.focus()
        })
        if (f.pdfBase64) {
          url = URL.createObjectURL(blobOf({ base64: f.pdfBase64 }, 'application/pdf'))
          setPdfUrl(url)
        }
      },
      (e: unknown) => live && setError(asTesseraError(e).message),
    )
    return () => {
      live = false
      if (url) URL.revokeObjectURL(url)
    }
  }, [id])

  const act = async (): Promise<void> => {
    if (!reason.trim()) {
      setReasonError(t('credentials.reasonRequired'))
      return
    }
    setBusy(true)
    setReasonError(null)
    try {
      if (dialog === 'revoke') {
        await api.call('credentials.revoke', { id, reason })
        onChanged()
      } else if (cred) {
        const out = await api.call('credentials.issue', {
          assessmentId: cred.assessmentId,
          reissue: true,
          reason,
          withPdf: false,
          pageSize: 'A4',
        })
        onChanged(out.credential.id)
      }
      setDialog(null)
      setReason('')
    } catch (e) {
      setReasonError(asTesseraError(e).message)
    } finally {
      setBusy(false)
    }
  }

  if (error)
    return (
      <section className="card">
        <p className="field-error" role="alert">
          {t('credentials.loadFailed', { message: error })}
        </p>
      </section>
    )
  if (!cred || !files)
    return (
      <section className="card">
        <p className="muted" role="status">
          {t('credentials.loadingOne')}
        </p>
      </section>
    )

  const base = files.baseName
  return (
    <section className="card assess-stack" aria-labelledby="cred-detail">
      <h2 id="cred-detail" ref={heading} tabIndex={-1} className="section-title">
        <bdi dir="auto">{cred.learnerName}</bdi> — <bdi dir="auto">{cred.achievementName}</bdi>
      </h2>
      {cred.revokedAt ? (
        <p className="cred-revoked" role="status">
          {t('credentials.revokedOn', {
            at: dates.dateTime(cred.revokedAt),
            reason: cred.revocationReason ?? '',
          })}
        </p>
      ) : cred.supersededById ? (
        <p className="muted">{t('credentials.superseded')}</p>
      ) : (
        <p className="cred-active">{t('credentials.active')}</p>
      )}
      <dl className="facts">
        <dt>{t('credentials.issuedAt')}</dt>
        <dd>
          <time dateTime={cred.issuedAt}>{dates.dateTime(cred.issuedAt)}</time>
        </dd>
        <dt>{t('credentials.validUntil')}</dt>
        <dd>
          {cred.validUntil ? (
            <time dateTime={cred.validUntil}>{dates.date(cred.validUntil)}</time>
          ) : (
            t('credentials.noExpiry')
          )}
        </dd>
        <dt>{t('credentials.credentialId')}</dt>
        <dd>
          <bdi dir="ltr" className="mono">
            {cred.id}
          </bdi>
        </dd>
      </dl>
      <div className="assess-row">
        <Button
          onClick={() =>
            files.pdfBase64 && download(`${base}.pdf`, blobOf({ base64: files.pdfBase64 }, 'application/pdf'))
          }
        >
          {t('credentials.savePdf')}
        </Button>
        <Button onClick={() => frame.current?.contentWindow?.print()}>{t('credentials.printPdf')}</Button>
        <Button onClick={() => download(`${base}.json`, blobOf({ text: files.json }, 'application/json'))}>
          {t('credentials.saveJson')}
        </Button>
        <Button onClick={() => download(`${base}.jwt`, blobOf({ text: files.jwt }, 'application/jwt'))}>
          {t('credentials.saveJwt')}
        </Button>
        <Button onClick={() => download(`${base}.png`, blobOf({ base64: files.pngBase64 }, 'image/png'))}>
          {t('credentials.savePng')}
        </Button>
      </div>
      {!cred.revokedAt && !cred.supersededById && (
        <div className="assess-row">
          <Button variant="danger" onClick={() => setDialog('revoke')}>
            {t('credentials.revoke')}
          </Button>
          <Button onClick={() => setDialog('reissue')}>{t('credentials.reissue')}</Button>
        </div>
      )}
      {pdfUrl && (
        <iframe
          ref={frame}
          className="cred-pdf"
          src={pdfUrl}
          title={t('credentials.pdfPreview', { name: cred.learnerName })}
        />
      )}
      <Dialog
        open={dialog !== null}
        title={dialog === 'revoke' ? t('credentials.revokeTitle') : t('credentials.reissueTitle')}
        onClose={() => {
          setDialog(null)
          setReasonError(null)
        }}
        actions={
          <Button variant={dialog === 'revoke' ? 'danger' : 'primary'} busy={busy} onClick={() => void act()}>
            {dialog === 'revoke' ? t('credentials.revokeConfirm') : t('credentials.reissueConfirm')}
          </Button>
        }
      >
        <p>
          {dialog === 'revoke'
            ? t('credentials.revokeBody', { name: cred.learnerName })
            : t('credentials.reissueBody', { name: cred.learnerName })}
        </p>
        <TextField
          id="cred-reason"
          label={t('credentials.reason')}
          required
          multiline
          value={reason}
          onChange={setReason}
          error={reasonError ?? undefined}
        />
      </Dialog>
    </section>
  )
}
