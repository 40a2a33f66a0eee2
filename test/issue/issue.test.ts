import fs from 'node:fs'
import path from 'node:path'
import Ajv2019 from 'ajv/dist/2019.js'
import addFormats from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import { openTessera } from '../../src/core/app'
import { sha256Hex } from '../../src/core/node/hash'
import { checkRubricConsistency } from '../../src/core/verify/rubric-consistency'
import { verifyCredential } from '../../src/core/verify/verify'
import { PNG_1PX } from '../assessments/fixtures'
import { standardsDir } from '../credentials/fixtures'
import { tempDir } from '../helpers/temp-db'
import {
  auditCount,
  FAIL,
  finalizedAssessment,
  issueWorld,
  pdfPageCount,
  sqliteCount,
  tool,
} from './fixtures'

const officialSchema = JSON.parse(
  fs.readFileSync(path.join(standardsDir, 'schemas/achievementcredential.json'), 'utf8'),
) as object
const ajv = new Ajv2019({ allErrors: true, strict: false })
addFormats(ajv)
const validateOfficial = ajv.compile(officialSchema)

const checkOf = (report: { checks: { name: string; status: string; message: string }[] }, name: string) =>
  report.checks.find((c) => c.name === name)!

describe('credentials.issue', () => {
  it('issues a signed Open Badge that passes the official schema and rubric rules, with evidence by id and SHA-256', async () => {
    const w = await issueWorld({ validityMonths: 24 })
    const draft = await finalizedAssessment(w, { finalize: false })
    const evidence = await w.t.call('evidence.add', {
      assessmentId: draft,
      filename: 'isolation-proof.png',
      mediaType: 'image/png',
      dataBase64: PNG_1PX.toString('base64'),
    })
    await w.t.call('assessments.finalize', { id: draft })

    const r = await w.t.call('credentials.issue', { assessmentId: draft, withPdf: true })
    expect(r.created).toBe(true)
    expect(r.credential).toMatchObject({
      assessmentId: draft,
      learnerId: w.learnerId,
      learnerName: 'Amina Yusuf',
      achievementName: 'Electrical safety',
      revokedAt: null,
      supersedesId: null,
    })
    expect(r.credential.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/)
    expect(r.artefacts.baseName).toBe(r.credential.id.slice('urn:uuid:'.length))

    const credential = JSON.parse(r.artefacts.json) as {
      type: string[]
      issuer: { id: string }
      proof: object[]
      validFrom: string
      validUntil: string
      evidence: { id?: string; digestSRI?: string }[]
      credentialStatus: object
    }
    expect(validateOfficial(credential), JSON.stringify(validateOfficial.errors)).toBe(true)
    expect(
      checkRubricConsistency(credential as unknown as Record<string, unknown>).filter(
        (i) => i.severity === 'error',
      ),
    ).toEqual([])
    expect(credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential'])
    expect(credential.issuer.id).toBe(r.credential.issuerId)
    expect(credential.issuer.id).toMatch(/^did:key:z6Mk/)
    expect(credential.proof[0]).toMatchObject({ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022' })
    // 24 validity months
    const from = new Date(credential.validFrom)
    const until = new Date(credential.validUntil)
    expect(until.getUTCFullYear() - from.getUTCFullYear()).toBe(2)
    expect(r.credential.validUntil).toBe(credential.validUntil)
    // Evidence: by id and SHA-256 (SRI), never the bytes.
    const ev = credential.evidence.find((e) => e.id === `urn:uuid:${evidence.id}`)
    expect(ev).toBeDefined()
    expect(ev!.digestSRI).toBe('sha256-' + Buffer.from(sha256Hex(PNG_1PX), 'hex').toString('base64'))
    expect(r.artefacts.json).not.toContain(PNG_1PX.toString('base64'))
    // Status: a slot in this installation's list, at a URL derived from the organization's address.
    expect(credential.credentialStatus).toMatchObject({
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListCredential: r.credential.statusListUrl,
      statusListIndex: String(r.credential.statusIndex),
    })
    expect(r.credential.statusListUrl).toMatch(
      /^https:\/\/northside\.example\/credentials\/status\/[0-9a-f-]{36}$/,
    )
    // The learner's email is hashed, never in clear.
    expect(r.artefacts.json.toLowerCase()).not.toContain('amina.yusuf@example.org')

    // Every artefact verifies: JSON, VC-JWT, baked PNG, and the email matches.
    for (const source of [
      { kind: 'text' as const, text: r.artefacts.json },
      { kind: 'text' as const, text: r.artefacts.jwt },
      { kind: 'png' as const, dataBase64: r.artefacts.pngBase64 },
      { kind: 'qr' as const, text: r.artefacts.qrToken },
    ]) {
      const v = await w.t.call('credentials.verify', { source, email: 'amina.yusuf@example.org' })
      expect(v.verified, `${source.kind}: ${JSON.stringify(v.checks)}`).toBe(true)
      expect(checkOf(v, 'issuer').status).toBe('passed')
      expect(checkOf(v, 'status').status).toBe('passed')
    }
    const wrongEmail = await w.t.call('credentials.verify', {
      source: { kind: 'text', text: r.artefacts.json },
      email: 'someone@example.org',
    })
    expect(wrongEmail.verified).toBe(false)
    expect(checkOf(wrongEmail, 'recipient').status).toBe('failed')
    expect(r.artefacts.pdfBase64).not.toBeNull()
    expect(Buffer.from(r.artefacts.pdfBase64!, 'base64').subarray(0, 5).toString()).toBe('%PDF-')
    expect(auditCount(w.t, 'credential.issue')).toBe(1)
  })

  it('bakes into the achievement image when it has one, else into the default badge', async () => {
    const w = await issueWorld({ image: { mediaType: 'image/png', dataBase64: PNG_1PX.toString('base64') } })
    const r = await w.t.call('credentials.issue', { assessmentId: await finalizedAssessment(w) })
    const png = Buffer.from(r.artefacts.pngBase64, 'base64')
    // The 1×1 image plus the credential chunk: far smaller than the 256×256 default badge.
    expect(png.subarray(16, 24)).toEqual(PNG_1PX.subarray(16, 24)) // same IHDR width/height
    const v = await w.t.call('credentials.verify', {
      source: { kind: 'png', dataBase64: r.artefacts.pngBase64 },
    })
    expect(v.verified).toBe(true)
    expect(v.embedded).toBe('json')
  })

  it('is idempotent: issuing an issued assessment returns the same credential and signs nothing new', async () => {
    const w = await issueWorld()
    const a = await finalizedAssessment(w)
    const first = await w.t.call('credentials.issue', { assessmentId: a })
    const second = await w.t.call('credentials.issue', { assessmentId: a })
    expect(second.created).toBe(false)
    expect(second.credential.id).toBe(first.credential.id)
    expect(second.artefacts.json).toBe(first.artefacts.json)
    expect(second.artefacts.jwt).toBe(first.artefacts.jwt)
    expect(sqliteCount(w.t, 'credential')).toBe(1)
    expect(auditCount(w.t, 'credential.issue')).toBe(1)
  })

  it('re-issues after a name fix: a new credential with the new name supersedes and revokes the old one; history is kept', async () => {
    const w = await issueWorld()
    const a = await finalizedAssessment(w)
    const old = await w.t.call('credentials.issue', { assessmentId: a })
    await w.t.call('learners.update', { id: w.learnerId, givenName: 'Aminah' })
    const again = await w.t.call('credentials.issue', { assessmentId: a })
    expect(again.credential.learnerName).toBe('Amina Yusuf') // the signed name, until re-issued
    const re = await w.t.call('credentials.issue', {
      assessmentId: a,
      reissue: true,
      reason: 'name corrected',
    })
    expect(re.created).toBe(true)
    expect(re.supersededId).toBe(old.credential.id)
    expect(re.credential).toMatchObject({
      learnerName: 'Aminah Yusuf',
      supersedesId: old.credential.id,
      revokedAt: null,
    })
    expect(JSON.parse(re.artefacts.json).awardedDate).toBe(JSON.parse(old.artefacts.json).awardedDate)

    const oldNow = await w.t.call('credentials.get', { id: old.credential.id })
    expect(oldNow.revokedAt).not.toBeNull()
    expect(oldNow.revocationReason).toBe(`Superseded by ${re.credential.id}: name corrected`)
    expect(oldNow.supersededById).toBe(re.credential.id)
    expect(oldNow.history.map((h) => h.action)).toEqual(['credential.issue', 'credential.revoke'])
    expect(sqliteCount(w.t, 'credential')).toBe(2)

    const vOld = await w.t.call('credentials.verify', { source: { kind: 'text', text: old.artefacts.json } })
    expect(vOld.verified).toBe(false)
    expect(checkOf(vOld, 'status')).toMatchObject({ status: 'failed' })
    expect(checkOf(vOld, 'status').message).toMatch(/Revoked/)
    const vNew = await w.t.call('credentials.verify', { source: { kind: 'text', text: re.artefacts.json } })
    expect(vNew.verified).toBe(true)
    // Issuing again now returns the new one.
    expect((await w.t.call('credentials.issue', { assessmentId: a })).credential.id).toBe(re.credential.id)
  })

  it('revokes: verification then fails on the status check, from the signed status list itself', async () => {
    const w = await issueWorld()
    const a = await finalizedAssessment(w)
    const r = await w.t.call('credentials.issue', { assessmentId: a })
    const revoked = await w.t.call('credentials.revoke', {
      id: r.credential.id,
      reason: 'certificate obtained by fraud',
    })
    expect(revoked.revokedAt).not.toBeNull()
    expect(auditCount(w.t, 'credential.revoke')).toBe(1)
    await expect(
      w.t.call('credentials.revoke', { id: r.credential.id, reason: 'again' }),
    ).rejects.toMatchObject({ code: 'conflict' })

    const v = await w.t.call('credentials.verify', { source: { kind: 'text', text: r.artefacts.json } })
    expect(v.verified).toBe(false)
    const status = checkOf(v, 'status')
    expect(status.status).toBe('failed')
    expect(status.message).toMatch(/Revoked/)
    expect(v.checks.filter((c) => c.status === 'failed').map((c) => c.name)).toEqual(['status'])

    // Without this installation's records: the signed list alone says revoked.
    const { lists } = await w.t.call('credentials.statusList', {})
    const own = lists.filter((l) => l.owned)
    expect(own).toHaveLength(1)
    expect(own[0]).toMatchObject({ issued: 1, revoked: 1 })
    const keys = await w.t.call('keys.exportPublic', {})
    const trustedIssuers = (keys.document.issuers as { id: string; keys: { publicJwk: object }[] }[]).map(
      (i) => ({
        id: i.id,
        publicJwks: i.keys.map((k) => k.publicJwk),
      }),
    )
    const pure = await verifyCredential(r.artefacts.json, {
      trustedIssuers,
      statusLists: [{ credential: own[0]!.credential! }],
    })
    expect(pure.verified).toBe(false)
    expect(pure.checks.find((c) => c.name === 'status')?.message).toMatch(/Revoked by the issuer/)
    // An issuance can no longer silently undo the revocation.
    await expect(w.t.call('credentials.issue', { assessmentId: a })).rejects.toMatchObject({
      code: 'conflict',
    })
  })

  it('expired and not-yet-valid credentials fail the dates check with the reason (fake clock)', async () => {
    let clock = new Date()
    const w = await issueWorld({ validityMonths: 1, now: () => clock })
    const a = await finalizedAssessment(w, { assessedOn: clock.toISOString().slice(0, 10) })
    const issuedAt = clock
    const r = await w.t.call('credentials.issue', { assessmentId: a })
    const verify = () => w.t.call('credentials.verify', { source: { kind: 'text', text: r.artefacts.json } })

    clock = new Date(issuedAt.getTime() + 40 * 86_400_000)
    const expired = await verify()
    expect(expired.verified).toBe(false)
    expect(checkOf(expired, 'dates')).toMatchObject({ status: 'failed' })
    expect(checkOf(expired, 'dates').message).toMatch(/^Expired on /)

    clock = new Date(issuedAt.getTime() - 3 * 86_400_000)
    const early = await verify()
    expect(early.verified).toBe(false)
    expect(checkOf(early, 'dates').message).toMatch(/^Not yet valid: valid from /)

    clock = new Date(issuedAt.getTime() + 86_400_000)
    expect((await verify()).verified).toBe(true)
  })

  it('a wrong passphrase never reaches a signature: no credential row, no status list, no audit entry', async () => {
    const w = await issueWorld()
    const a = await finalizedAssessment(w)
    const file = w.t.ctx.database.file
    w.t.close()
    const wrong = openTessera({
      dbFile: file,
      actor: 'intruder',
      secrets: { passphrase: async () => 'not the passphrase' },
    })
    try {
      await expect(wrong.call('credentials.issue', { assessmentId: a })).rejects.toMatchObject({
        code: 'forbidden',
      })
      await expect(wrong.call('keys.rotate', {})).rejects.toMatchObject({ code: 'forbidden' })
      expect(sqliteCount(wrong, 'credential')).toBe(0)
      expect(sqliteCount(wrong, 'status_list')).toBe(0)
      expect(auditCount(wrong, 'credential.issue')).toBe(0)
      expect(auditCount(wrong, 'key.retire')).toBe(0)
    } finally {
      wrong.close()
    }
  })

  it('refuses what cannot carry a credential: a fail, a draft, a voided assessment, an unknown id', async () => {
    const w = await issueWorld()
    const failed = await finalizedAssessment(w, { scores: FAIL })
    await expect(w.t.call('credentials.issue', { assessmentId: failed })).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/did not pass/),
    })
    const draft = await finalizedAssessment(w, { finalize: false })
    await expect(w.t.call('credentials.issue', { assessmentId: draft })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/draft/),
    })
    const voided = await finalizedAssessment(w)
    await w.t.call('assessments.void', { id: voided, reason: 'wrong learner' })
    await expect(w.t.call('credentials.issue', { assessmentId: voided })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/voided/),
    })
    await expect(w.t.call('credentials.issue', { assessmentId: 'no-such-assessment' })).rejects.toMatchObject(
      { code: 'not_found' },
    )
    expect(sqliteCount(w.t, 'credential')).toBe(0)
  })

  it('a tampered credential fails the proof check', async () => {
    const w = await issueWorld()
    const r = await w.t.call('credentials.issue', { assessmentId: await finalizedAssessment(w) })
    const doc = JSON.parse(r.artefacts.json)
    doc.credentialSubject.name = 'Somebody Else'
    const v = await w.t.call('credentials.verify', { source: { kind: 'json', credential: doc } })
    expect(v.verified).toBe(false)
    expect(checkOf(v, 'proof').status).toBe('failed')
    const jwt = r.artefacts.jwt.split('.')
    const payload = JSON.parse(Buffer.from(jwt[1]!, 'base64url').toString())
    payload.credentialSubject.name = 'Somebody Else'
    jwt[1] = Buffer.from(JSON.stringify(payload)).toString('base64url')
    const vj = await w.t.call('credentials.verify', { source: { kind: 'text', text: jwt.join('.') } })
    expect(checkOf(vj, 'proof').status).toBe('failed')
  })

  it('database triggers freeze what was signed: only one revocation is ever allowed', async () => {
    const w = await issueWorld()
    const r = await w.t.call('credentials.issue', { assessmentId: await finalizedAssessment(w) })
    const db = w.t.ctx.database.sqlite
    const id = r.credential.id
    expect(() => db.prepare(`UPDATE credential SET json = '{}' WHERE id = ?`).run(id)).toThrow(
      /cannot be changed/,
    )
    expect(() =>
      db
        .prepare(
          `UPDATE credential SET learner_id = learner_id, valid_until = '2099-01-01T00:00:00Z' WHERE id = ?`,
        )
        .run(id),
    ).toThrow(/cannot be changed/)
    expect(() => db.prepare(`DELETE FROM credential WHERE id = ?`).run(id)).toThrow(/cannot be deleted/)
    db.prepare(
      `UPDATE credential SET revoked_at = '2026-01-01T00:00:00Z', revocation_reason = 'x' WHERE id = ?`,
    ).run(id)
    expect(() =>
      db.prepare(`UPDATE credential SET revoked_at = NULL, revocation_reason = NULL WHERE id = ?`).run(id),
    ).toThrow(/cannot be changed/)
    expect(() => db.prepare(`DELETE FROM issuer_key`).run()).toThrow(/kept/)
    expect(() => db.prepare(`UPDATE issuer_key SET public_jwk = '{}'`).run()).toThrow(/only retired/)
  })
})

describe('credentials.issueCohort', () => {
  it('issues every passed, not yet issued assessment of the cohort, skips the rest, and renders one combined PDF', async () => {
    const w = await issueWorld()
    const layla = await w.t.call('learners.add', {
      givenName: 'ليلى',
      familyName: 'حداد',
      cohorts: ['March 2026'],
    })
    const wei = await w.t.call('learners.add', { givenName: '伟', familyName: '王', cohorts: ['March 2026'] })
    const outsider = await w.t.call('learners.add', {
      givenName: 'Olu',
      familyName: 'Ade',
      cohorts: ['April 2026'],
    })
    const aAmina = await finalizedAssessment(w)
    const aLayla = await finalizedAssessment(w, { learnerId: layla.id })
    await finalizedAssessment(w, { learnerId: wei.id, scores: FAIL }) // failed: not a candidate
    await finalizedAssessment(w, { learnerId: wei.id, finalize: false }) // draft: not a candidate
    await finalizedAssessment(w, { learnerId: outsider.id }) // another cohort
    const already = await w.t.call('credentials.issue', { assessmentId: aAmina })

    const events: { step: string; done: number; total: number }[] = []
    const r = await w.t.call(
      'credentials.issueCohort',
      { cohort: 'March 2026' },
      { progress: (e) => events.push(e) },
    )
    expect(r.issued.map((c) => c.assessmentId)).toEqual([aLayla])
    expect(r.issued[0]!.learnerName).toBe('ليلى حداد')
    expect(r.skipped).toEqual([])
    expect(events.filter((e) => e.step === 'credentials.issue').at(-1)).toMatchObject({ done: 1, total: 1 })

    // The second learner passes a re-take; Amina's credential is revoked (not re-issued by a cohort run).
    const aWei = await finalizedAssessment(w, { learnerId: wei.id })
    await w.t.call('credentials.revoke', { id: already.credential.id, reason: 'issued by mistake' })
    const dir = tempDir()
    const again = await w.t.call('credentials.issueCohort', { cohort: 'March 2026' })
    expect(again.issued.map((c) => c.assessmentId)).toEqual([aWei])
    expect(again.skipped).toEqual([
      expect.objectContaining({ assessmentId: aAmina, reason: expect.stringMatching(/revoked/) }),
    ])

    // N credentials, one PDF with N pages.
    const third = await w.t.call('learners.add', {
      givenName: 'Zoë',
      familyName: 'Ñúñez',
      cohorts: ['March 2026'],
    })
    const fourth = await w.t.call('learners.add', {
      givenName: 'Kofi',
      familyName: 'Mensah',
      cohorts: ['March 2026'],
    })
    await finalizedAssessment(w, { learnerId: third.id })
    await finalizedAssessment(w, { learnerId: fourth.id })
    const last = await w.t.call('credentials.issueCohort', { cohort: 'March 2026', pageSize: 'LETTER' })
    expect(last.issued).toHaveLength(2)
    const pdfFile = path.join(dir, 'cohort.pdf')
    fs.writeFileSync(pdfFile, Buffer.from(last.combinedPdfBase64!, 'base64'))
    expect(pdfPageCount(pdfFile)).toBe(2)
    const text = tool('pdftotext', [pdfFile, '-'])
    expect(text).toContain('Zoë Ñúñez')
    expect(text).toContain('Kofi Mensah')
    expect(sqliteCount(w.t, 'credential')).toBe(5)
    await expect(w.t.call('credentials.issueCohort', { cohort: 'No such cohort' })).rejects.toMatchObject({
      code: 'not_found',
    })
  })
})
