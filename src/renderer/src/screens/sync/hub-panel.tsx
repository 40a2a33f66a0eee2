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
import { TextField } from '../../components/text-field'
import { useOp } from '../../hooks/use-op'
import { saveFile } from './file-button'
import { formatDateTime, kindLabel, useReloadOn, type RevisionProps } from './kinds'
import { SyncSection } from './sync-section'

/** Make this installation the hub (first time) and save the file field devices join with. */
export function EnrollPanel({ isHub, onMade }: { isHub: boolean; onMade: () => void }): ReactNode {
  const { t } = useTranslation()
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<TesseraError | null>(null)
  const [made, setMade] = useState<OpOutput<'sync.hubEnrollBytes'> | null>(null)

  const make = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    setMade(null)
    try {
      const out = await api.call('sync.hubEnrollBytes', { name })
      setMade(out)
      saveFile(out.file)
      onMade()
    } catch (e) {
      setError(asTesseraError(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <SyncSection
      id="sync-enroll-title"
      title={isHub ? t('sync.enroll.title') : t('sync.enroll.becomeHub')}
      intro={isHub ? t('sync.enroll.intro') : t('sync.enroll.introNew')}
    >
      <ErrorBanner error={error} />
      {!isHub && (
        <TextField
          id="sync-hub-name"
          label={t('sync.enroll.hubName')}
          hint={t('sync.enroll.hubNameHint')}
          value={name}
          onChange={setName}
          maxLength={200}
        />
      )}
      <div>
        <Button variant="primary" busy={busy} onClick={() => void make()}>
          {t('sync.enroll.make')}
        </Button>
      </div>
      <div role="status" aria-live="polite" className="sync-result" data-testid="sync-enroll-result">
        {made && (
          <div className="sync-stack">
            <p>
              {t('sync.enroll.made')}{' '}
              <span className="mono" dir="ltr">
                {made.fingerprint}
              </span>
            </p>
            <div>
              <Button onClick={() => saveFile(made.file)}>{t('sync.enroll.saveAgain')}</Button>
            </div>
          </div>
        )}
      </div>
    </SyncSection>
  )
}

type Device = OpOutput<'sync.listDevices'>[number]

/** The field devices this hub knows: trust one again, revoke one, or make an update bundle for it. */
export function DevicesPanel({ revision, onChanged }: RevisionProps): ReactNode {
  const { t, i18n } = useTranslation()
  const [devices, reload] = useOp('sync.listDevices', {})
  const [error, setError] = useState<TesseraError | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const [revoking, setRevoking] = useState<Device | null>(null)
  const [reason, setReason] = useState('')
  const [done, setDone] = useState<string | null>(null)
  useReloadOn(revision, reload)

  const act = async (deviceId: string, body: () => Promise<string>): Promise<void> => {
    setBusy(deviceId)
    setError(null)
    setDone(null)
    try {
      setDone(await body())
      reload()
      onChanged()
    } catch (e) {
      setError(asTesseraError(e))
    } finally {
      setBusy(null)
    }
  }

  const trust = (d: Device) =>
    act(d.deviceId, async () => {
      await api.call('sync.trustDevice', { deviceId: d.deviceId })
      return t('sync.devices.trusted', { name: d.name })
    })
  const revoke = (d: Device) =>
    act(d.deviceId, async () => {
      await api.call('sync.revokeDevice', { deviceId: d.deviceId, reason })
      setRevoking(null)
      setReason('')
      return t('sync.devices.revoked', { name: d.name })
    })
  const update = (d: Device) =>
    act(d.deviceId, async () => {
      const out = await api.call('sync.exportBytes', { forDevice: d.deviceId })
      saveFile(out.file)
      return t('sync.devices.updateMade', { name: d.name })
    })

  const deviceColumns: Column<Device>[] = [
    {
      key: 'name',
      header: t('sync.devices.name'),
      rowHeader: true,
      cell: (d) => <bdi dir="auto">{d.name}</bdi>,
    },
    {
      key: 'fingerprint',
      header: t('sync.status.fingerprint'),
      className: 'mono',
      dir: 'ltr',
      cell: (d) => d.fingerprint,
    },
    {
      key: 'state',
      header: t('sync.devices.state'),
      cell: (d) =>
        d.status === 'trusted' ? (
          <span className="cred-active">{t('sync.devices.stateTrusted')}</span>
        ) : (
          <span className="cred-revoked">
            {t('sync.devices.stateRevoked')}
            {d.revokeReason ? ` — ${d.revokeReason}` : ''}
          </span>
        ),
    },
    {
      key: 'lastBundle',
      header: t('sync.devices.lastBundle'),
      cell: (d) => (d.lastBundleAt ? formatDateTime(d.lastBundleAt, i18n.language) : '—'),
    },
    {
      key: 'actions',
      header: <span className="visually-hidden">{t('sync.devices.actions')}</span>,
      cell: (d) => (
        <div className="sync-actions">
          {d.status === 'trusted' ? (
            <>
              <Button
                busy={busy === d.deviceId}
                onClick={() => void update(d)}
                aria-label={t('sync.devices.updateFor', { name: d.name })}
              >
                {t('sync.devices.update')}
              </Button>
              <Button
                variant="danger"
                onClick={() => setRevoking(d)}
                aria-label={t('sync.devices.revokeFor', { name: d.name })}
              >
                {t('sync.devices.revoke')}
              </Button>
            </>
          ) : (
            <Button
              busy={busy === d.deviceId}
              onClick={() => void trust(d)}
              aria-label={t('sync.devices.trustFor', { name: d.name })}
            >
              {t('sync.devices.trust')}
            </Button>
          )}
        </div>
      ),
    },
  ]
  return (
    <SyncSection id="sync-devices-title" title={t('sync.devices.title')} intro={t('sync.devices.intro')}>
      <ErrorBanner error={error} />
      <div role="status" aria-live="polite" className="sync-result">
        {done && <p>{done}</p>}
      </div>
      <OpTable
        state={devices}
        rows={(v) => v.filter((d) => d.role === 'field')}
        loading={t('sync.loading')}
        empty={t('sync.devices.none')}
        labelledBy="sync-devices-title"
        testId="sync-devices"
        columns={deviceColumns}
        rowKey={(d) => d.deviceId}
      />
      <Dialog
        open={revoking !== null}
        title={t('sync.devices.revokeTitle', { name: revoking?.name ?? '' })}
        onClose={() => setRevoking(null)}
        actions={
          <Button
            variant="danger"
            busy={busy !== null}
            disabled={reason.trim() === ''}
            onClick={() => revoking && void revoke(revoking)}
          >
            {t('sync.devices.revoke')}
          </Button>
        }
      >
        <p>{t('sync.devices.revokeBody')}</p>
        <TextField
          id="sync-revoke-reason"
          label={t('sync.devices.reason')}
          value={reason}
          onChange={setReason}
          required
          maxLength={500}
        />
      </Dialog>
    </SyncSection>
  )
}

type Conflict = OpOutput<'sync.showConflict'>
type ConflictRow = OpOutput<'sync.listConflicts'>[number]

const pretty = (v: unknown): string => JSON.stringify(v, null, 2)

/** Records that came with the same id and different content: both kept; a person settles each. */
export function ConflictsPanel({ revision, onChanged }: RevisionProps): ReactNode {
  const { t, i18n } = useTranslation()
  const [conflicts, reload] = useOp('sync.listConflicts', { status: 'open' })
  const [open, setOpen] = useState<Conflict | null>(null)
  const [keep, setKeep] = useState<'current' | 'other'>('current')
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<TesseraError | null>(null)
  const [done, setDone] = useState<string | null>(null)
  useReloadOn(revision, reload)

  const show = async (id: string): Promise<void> => {
    setError(null)
    try {
      setOpen(await api.call('sync.showConflict', { id }))
      setKeep('current')
      setNote('')
    } catch (e) {
      setError(asTesseraError(e))
    }
  }

  const resolve = async (c: Conflict): Promise<void> => {
    setBusy(true)
    setError(null)
    try {
      await api.call('sync.resolveConflict', { id: c.id, keep, note })
      setOpen(null)
      setDone(t('sync.conflicts.resolved', { kind: kindLabel(t, c.kind) }))
      reload()
      onChanged()
    } catch (e) {
      setError(asTesseraError(e))
    } finally {
      setBusy(false)
    }
  }

  const conflictColumns: Column<ConflictRow>[] = [
    { key: 'kind', header: t('sync.import.kind'), rowHeader: true, cell: (c) => kindLabel(t, c.kind) },
    {
      key: 'record',
      header: t('sync.conflicts.record'),
      className: 'mono',
      dir: 'ltr',
      cell: (c) => c.recordId,
    },
    { key: 'reason', header: t('sync.conflicts.reason'), cell: (c) => c.reason },
    {
      key: 'arrived',
      header: t('sync.conflicts.arrived'),
      cell: (c) => formatDateTime(c.createdAt, i18n.language),
    },
    {
      key: 'actions',
      header: <span className="visually-hidden">{t('sync.devices.actions')}</span>,
      cell: (c) => (
        <Button
          onClick={() => void show(c.id)}
          aria-label={t('sync.conflicts.openFor', { kind: kindLabel(t, c.kind), id: c.recordId })}
        >
          {t('sync.conflicts.open')}
        </Button>
      ),
    },
  ]
  const versions = open
    ? open.current === 'held'
      ? { current: open.held, other: open.incoming }
      : { current: open.incoming, other: open.held }
    : null
  return (
    <SyncSection
      id="sync-conflicts-title"
      title={t('sync.conflicts.title')}
      intro={t('sync.conflicts.intro')}
    >
      {!open && <ErrorBanner error={error} />}
      <div role="status" aria-live="polite" className="sync-result">
        {done && <p>{done}</p>}
      </div>
      <OpTable
        state={conflicts}
        rows={(v) => v}
        loading={t('sync.loading')}
        empty={<span data-testid="sync-no-conflicts">{t('sync.conflicts.none')}</span>}
        labelledBy="sync-conflicts-title"
        testId="sync-conflicts"
        columns={conflictColumns}
        rowKey={(c) => c.id}
      />
      <Dialog
        open={open !== null}
        title={open ? t('sync.conflicts.dialogTitle', { kind: kindLabel(t, open.kind) }) : ''}
        onClose={() => setOpen(null)}
        actions={
          open && (
            <Button variant="primary" busy={busy} onClick={() => void resolve(open)}>
              {t('sync.conflicts.resolve')}
            </Button>
          )
        }
      >
        {open && versions && (
          <div className="sync-stack">
            <ErrorBanner error={error} />
            <p>{open.reason}</p>
            <div className="sync-versions">
              {(['current', 'other'] as const).map((k) => (
                <section key={k} aria-labelledby={`sync-v-${k}`}>
                  <h3 id={`sync-v-${k}`} className="sync-subtitle">
                    {k === 'current' ? t('sync.conflicts.current') : t('sync.conflicts.other')}
                  </h3>
                  <pre className="sync-json" dir="ltr" tabIndex={0}>
                    {pretty(versions[k])}
                  </pre>
                </section>
              ))}
            </div>
            <fieldset className="sync-choice">
              <legend>{t('sync.conflicts.choose')}</legend>
              {(['current', 'other'] as const).map((k) => (
                <div className="sync-check" key={k}>
                  <input
                    id={`sync-keep-${k}`}
                    type="radio"
                    name="sync-keep"
                    value={k}
                    checked={keep === k}
                    onChange={() => setKeep(k)}
                  />
                  <label htmlFor={`sync-keep-${k}`}>
                    {k === 'current' ? t('sync.conflicts.keepCurrent') : t('sync.conflicts.takeOther')}
                  </label>
                </div>
              ))}
            </fieldset>
            <TextField
              id="sync-resolve-note"
              label={t('sync.conflicts.note')}
              hint={t('sync.conflicts.noteHint')}
              value={note}
              onChange={setNote}
              multiline
              maxLength={2000}
            />
          </div>
        )}
      </Dialog>
    </SyncSection>
  )
}
