import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseKeyEnvelope } from '../../src/core/crypto/keystore'
import { didKeyFromPublicJwk } from '../../src/core/crypto/keys'
import { openInitializedTessera } from '../helpers/temp-db'
import { assess, closeAll, open, syncWorld } from '../sync/fixtures'
import { auditCount, finalizedAssessment, issueWorld } from './fixtures'

const checkOf = (report: { checks: { name: string; status: string; message: string }[] }, name: string) =>
  report.checks.find((c) => c.name === name)!

describe('issuer keys', () => {
  it('init makes an Ed25519 and a P-256 key, sealed, audited; the issuer id is the did:key', async () => {
    const t = await openInitializedTessera()
    const { keys, currentIssuerId } = await t.call('keys.list', {})
    expect(keys.map((k) => k.type).sort()).toEqual(['Ed25519', 'P-256'])
    const ed = keys.find((k) => k.type === 'Ed25519')!
    expect(currentIssuerId).toBe(didKeyFromPublicJwk(ed.publicJwk))
    for (const k of keys) {
      expect(k).toMatchObject({
        issuerId: currentIssuerId,
        retiredAt: null,
        canSign: true,
        deviceId: t.ctx.deviceId,
      })
      expect(k.kid).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(Date.parse(k.createdAt)).not.toBeNaN()
      expect(k.publicJwk).not.toHaveProperty('d')
    }
    const rows = t.ctx.database.sqlite.prepare('SELECT private_envelope FROM issuer_key').all() as {
      private_envelope: string
    }[]
    for (const r of rows) {
      const env = parseKeyEnvelope(r.private_envelope)
      expect(env.kdf.name).toBe('scrypt')
      expect(r.private_envelope).not.toMatch(/"d"/)
    }
    expect(auditCount(t, 'key.create')).toBe(2)
  })

  it('init refuses a short passphrase and then leaves nothing behind', async () => {
    const { openTempTessera } = await import('../helpers/temp-db')
    const t = openTempTessera({ secrets: { passphrase: async () => 'short' } })
    await expect(t.call('system.init', { organization: { name: 'X' } })).rejects.toMatchObject({
      code: 'validation',
    })
    expect((await t.call('system.status', {})).initialized).toBe(false)
    expect((await t.call('keys.list', {})).keys).toEqual([])
  })

  it('rotation retires the old keys, which still verify what they signed; new credentials use the new keys', async () => {
    const w = await issueWorld()
    const before = await w.t.call('credentials.issue', { assessmentId: await finalizedAssessment(w) })
    const rotated = await w.t.call('keys.rotate', { reason: 'yearly rotation' })
    expect(rotated.issuerId).not.toBe(before.credential.issuerId)
    expect(rotated.retired).toHaveLength(2)
    const { keys, currentIssuerId } = await w.t.call('keys.list', {})
    expect(currentIssuerId).toBe(rotated.issuerId)
    expect(keys.filter((k) => k.retiredAt !== null).map((k) => k.issuerId)).toEqual([
      before.credential.issuerId,
      before.credential.issuerId,
    ])
    expect(auditCount(w.t, 'key.retire')).toBe(2)

    const after = await w.t.call('credentials.issue', { assessmentId: await finalizedAssessment(w) })
    expect(after.credential.issuerId).toBe(rotated.issuerId)
    for (const json of [before.artefacts.json, after.artefacts.json]) {
      const v = await w.t.call('credentials.verify', { source: { kind: 'text', text: json } })
      expect(v.verified, JSON.stringify(v.checks)).toBe(true)
      expect(checkOf(v, 'issuer').status).toBe('passed')
      expect(checkOf(v, 'status').message).toMatch(/^Not revoked \(list of/)
    }
    // The status list is now signed by the new key.
    const { lists } = await w.t.call('credentials.statusList', {})
    expect(lists[0]!.issuerId).toBe(rotated.issuerId)
    // The public-keys file carries both generations, the old one retired.
    const { document } = await w.t.call('keys.exportPublic', {})
    const issuers = document.issuers as {
      id: string
      current: boolean
      keys: { retiredAt: string | null }[]
    }[]
    expect(issuers.map((i) => [i.id, i.current])).toEqual([
      [before.credential.issuerId, false],
      [rotated.issuerId, true],
    ])
    expect(issuers[0]!.keys.every((k) => k.retiredAt !== null)).toBe(true)
  })

  it('another organization trusts our credentials once it imports our public keys, and sees our revocations from our signed list', async () => {
    const ours = await issueWorld()
    const issued = await ours.t.call('credentials.issue', { assessmentId: await finalizedAssessment(ours) })
    const theirs = await openInitializedTessera()
    await theirs.call('organization.update', {
      name: 'Southgate College',
      url: null,
      email: null,
      description: null,
      logo: null,
    })

    const unknown = await theirs.call('credentials.verify', {
      source: { kind: 'text', text: issued.artefacts.json },
    })
    expect(unknown.verified).toBe(true) // a valid signature, but...
    expect(checkOf(unknown, 'issuer')).toMatchObject({ status: 'warning' })
    expect(checkOf(unknown, 'issuer').message).toMatch(/^Third-party credential/)
    expect(checkOf(unknown, 'status')).toMatchObject({
      status: 'warning',
      message: expect.stringMatching(/^Status not checked/),
    })

    const exported = await ours.t.call('keys.exportPublic', {})
    expect(exported.fileName).toBe('northside-skills-trust.public-keys.json')
    const imported = await theirs.call('keys.importPublic', { document: exported.document })
    expect(imported).toMatchObject({ organization: 'Northside Skills Trust', unchanged: 0, statusLists: 1 })
    expect(imported.imported).toHaveLength(2)
    expect(auditCount(theirs, 'key.import')).toBe(2)
    const again = await theirs.call('keys.importPublic', { document: exported.document })
    expect(again).toMatchObject({ imported: [], unchanged: 2 })

    const trusted = await theirs.call('credentials.verify', {
      source: { kind: 'text', text: issued.artefacts.json },
    })
    expect(trusted.verified).toBe(true)
    expect(checkOf(trusted, 'issuer')).toMatchObject({ status: 'passed' })
    expect(checkOf(trusted, 'issuer').message).toMatch(/Northside Skills Trust .* a trusted issuer/)
    expect(checkOf(trusted, 'status').message).toMatch(/^Not revoked \(list of/)
    expect(trusted.held).toBeNull()

    await ours.t.call('credentials.revoke', { id: issued.credential.id, reason: 'issued in error' })
    const refreshed = await ours.t.call('keys.exportPublic', {})
    await theirs.call('keys.importPublic', { document: refreshed.document })
    const revoked = await theirs.call('credentials.verify', {
      source: { kind: 'text', text: issued.artefacts.json },
    })
    expect(revoked.verified).toBe(false)
    expect(checkOf(revoked, 'status')).toMatchObject({ status: 'failed' })
    expect(checkOf(revoked, 'status').message).toMatch(/Revoked by the issuer/)

    // Our own keys are not "imported"; a file whose key does not match its issuer is refused.
    await expect(ours.t.call('keys.importPublic', { document: refreshed.document })).rejects.toMatchObject({
      code: 'conflict',
    })
    const forged = structuredClone(refreshed.document) as { issuers: { id: string }[] }
    forged.issuers[0]!.id = (await theirs.call('keys.list', {})).currentIssuerId!
    await expect(theirs.call('keys.importPublic', { document: forged })).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/is not the key of/),
    })
    // A status list from an issuer nobody trusts is not held.
    const stranger = await openInitializedTessera()
    await expect(
      stranger.call('credentials.importStatusList', {
        credential: (refreshed.document.statusLists as Record<string, unknown>[])[0]!,
      }),
    ).rejects.toMatchObject({ code: 'forbidden' })
  })
})

describe('credentials across sync', () => {
  afterEach(closeAll)

  it("a field device's credential, keys, status list and later revocation reach the hub, which verifies them offline", async () => {
    const w = await syncWorld()
    const a = open(w.aFile)
    const { assessmentId } = await assess(a, { given: 'Amina', family: 'Yusuf', rubricId: w.rubricId })
    const issued = await a.call('credentials.issue', { assessmentId })
    const bongani = await assess(a, { given: 'Bongani', family: 'Dlamini', rubricId: w.rubricId })
    const other = await a.call('credentials.issue', { assessmentId: bongani.assessmentId })
    const first = await a.call('sync.export', { outFile: path.join(w.dir, 'a1.tsb') })
    expect(first.counts).toMatchObject({ credential: 2, status_list: 1 })
    a.close()

    const hub = open(w.hubFile)
    await hub.call('sync.import', {
      file: path.join(w.dir, 'a1.tsb'),
      trustDevice: true,
      receiptFile: path.join(w.dir, 'a1.receipt'),
    })
    const atHub = await hub.call('credentials.get', { id: issued.credential.id })
    expect(atHub.revokedAt).toBeNull()
    const fieldKeys = (await hub.call('keys.list', {})).keys.filter(
      (k) => k.issuerId === issued.credential.issuerId,
    )
    expect(fieldKeys.map((k) => k.canSign)).toEqual([false, false]) // the private halves never travel
    const v = await hub.call('credentials.verify', { source: { kind: 'text', text: issued.artefacts.json } })
    expect(v.verified, JSON.stringify(v.checks)).toBe(true)
    expect(checkOf(v, 'issuer').status).toBe('passed')
    expect(checkOf(v, 'status').message).toMatch(/^Not revoked \(list of/)
    expect(v.held).toMatchObject({ issuedHere: false, revokedAt: null })
    // Revoked at the hub: the field device's signed list cannot say so, the hub's records do.
    await hub.call('credentials.revoke', { id: other.credential.id, reason: 'duplicate award' })
    const revokedAtHub = await hub.call('credentials.verify', {
      source: { kind: 'text', text: other.artefacts.json },
    })
    expect(revokedAtHub.verified).toBe(false)
    expect(checkOf(revokedAtHub, 'status')).toMatchObject({ status: 'failed' })
    expect(checkOf(revokedAtHub, 'status').message).toMatch(
      /duplicate award \(this installation's records\)$/,
    )
    hub.close()

    const a2 = open(w.aFile)
    await a2.call('sync.importReceipt', { file: path.join(w.dir, 'a1.receipt') })
    await a2.call('credentials.revoke', { id: issued.credential.id, reason: 'wrong learner' })
    await a2.call('credentials.revoke', { id: other.credential.id, reason: 'revoked on the device too' })
    const second = await a2.call('sync.export', { outFile: path.join(w.dir, 'a2.tsb') })
    expect(second.counts).toMatchObject({ credential: 2, status_list: 1 })
    a2.close()

    const hub2 = open(w.hubFile)
    const r = await hub2.call('sync.import', { file: path.join(w.dir, 'a2.tsb') })
    expect(r.counts.conflict).toBe(0)
    expect((await hub2.call('credentials.get', { id: issued.credential.id })).revocationReason).toBe(
      'wrong learner',
    )
    // Revoked on both sides: the revocation held first stays, and it is no conflict.
    expect((await hub2.call('credentials.get', { id: other.credential.id })).revocationReason).toBe(
      'duplicate award',
    )
    const after = await hub2.call('credentials.verify', {
      source: { kind: 'text', text: issued.artefacts.json },
    })
    expect(after.verified).toBe(false)
    expect(checkOf(after, 'status')).toMatchObject({ status: 'failed' })
    expect((await hub2.call('system.doctor', {})).ok).toBe(true)
  })
})
