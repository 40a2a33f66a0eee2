import { describe, expect, it } from 'vitest'
import { isPlausibleEmail, phoneProblem } from '../../src/contract/ops/learners'
import type { Tessera } from '../../src/core/app'
import { openInitializedTessera } from '../helpers/temp-db'

const auditOf = (t: Tessera) =>
  (
    t.ctx.database.sqlite
      .prepare(
        // Setup (init) entries left out: the organization and its issuer keys.
        "SELECT action, entity_type, entity_id, actor, details FROM audit_log WHERE action NOT LIKE ? AND action <> 'key.create' ORDER BY seq",
      )
      .all('organization.%') as {
      action: string
      entity_type: string
      entity_id: string
      actor: string
      details: string
    }[]
  ).map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }))

describe('learners', () => {
  it('add stores names exactly as typed (NFC, trimmed) with sync columns, and audits without personal data', async () => {
    const t = await openInitializedTessera()
    const decomposed = '  Nguye\u0302\u0303n  ' // e + circumflex + tilde, as some keyboards send it
    const l = await t.call('learners.add', {
      givenName: 'Thị Hồng',
      familyName: decomposed,
      email: ' Hong.Nguyen@Example.VN ',
      phone: '+84 912 345 678',
      externalId: 'VN-001',
      notes: 'line one\r\nline two',
      cohorts: ['Welding 2026', 'Welding 2026'],
    })
    expect(l).toMatchObject({
      givenName: 'Thị Hồng',
      familyName: 'Nguyễn',
      email: 'Hong.Nguyen@Example.VN',
      phone: '+84 912 345 678',
      externalId: 'VN-001',
      notes: 'line one\nline two',
      version: 1,
      deviceId: t.ctx.deviceId,
    })
    expect(l.familyName).toBe('Nguyễn'.normalize('NFC'))
    expect(l.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/) // UUIDv7
    expect(l.createdAt).toBe(l.updatedAt)
    expect(l.cohorts.map((c) => c.name)).toEqual(['Welding 2026'])
    const row = t.ctx.database.sqlite
      .prepare('SELECT email_key, search_key FROM learner WHERE id = ?')
      .get(l.id)
    expect(row).toEqual({ email_key: 'hong.nguyen@example.vn', search_key: 'thi hong nguyen example vn 001' })

    expect(auditOf(t)).toEqual([
      {
        action: 'cohort.create',
        entity_type: 'cohort',
        entity_id: l.cohorts[0]!.id,
        actor: 'test-user',
        details: { name: 'Welding 2026' },
      },
      {
        action: 'learner.create',
        entity_type: 'learner',
        entity_id: l.id,
        actor: 'test-user',
        details: { version: 1, cohortIds: [l.cohorts[0]!.id] },
      },
    ])
  })

  it('add refuses bad input with field paths, and a second learner with the same external id', async () => {
    const t = await openInitializedTessera()
    const r = await t.dispatch('learners.add', {
      givenName: '  ',
      email: 'amina@',
      phone: '12',
      familyName: 'A\tB',
    })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('validation')
      expect(r.error.issues).toEqual([
        { path: ['givenName'], message: 'required' },
        { path: ['familyName'], message: 'contains a line break, tab or other control character' },
        { path: ['email'], message: 'not a valid email address' },
        { path: ['phone'], message: 'not a plausible phone number (2 digits; expected 6 to 15)' },
      ])
    }
    const first = await t.call('learners.add', { givenName: 'Amina', externalId: 'S-1' })
    await expect(t.call('learners.add', { givenName: 'Other', externalId: 'S-1' })).rejects.toMatchObject({
      code: 'conflict',
      message: `The external id "S-1" already belongs to Amina (${first.id})`,
    })
    // Emails may be shared (a family address) when a person adds learners one by one.
    await t.call('learners.add', { givenName: 'A', email: 'family@example.org' })
    await t.call('learners.add', { givenName: 'B', email: 'FAMILY@example.org' })
    expect((await t.call('system.status', {})).counts.learners).toBe(3)
  })

  it('update bumps the version, keeps every previous version, and audits the changed field names', async () => {
    const t = await openInitializedTessera()
    const l = await t.call('learners.add', {
      givenName: 'Helene',
      familyName: 'Lefevre',
      email: 'h@example.fr',
    })
    const v2 = await t.call('learners.update', {
      id: l.id,
      expectedVersion: 1,
      givenName: 'Hélène',
      familyName: 'Lefèvre',
    })
    expect(v2).toMatchObject({
      givenName: 'Hélène',
      familyName: 'Lefèvre',
      email: 'h@example.fr',
      version: 2,
      createdAt: l.createdAt,
    })
    const v3 = await t.call('learners.update', { id: l.id, email: null, phone: '+33 6 12 34 56 78' })
    expect(v3).toMatchObject({ email: null, phone: '+33 6 12 34 56 78', version: 3 })

    // Saving the same values again is not a new version.
    const same = await t.call('learners.update', { id: l.id, givenName: ' Hélène ' })
    expect(same.version).toBe(3)

    const h = await t.call('learners.history', { id: l.id })
    expect(
      h.versions.map((v) => ({
        version: v.version,
        current: v.current,
        given: v.givenName,
        family: v.familyName,
        email: v.email,
        phone: v.phone,
      })),
    ).toEqual([
      {
        version: 3,
        current: true,
        given: 'Hélène',
        family: 'Lefèvre',
        email: null,
        phone: '+33 6 12 34 56 78',
      },
      { version: 2, current: false, given: 'Hélène', family: 'Lefèvre', email: 'h@example.fr', phone: null },
      { version: 1, current: false, given: 'Helene', family: 'Lefevre', email: 'h@example.fr', phone: null },
    ])
    expect(h.versions[2]!.updatedAt).toBe(l.updatedAt)
    expect(h.versions[1]!.updatedAt).toBe(v2.updatedAt)

    const updates = auditOf(t).filter((a) => a.action === 'learner.update')
    expect(updates.map((a) => a.details)).toEqual([
      { version: 2, changed: ['givenName', 'familyName'] },
      { version: 3, changed: ['email', 'phone'] },
    ])

    // Search follows the edit.
    expect((await t.call('learners.list', { q: 'h@example' })).total).toBe(0)
    expect((await t.call('learners.list', { q: 'lefevre' })).total).toBe(1)

    // The history cannot be rewritten.
    expect(() => t.ctx.database.sqlite.prepare(`UPDATE learner_history SET snapshot = '{}'`).run()).toThrow(
      'learner history is append-only',
    )
  })

  it('update refuses a stale version, an unknown learner, and a taken external id', async () => {
    const t = await openInitializedTessera()
    const a = await t.call('learners.add', { givenName: 'Amina', externalId: 'S-1' })
    const b = await t.call('learners.add', { givenName: 'Kofi' })
    await t.call('learners.update', { id: a.id, expectedVersion: 1, familyName: 'Diallo' })
    await expect(
      t.call('learners.update', { id: a.id, expectedVersion: 1, familyName: 'Other' }),
    ).rejects.toMatchObject({
      code: 'conflict',
      details: { currentVersion: 2 },
    })
    await expect(t.call('learners.update', { id: 'nope', givenName: 'X' })).rejects.toMatchObject({
      code: 'not_found',
    })
    await expect(t.call('learners.update', { id: b.id, externalId: 'S-1' })).rejects.toMatchObject({
      code: 'conflict',
    })
    expect((await t.call('learners.get', { id: b.id })).version).toBe(1)
  })

  it('get returns cohorts and the assessment history summary', async () => {
    const t = await openInitializedTessera()
    const l = await t.call('learners.add', {
      givenName: 'Amina',
      familyName: 'Diallo',
      cohorts: ['B cohort', 'A cohort'],
    })
    const db = t.ctx.database.sqlite
    const now = '2026-03-14T10:00:00.000Z'
    const sync = (id: string) => [id, 'dev', now, now]
    db.prepare(
      `INSERT INTO achievement (id, device_id, created_at, updated_at, name) VALUES (?, ?, ?, ?, 'Welding')`,
    ).run(...sync('ach'))
    db.prepare(
      `INSERT INTO rubric (id, device_id, created_at, updated_at, achievement_id, name) VALUES (?, ?, ?, ?, 'ach', 'MIG welding')`,
    ).run(...sync('rub'))
    db.prepare(
      `INSERT INTO rubric_version (id, device_id, created_at, updated_at, rubric_id, version, content, content_hash) VALUES (?, ?, ?, ?, 'rub', 2, '{}', 'h')`,
    ).run(...sync('rv'))
    db.prepare(
      `INSERT INTO assessor (id, device_id, created_at, updated_at, name) VALUES (?, ?, ?, ?, 'R. Okafor')`,
    ).run(...sync('as'))
    const insertAssessment = db.prepare(
      `INSERT INTO assessment (id, device_id, created_at, updated_at, learner_id, rubric_version_id, assessor_id, assessed_on, state, outcome, finalized_at, finalized_by)
       VALUES (?, ?, ?, ?, ?, 'rv', 'as', ?, ?, ?, ?, ?)`,
    )
    insertAssessment.run(
      ...sync('a1'),
      l.id,
      '2026-03-01',
      'finalized',
      JSON.stringify({ passed: false }),
      now,
      'as',
    )
    insertAssessment.run(
      ...sync('a2'),
      l.id,
      '2026-03-14',
      'finalized',
      JSON.stringify({ passed: true }),
      now,
      'as',
    )
    insertAssessment.run(...sync('a3'), l.id, '2026-03-15', 'draft', null, null, null)

    const got = await t.call('learners.get', { id: l.id })
    expect(got.cohorts.map((c) => c.name)).toEqual(['A cohort', 'B cohort'])
    expect(got.assessments).toEqual([
      {
        id: 'a3',
        assessedOn: '2026-03-15',
        rubricName: 'MIG welding',
        rubricVersion: 2,
        state: 'draft',
        passed: null,
      },
      {
        id: 'a2',
        assessedOn: '2026-03-14',
        rubricName: 'MIG welding',
        rubricVersion: 2,
        state: 'finalized',
        passed: true,
      },
      {
        id: 'a1',
        assessedOn: '2026-03-01',
        rubricName: 'MIG welding',
        rubricVersion: 2,
        state: 'finalized',
        passed: false,
      },
    ])
    await expect(t.call('learners.get', { id: 'missing' })).rejects.toMatchObject({
      code: 'not_found',
      message: 'Learner missing does not exist',
    })
  })

  it('cohorts: create, add and remove members, counts, audit', async () => {
    const t = await openInitializedTessera()
    const c = await t.call('cohorts.create', { name: ' Électricité 2026 ' })
    expect(c).toMatchObject({ name: 'Électricité 2026', memberCount: 0 })
    await expect(t.call('cohorts.create', { name: 'Électricité 2026' })).rejects.toMatchObject({
      code: 'conflict',
    })
    const a = await t.call('learners.add', { givenName: 'Amina' })
    const b = await t.call('learners.add', { givenName: 'Kofi' })
    expect(await t.call('cohorts.addLearners', { cohortId: c.id, learnerIds: [a.id, b.id, a.id] })).toEqual({
      cohortId: c.id,
      added: 2,
      alreadyMembers: 0,
    })
    expect(await t.call('cohorts.addLearners', { cohortId: c.id, learnerIds: [a.id] })).toEqual({
      cohortId: c.id,
      added: 0,
      alreadyMembers: 1,
    })
    await expect(
      t.call('cohorts.addLearners', { cohortId: c.id, learnerIds: ['ghost'] }),
    ).rejects.toMatchObject({
      code: 'not_found',
      issues: [{ path: ['learnerIds', 0], message: 'no such learner' }],
    })
    await expect(
      t.call('cohorts.addLearners', { cohortId: 'nope', learnerIds: [a.id] }),
    ).rejects.toMatchObject({ code: 'not_found' })
    expect((await t.call('cohorts.list', {})).map((x) => [x.name, x.memberCount])).toEqual([
      ['Électricité 2026', 2],
    ])
    expect((await t.call('learners.list', { cohort: 'Électricité 2026' })).total).toBe(2)
    expect((await t.call('learners.list', { cohort: c.id })).total).toBe(2)
    await expect(t.call('learners.list', { cohort: 'No such cohort' })).rejects.toMatchObject({
      code: 'not_found',
    })

    expect(await t.call('cohorts.removeLearners', { cohortId: c.id, learnerIds: [b.id, 'ghost'] })).toEqual({
      cohortId: c.id,
      removed: 1,
      notMembers: 1,
    })
    expect((await t.call('learners.get', { id: b.id })).cohorts).toEqual([])
    expect((await t.call('learners.get', { id: a.id })).cohorts).toEqual([
      { id: c.id, name: 'Électricité 2026' },
    ])

    expect(auditOf(t).filter((e) => e.entity_type === 'cohort')).toEqual([
      expect.objectContaining({
        action: 'cohort.create',
        entity_id: c.id,
        details: { name: 'Électricité 2026' },
      }),
      expect.objectContaining({
        action: 'cohort.addLearners',
        entity_id: c.id,
        details: { added: 2, learnerIds: [a.id, b.id] },
      }),
      expect.objectContaining({
        action: 'cohort.removeLearners',
        entity_id: c.id,
        details: { removed: 1, learnerIds: [b.id, 'ghost'] },
      }),
    ])
    expect((await t.call('system.doctor', {})).ok).toBe(true)
  })
})

describe('learner field rules', () => {
  it.each([
    ['amina@example.org', true],
    ['Amina.Diallo+class@Example.ORG', true],
    ['أحمد@مثال.مصر', true],
    ['jürgen@müller.de', true],
    ['user@xn--mller-kva.de', true],
    ['amina@', false],
    ['@example.org', false],
    ['amina.example.org', false],
    ['a@@example.org', false],
    ['a b@example.org', false],
    ['amina@example', false],
    ['amina@example.c', false],
    ['amina@-example.org', false],
    ['amina..d@example.org', false],
    ['amina@example..org', false],
  ])('email %s plausible: %s', (email, ok) => {
    expect(isPlausibleEmail(email)).toBe(ok)
  })

  it.each([
    ['+221 77 123 45 67', null],
    ['(020) 7946-0958', null],
    ['٠٥٠١٢٣٤٥٦٧', null],
    ['+91 ९८७६५ ४३२१०', null],
    ['12345', 'not a plausible phone number (5 digits; expected 6 to 15)'],
    ['+1234567890123456', 'not a plausible phone number (16 digits; expected 6 to 15)'],
    ['0612x45678', 'not a plausible phone number (only digits, spaces, + ( ) - . / are allowed)'],
    ['06 12 +34', 'not a plausible phone number (only digits, spaces, + ( ) - . / are allowed)'],
  ])('phone %s', (phone, problem) => {
    expect(phoneProblem(phone)).toBe(problem)
  })
})
