import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { TesseraError } from '../../src/contract/errors'
import { openTessera, type Tessera } from '../../src/core/app'
import { sessionSecrets, type SessionSecrets } from '../../src/core/services/session-secrets'
import { safetyRubric } from '../assessments/fixtures'
import { tempDir } from '../helpers/temp-db'
import { PASS } from '../issue/fixtures'

const PASSPHRASE = 'correct horse battery staple'
const WRONG = 'incorrect horse battery staple'

const open: Tessera[] = []
afterEach(() => {
  for (const t of open.splice(0)) t.close()
})

/** Opens the database file the way `tessera serve` does: the session provider is both secrets and session. */
function openWithSession(dbFile: string, session: SessionSecrets = sessionSecrets()): Tessera {
  const t = openTessera({ dbFile, actor: 'test-user', secrets: session, session })
  open.push(t)
  return t
}

function close(t: Tessera): void {
  open.splice(open.indexOf(t), 1)
  t.close()
}

async function failure(p: Promise<unknown>): Promise<TesseraError> {
  try {
    await p
  } catch (e) {
    if (e instanceof TesseraError) return e
    throw e
  }
  throw new Error('expected the call to fail')
}

/** A set-up installation (keys sealed with PASSPHRASE given to system.init) and a passing assessment. */
async function world(t: Tessera): Promise<{ assessmentId: () => Promise<string> }> {
  await t.call('system.init', { organization: { name: 'Northside Skills Trust' }, passphrase: PASSPHRASE })
  const rubric = await t.call('rubrics.create', {
    achievement: {
      name: 'Electrical safety',
      description: 'Works safely',
      validityMonths: null,
      image: null,
    },
    content: safetyRubric,
  })
  const assessor = await t.call('assessors.add', { name: 'R. Okafor' })
  const learner = await t.call('learners.add', { givenName: 'Amina', familyName: 'Yusuf', cohorts: [] })
  return {
    assessmentId: async () =>
      (
        await t.call('assessments.record', {
          learnerId: learner.id,
          rubricId: rubric.rubric.id,
          assessorId: assessor.id,
          assessedOn: '2026-03-14',
          scores: PASS,
          finalize: true,
        })
      ).id,
  }
}

const credentialCount = (t: Tessera): number =>
  (t.ctx.database.sqlite.prepare('SELECT count(*) AS n FROM credential').get() as { n: number }).n

describe('session secret provider', () => {
  it('asks for nothing itself: with nothing held it throws passphrase_required with the purpose', async () => {
    const s = sessionSecrets()
    const e = await failure(s.passphrase('unlock'))
    expect(e.code).toBe('passphrase_required')
    expect(e.details).toEqual({ purpose: 'unlock' })
    expect((await failure(s.passphrase('create'))).details).toEqual({ purpose: 'create' })
    expect(s.state()).toEqual({ held: false, hostSupplied: false })
  })

  it('holds a passphrase until it is forgotten', async () => {
    const s = sessionSecrets()
    s.hold(PASSPHRASE)
    expect(await s.passphrase('unlock')).toBe(PASSPHRASE)
    expect(s.state()).toEqual({ held: true, hostSupplied: false })
    s.forget()
    expect((await failure(s.passphrase('unlock'))).code).toBe('passphrase_required')
    expect(() => s.hold('')).toThrow(TesseraError)
  })

  it("falls back to the host's passphrase (TESSERA_PASSPHRASE), and what the person gave comes first", async () => {
    const s = sessionSecrets({ hostPassphrase: 'from the environment' })
    expect(await s.passphrase('unlock')).toBe('from the environment')
    expect(s.state()).toEqual({ held: true, hostSupplied: true })
    s.hold(PASSPHRASE)
    expect(await s.passphrase('unlock')).toBe(PASSPHRASE)
    s.forget()
    expect(await s.passphrase('create')).toBe('from the environment')
    // An empty variable is no passphrase.
    expect(sessionSecrets({ hostPassphrase: '' }).state()).toEqual({ held: false, hostSupplied: false })
  })
})

describe('session ops', () => {
  it('setup seals the keys with the passphrase it is given and holds it: issuing needs no unlock', async () => {
    const t = openWithSession(path.join(tempDir(), 'tessera.db'))
    expect(await t.call('session.status', {})).toMatchObject({ hasIssuerKeys: false, unlocked: false })
    const w = await world(t)
    expect(await t.call('session.status', {})).toMatchObject({ hasIssuerKeys: true, unlocked: true })
    const issued = await t.call('credentials.issue', { assessmentId: await w.assessmentId() })
    expect(issued.credential.id).toBeTruthy()
  })

  it('after a restart: locked → passphrase_required and nothing written; wrong → forbidden, nothing held; right → issues', async () => {
    const dbFile = path.join(tempDir(), 'tessera.db')
    const first = openWithSession(dbFile)
    const w = await world(first)
    const assessmentId = await w.assessmentId()
    close(first)

    const t = openWithSession(dbFile)
    expect(await t.call('session.status', {})).toEqual({
      hasIssuerKeys: true,
      unlocked: false,
      hostSupplied: false,
      available: true,
      minPassphraseLength: 8,
    })
    const locked = await failure(t.call('credentials.issue', { assessmentId }))
    expect(locked.code).toBe('passphrase_required')
    expect(locked.details).toEqual({ purpose: 'unlock' })
    expect(credentialCount(t)).toBe(0)

    const wrong = await failure(t.call('session.unlock', { passphrase: WRONG }))
    expect(wrong.code).toBe('forbidden')
    expect(wrong.details).toEqual({ reason: 'wrong_passphrase' })
    expect(wrong.issues?.[0]?.path).toEqual(['passphrase'])
    expect((await t.call('session.status', {})).unlocked).toBe(false)
    expect((await failure(t.call('credentials.issue', { assessmentId }))).code).toBe('passphrase_required')

    expect((await t.call('session.unlock', { passphrase: PASSPHRASE })).unlocked).toBe(true)
    await t.call('credentials.issue', { assessmentId })
    expect(credentialCount(t)).toBe(1)
  })

  it('lock forgets the passphrase and the unlocked keys: the next signing asks again', async () => {
    const t = openWithSession(path.join(tempDir(), 'tessera.db'))
    const w = await world(t)
    await t.call('credentials.issue', { assessmentId: await w.assessmentId() })
    expect((await t.call('session.lock', {})).unlocked).toBe(false)
    const again = await failure(t.call('credentials.issue', { assessmentId: await w.assessmentId() }))
    expect(again.code).toBe('passphrase_required')
    // Rotation re-seals with the current passphrase, so it asks too.
    expect((await failure(t.call('keys.rotate', {}))).code).toBe('passphrase_required')
    await t.call('session.unlock', { passphrase: PASSPHRASE })
    await t.call('keys.rotate', {})
  })

  it('lock also forgets the unlocked device sync keys: the next bundle asks again', async () => {
    const t = openWithSession(path.join(tempDir(), 'tessera.db'))
    await world(t)
    const dir = tempDir()
    // Becoming the hub signs an enrollment bundle with the device keys, which stay unlocked after.
    await t.call('sync.hubEnrollFile', { outFile: path.join(dir, 'enroll-1.tessera'), name: 'Office' })
    await t.call('sync.hubEnrollFile', { outFile: path.join(dir, 'enroll-2.tessera'), name: 'Office' })
    await t.call('session.lock', {})
    const locked = await failure(
      t.call('sync.hubEnrollFile', { outFile: path.join(dir, 'enroll-3.tessera'), name: 'Office' }),
    )
    expect(locked.code).toBe('passphrase_required')
    expect(fs.existsSync(path.join(dir, 'enroll-3.tessera'))).toBe(false)
    await t.call('session.unlock', { passphrase: PASSPHRASE })
    await t.call('sync.hubEnrollFile', { outFile: path.join(dir, 'enroll-3.tessera'), name: 'Office' })
    expect(fs.existsSync(path.join(dir, 'enroll-3.tessera'))).toBe(true)
  })

  it('a too short passphrase at setup is a field error and leaves nothing behind', async () => {
    const t = openWithSession(path.join(tempDir(), 'tessera.db'))
    const e = await failure(
      t.call('system.init', { organization: { name: 'Northside Skills Trust' }, passphrase: 'short' }),
    )
    expect(e.code).toBe('validation')
    expect(e.issues?.map((i) => i.path)).toEqual([['passphrase']])
    expect((await t.call('system.status', {})).initialized).toBe(false)
    expect(await t.call('session.status', {})).toMatchObject({ hasIssuerKeys: false, unlocked: false })
  })

  it('without keys, unlock sets the passphrase new keys are sealed with (at least 8 characters)', async () => {
    const t = openWithSession(path.join(tempDir(), 'tessera.db'))
    expect((await failure(t.call('session.unlock', { passphrase: 'short' }))).code).toBe('validation')
    expect((await t.call('session.status', {})).unlocked).toBe(false)
    await t.call('session.unlock', { passphrase: PASSPHRASE })
    // system.init with no passphrase of its own takes the held one.
    await t.call('system.init', { organization: { name: 'Northside Skills Trust' } })
    await t.call('session.lock', {})
    expect((await failure(t.call('session.unlock', { passphrase: WRONG }))).code).toBe('forbidden')
    await t.call('session.unlock', { passphrase: PASSPHRASE })
  })

  it('where the host keeps no session (the CLI), unlock says so', async () => {
    const t = openTessera({ dbFile: path.join(tempDir(), 'tessera.db'), actor: 'test-user' })
    open.push(t)
    expect((await t.call('session.status', {})).available).toBe(false)
    expect((await failure(t.call('session.unlock', { passphrase: PASSPHRASE }))).code).toBe('conflict')
  })

  it('the passphrase is never stored, audited or echoed in an error', async () => {
    const dir = tempDir()
    const dbFile = path.join(dir, 'tessera.db')
    const t = openWithSession(dbFile)
    const w = await world(t)
    const assessmentId = await w.assessmentId()
    await t.call('session.lock', {})
    const errors = [
      await failure(t.call('session.unlock', { passphrase: WRONG })),
      await failure(t.call('credentials.issue', { assessmentId })),
      await failure(t.call('system.init', { organization: { name: 'X' }, passphrase: PASSPHRASE })),
    ]
    await t.call('session.unlock', { passphrase: PASSPHRASE })
    await t.call('credentials.issue', { assessmentId })
    const texts = [
      ...errors.map((e) => JSON.stringify({ ...e.toApiError(), stack: e.stack })),
      JSON.stringify(await t.call('session.status', {})),
      JSON.stringify(t.ctx.database.sqlite.prepare('SELECT * FROM audit_log').all()),
    ]
    for (const text of texts) {
      expect(text).not.toContain(PASSPHRASE)
      expect(text).not.toContain(WRONG)
    }
    close(t)
    for (const file of fs.readdirSync(dir)) {
      const bytes = fs.readFileSync(path.join(dir, file))
      expect(bytes.includes(Buffer.from(PASSPHRASE)), file).toBe(false)
    }
  })
})
