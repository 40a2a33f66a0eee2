import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { TesseraError } from '../../../../contract/errors'
import type { OpOutput } from '../../../../contract/ops'
import { api } from '../../api'
import { Button } from '../../components/button'
import type { Column } from '../../components/data-table'
import { Dialog } from '../../components/dialog'
import { ErrorBanner } from '../../components/error-banner'
import { asTesseraError } from '../../components/form-errors'
import { OpTable } from '../../components/op-table'
import { useToast } from '../../components/toast'
import { useOp } from '../../hooks/use-op'
import { download } from '../credentials/files'

type KeyInfo = OpOutput<'keys.list'>['keys'][number]

/** One key generation: the Ed25519 key of its did:key and the P-256 key of its VC-JWTs, made together. */
interface Generation {
  issuerId: string
  fingerprint: string
  types: string[]
  createdAt: string
  retiredAt: string | null
}

function generationsOf(keys: readonly KeyInfo[]): Generation[] {
  const byIssuer = new Map<string, KeyInfo[]>()
  for (const k of keys) byIssuer.set(k.issuerId, [...(byIssuer.get(k.issuerId) ?? []), k])
  return [...byIssuer.entries()]
    .map(([issuerId, ks]) => {
      const main = ks.find((k) => k.type === 'Ed25519') ?? ks[0]!
      return {
        issuerId,
        fingerprint: main.fingerprint,
        types: ks.map((k) => k.type).sort(),
        createdAt: main.createdAt,
        retiredAt: ks.every((k) => k.retiredAt) ? main.retiredAt : null,
      }
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
}

/**
 * This organization's issuer keys: which one signs new credentials, which are retired (they still
 * verify what they signed), rotation, and the public-keys file other installations import.
 * Rotation needs the key passphrase; the app-wide unlock dialog asks for it when the op says so.
 */
export function KeysSection(): ReactNode {
  const { t, i18n } = useTranslation()
  const toast = useToast()
  const [keys, reload] = useOp('keys.list', {})
  const [confirming, setConfirming] = useState(false)
  const [rotating, setRotating] = useState(false)
  const [exporting, setExporting] = useState(false)
  const [error, setError] = useState<TesseraError | null>(null)
  const dateTime = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })

  async function rotate(): Promise<void> {
    setRotating(true)
    setError(null)
    try {
      await api.call('keys.rotate', {})
      setConfirming(false)
      reload()
      toast.notify('success', t('settingsKeys.rotated'))
    } catch (e) {
      setError(asTesseraError(e))
    } finally {
      setRotating(false)
    }
  }

  async function exportPublic(): Promise<void> {
    setExporting(true)
    setError(null)
    try {
      const r = await api.call('keys.exportPublic', {})
      download(r.fileName, new Blob([JSON.stringify(r.document, null, 2)], { type: 'application/json' }))
      toast.notify('success', t('settingsKeys.exported', { file: r.fileName }))
    } catch (e) {
      setError(asTesseraError(e))
    } finally {
      setExporting(false)
    }
  }

  const columns: Column<Generation>[] = [
    {
      key: 'id',
      header: t('settingsKeys.id'),
      cell: (k) => (
        <bdi dir="ltr" className="mono" title={k.issuerId}>
          {k.fingerprint}
        </bdi>
      ),
    },
    {
      key: 'type',
      header: t('settingsKeys.algorithm'),
      cell: (k) => <bdi dir="ltr">{k.types.join(' + ')}</bdi>,
    },
    {
      key: 'created',
      header: t('settingsKeys.created'),
      cell: (k) => dateTime.format(new Date(k.createdAt)),
    },
    {
      key: 'state',
      header: t('settingsKeys.state'),
      cell: (k) =>
        k.retiredAt ? (
          t('settingsKeys.retired', { date: dateTime.format(new Date(k.retiredAt)) })
        ) : (
          <strong>{t('settingsKeys.current')}</strong>
        ),
    },
  ]

  return (
    <section className="card" aria-labelledby="settings-keys">
      <h2 id="settings-keys" className="section-title">
        {t('settingsKeys.section')}
      </h2>
      <p className="muted">{t('settingsKeys.intro')}</p>
      {!confirming && <ErrorBanner error={error} />}
      <OpTable
        state={keys}
        rows={(v) => generationsOf(v.keys)}
        loading={t('settingsKeys.loading')}
        failed={(e) => t('settingsKeys.loadFailed', { message: e.message })}
        caption={t('settingsKeys.caption')}
        columns={columns}
        rowKey={(k) => k.issuerId}
        empty={t('settingsKeys.none')}
      />
      <div className="form-actions">
        <Button onClick={() => setConfirming(true)}>{t('settingsKeys.rotate')}</Button>
        <Button busy={exporting} onClick={() => void exportPublic()}>
          {t('settingsKeys.export')}
        </Button>
      </div>
      <p className="muted">{t('settingsKeys.exportHint')}</p>

      <Dialog
        open={confirming}
        title={t('settingsKeys.confirmTitle')}
        onClose={() => {
          setConfirming(false)
          setError(null)
        }}
        actions={
          <Button variant="primary" busy={rotating} onClick={() => void rotate()}>
            {t('settingsKeys.confirmRotate')}
          </Button>
        }
      >
        <ErrorBanner error={confirming ? error : null} />
        <p>{t('settingsKeys.confirmBody')}</p>
        <p>{t('settingsKeys.confirmAfter')}</p>
      </Dialog>
    </section>
  )
}
