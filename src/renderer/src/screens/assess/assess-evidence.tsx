import { useEffect, useRef, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { EvidenceItem } from '../../../../contract/ops/assessments'
import { EVIDENCE_MEDIA_TYPES } from '../../../../contract/ops/assessments'
import { api } from '../../api'
import { Button } from '../../components/button'

type MediaType = (typeof EVIDENCE_MEDIA_TYPES)[number]
const isMediaType = (s: string): s is MediaType => (EVIDENCE_MEDIA_TYPES as readonly string[]).includes(s)

function toBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader()
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''))
    r.onerror = () => reject(r.error ?? new Error('read failed'))
    r.readAsDataURL(blob)
  })
}

interface Props {
  assessmentId: string
  items: EvidenceItem[]
  editable: boolean
  onChange: (items: EvidenceItem[]) => void
}

/** Evidence files: chosen from disk or captured with the camera, uploaded at once. */
export function AssessEvidence({ assessmentId, items, editable, onChange }: Props): ReactNode {
  const { t } = useTranslation()
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null)
  const [camera, setCamera] = useState<MediaStream | null>(null)
  const video = useRef<HTMLVideoElement>(null)
  const canUseCamera = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia

  useEffect(() => {
    if (video.current && camera) video.current.srcObject = camera
    return () => camera?.getTracks().forEach((tr) => tr.stop())
  }, [camera])

  const upload = async (blob: Blob, filename: string): Promise<void> => {
    if (!isMediaType(blob.type)) {
      setMessage({ kind: 'error', text: t('assess.evidenceType', { name: filename }) })
      return
    }
    setBusy(true)
    setMessage(null)
    try {
      const item = await api.call('evidence.add', {
        assessmentId,
        filename,
        mediaType: blob.type,
        dataBase64: await toBase64(blob),
      })
      onChange([...items, item])
      setMessage({ kind: 'ok', text: t('assess.evidenceAdded', { name: filename }) })
    } catch (e) {
      setMessage({
        kind: 'error',
        text: t('assess.evidenceFailed', {
          name: filename,
          message: e instanceof Error ? e.message : String(e),
        }),
      })
    } finally {
      setBusy(false)
    }
  }

  const capture = (): void => {
    const v = video.current
    if (!v) return
    const canvas = document.createElement('canvas')
    canvas.width = v.videoWidth
    canvas.height = v.videoHeight
    canvas.getContext('2d')?.drawImage(v, 0, 0)
    canvas.toBlob(
      (b) => {
        if (b) void upload(b, `photo-${new Date().toISOString().replace(/[:.]/g, '-')}.jpg`)
        setCamera(null)
      },
      'image/jpeg',
      0.9,
    )
  }

  return (
    <section className="card assess-stack" aria-labelledby="assess-evidence">
      <h2 id="assess-evidence" className="section-title">
        {t('assess.evidence')}
      </h2>
      {items.length === 0 ? (
        <p className="muted">{t('assess.noEvidence')}</p>
      ) : (
        <ul className="assess-evidence-list">
          {items.map((ev) => (
            <li key={ev.id}>
              <bdi dir="auto">{ev.filename}</bdi>
              <span className="muted">
                {ev.mediaType}, {t('assess.kb', { n: Math.max(1, Math.round(ev.size / 1024)) })}
              </span>
              {editable && (
                <Button
                  variant="quiet"
                  aria-label={t('assess.removeEvidence', { name: ev.filename })}
                  onClick={() =>
                    void api.call('evidence.remove', { id: ev.id }).then(
                      () => onChange(items.filter((x) => x.id !== ev.id)),
                      (e: unknown) =>
                        setMessage({ kind: 'error', text: e instanceof Error ? e.message : String(e) }),
                    )
                  }
                >
                  {t('assess.remove')}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {editable && (
        <div className="assess-row">
          <input
            id="assess-evidence-file"
            className="file-input"
            type="file"
            accept={EVIDENCE_MEDIA_TYPES.join(',')}
            multiple
            onChange={(e) => {
              const files = [...(e.target.files ?? [])]
              e.target.value = ''
              void (async () => {
                for (const f of files) await upload(f, f.name)
              })()
            }}
          />
          <label className="btn btn-secondary file-button" htmlFor="assess-evidence-file">
            {t('assess.addEvidence')}
          </label>
          {canUseCamera && !camera && (
            <Button
              onClick={() =>
                void navigator.mediaDevices.getUserMedia({ video: true }).then(setCamera, (e: unknown) =>
                  setMessage({
                    kind: 'error',
                    text: t('assess.cameraFailed', { message: e instanceof Error ? e.message : String(e) }),
                  }),
                )
              }
            >
              {t('assess.useCamera')}
            </Button>
          )}
          {busy && <span className="muted">{t('assess.uploading')}</span>}
        </div>
      )}
      {camera && (
        <div className="assess-camera assess-stack">
          <video ref={video} autoPlay playsInline muted aria-label={t('assess.cameraPreview')} />
          <div className="assess-row">
            <Button variant="primary" onClick={capture}>
              {t('assess.takePhoto')}
            </Button>
            <Button onClick={() => setCamera(null)}>{t('common.cancel')}</Button>
          </div>
        </div>
      )}
      <p role="status" className={message?.kind === 'error' ? 'field-error' : 'muted'}>
        {message?.text}
      </p>
    </section>
  )
}
