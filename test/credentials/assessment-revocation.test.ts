import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { decodeBitstring } from '../../src/core/credentials/status-list'
import { assess, closeAll, open, syncWorld } from '../sync/fixtures'

/**
 * A credential stands only as long as its assessment: voiding the assessment, or finalizing a
 * correction of it, revokes the credential in the same transaction (status list re-signed, audited),
 * verification then says "revoked", and the revocation reaches the hub with the next export.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-void-revokes-'))
afterEach(closeAll)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

type T = ReturnType<typeof open>

async function statusBit(t: T, credentialId: string): Promise<boolean> {
  const row = t.ctx.database.sqlite
    .prepare(
      `SELECT c.status_index AS i, l.signed_json AS s FROM credential c JOIN status_list l ON l.id = c.status_list_id WHERE c.id = ?`,
    )
    .get(credentialId) as { i: number; s: string }
  const signed = JSON.parse(row.s) as { credentialSubject: { encodedList: string } }
  const bits = await decodeBitstring(signed.credentialSubject.encodedList)
  return ((bits[row.i >> 3]! >> (7 - (row.i & 7))) & 1) === 1
}

const statusCheck = async (t: T, json: string) => {
  const v = await t.call('credentials.verify', { source: { kind: 'text', text: json } })
  return { verified: v.verified, status: v.checks.find((c) => c.name === 'status') }
}

describe('voiding or correcting an assessment revokes its credential', () => {
  it('void: revoked with a reason that says so, bit set, verify fails on status; the hub holds it revoked after sync', async () => {
    const w = await syncWorld(path.join(dir, 'void'))
    const a = open(w.aFile)
    const { assessmentId } = await assess(a, { given: 'Amina', family: 'Yusuf', rubricId: w.rubricId })
    const issued = await a.call('credentials.issue', { assessmentId })
    const id = issued.credential.id
    expect(await statusBit(a, id)).toBe(false)
    expect((await statusCheck(a, issued.artefacts.json)).verified).toBe(true)
    // The hub gets the credential while it is still valid.
    const first = path.join(dir, 'void', 'a1.tsb')
    await a.call('sync.export', { outFile: first })

    await a.call('assessments.void', { id: assessmentId, reason: 'Wrong learner recorded' })
    const cred = await a.call('credentials.get', { id })
    expect(cred.revokedAt).not.toBeNull()
    expect(cred.revocationReason).toBe(`Assessment ${assessmentId} was voided: Wrong learner recorded`)
    expect(await statusBit(a, id)).toBe(true)
    const v = await statusCheck(a, issued.artefacts.json)
    expect(v.verified).toBe(false)
    expect(v.status).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/^Revoked .*was voided: Wrong learner recorded/),
    })
    // Audited in the same transaction as the void.
    const audit = a.ctx.database.sqlite
      .prepare(
        `SELECT action, entity_id FROM audit_log WHERE action IN ('assessment.void', 'credential.revoke') ORDER BY seq`,
      )
      .all()
    expect(audit).toEqual([
      { action: 'credential.revoke', entity_id: id },
      { action: 'assessment.void', entity_id: assessmentId },
    ])
    const second = path.join(dir, 'void', 'a2.tsb')
    await a.call('sync.export', { outFile: second })
    a.close()

    // At the hub, in both orders: the credential is revoked, its list copy has the bit set.
    for (const order of [
      [first, second],
      [second, first],
    ]) {
      const hubCopy = path.join(dir, 'void', `hub-${order[0] === first ? 'in-order' : 'reversed'}.db`)
      fs.copyFileSync(w.hubFile, hubCopy)
      const hub = open(hubCopy)
      for (const f of order) await hub.call('sync.import', { file: f, trustDevice: true })
      const atHub = await hub.call('credentials.get', { id })
      expect(atHub.revocationReason).toBe(cred.revocationReason)
      expect(atHub.revokedAt).toBe(cred.revokedAt)
      expect(await statusBit(hub, id)).toBe(true)
      const hv = await statusCheck(hub, issued.artefacts.json)
      expect(hv.verified).toBe(false)
      expect(hv.status).toMatchObject({ status: 'failed' })
      expect((await hub.call('sync.status', {})).conflictsOpen).toBe(0)
      hub.close()
    }
  })

  it('a wrong passphrase voids nothing: the void and the revocation are one transaction', async () => {
    const w = await syncWorld(path.join(dir, 'atomic'))
    const a = open(w.aFile)
    const { assessmentId } = await assess(a, { given: 'Bongani', family: 'Dlamini', rubricId: w.rubricId })
    const issued = await a.call('credentials.issue', { assessmentId })
    a.close()
    const { openTessera } = await import('../../src/core/app')
    const wrong = openTessera({ dbFile: w.aFile, secrets: { passphrase: async () => 'not the passphrase' } })
    try {
      const r = await wrong.dispatch('assessments.void', { id: assessmentId, reason: 'Mistake' })
      expect(r.ok).toBe(false)
      expect((await wrong.call('assessments.get', { id: assessmentId })).state).toBe('finalized')
      expect((await wrong.call('credentials.get', { id: issued.credential.id })).revokedAt).toBeNull()
    } finally {
      wrong.close()
    }
    const db = new Database(w.aFile, { readonly: true })
    expect(db.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'assessment.void'`).get()).toEqual({
      n: 0,
    })
    db.close()
  })

  it('correction: finalizing it revokes the old credential; the correction, if it passes, gets its own', async () => {
    const w = await syncWorld(path.join(dir, 'correct'))
    const a = open(w.aFile)
    const { assessmentId } = await assess(a, { given: 'Chipo', family: 'Banda', rubricId: w.rubricId })
    const issued = await a.call('credentials.issue', { assessmentId })
    const draft = await a.call('assessments.correct', { id: assessmentId })
    // A correction in progress changes nothing yet.
    expect((await a.call('credentials.get', { id: issued.credential.id })).revokedAt).toBeNull()
    await a.call('assessments.saveDraft', {
      id: draft.id,
      scores: [{ criterionId: 'prep', levelId: 'expert' }],
    })
    await a.call('assessments.finalize', { id: draft.id })
    const old = await a.call('credentials.get', { id: issued.credential.id })
    expect(old.revocationReason).toBe(
      `Assessment ${assessmentId} was corrected by assessment ${draft.id}; a credential can be issued from the correction if it passes`,
    )
    expect(await statusBit(a, issued.credential.id)).toBe(true)
    expect((await statusCheck(a, issued.artefacts.json)).verified).toBe(false)
    // The corrected assessment can no longer carry one; the correction can.
    await expect(a.call('credentials.issue', { assessmentId, reissue: true })).rejects.toMatchObject({
      code: 'conflict',
    })
    const next = await a.call('credentials.issue', { assessmentId: draft.id })
    expect(next.created).toBe(true)
    expect((await statusCheck(a, next.artefacts.json)).verified).toBe(true)
  })

  it('a credential the hub issued is revoked at the hub when the void arrives', async () => {
    const w = await syncWorld(path.join(dir, 'hub-issued'))
    const a = open(w.aFile)
    const { assessmentId } = await assess(a, { given: 'Dawit', family: 'Bekele', rubricId: w.rubricId })
    const first = path.join(dir, 'hub-issued', 'a1.tsb')
    await a.call('sync.export', { outFile: first })
    await a.call('assessments.void', { id: assessmentId, reason: 'Assessed against the wrong rubric' })
    const voidedAt = (await a.call('assessments.get', { id: assessmentId })).voidedAt
    const second = path.join(dir, 'hub-issued', 'a2.tsb')
    await a.call('sync.export', { outFile: second })
    a.close()

    // The office issues the badge from the first bundle, then the void arrives.
    const hub = open(w.hubFile)
    await hub.call('sync.import', { file: first, trustDevice: true })
    const issued = await hub.call('credentials.issue', { assessmentId })
    await hub.call('sync.import', { file: second })
    const cred = await hub.call('credentials.get', { id: issued.credential.id })
    expect(cred.revokedAt).toBe(voidedAt)
    expect(cred.revocationReason).toBe(
      `Assessment ${assessmentId} was voided: Assessed against the wrong rubric`,
    )
    expect((await statusCheck(hub, issued.artefacts.json)).verified).toBe(false)
    // The hub's own list is re-signed when asked (no passphrase is asked during an import).
    await hub.call('credentials.statusList', {})
    expect(await statusBit(hub, issued.credential.id)).toBe(true)
    expect((await hub.call('system.doctor', {})).ok).toBe(true)
  })
})
