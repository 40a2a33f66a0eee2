import { describe, expect, it } from 'vitest'
import type { ProgressEvent } from '../../src/contract/progress'
import type { Tessera } from '../../src/core/app'
import { openInitializedTessera } from '../helpers/temp-db'
import { csvInput, dumpDatabase, fixtureBytes, importOf } from './helpers'

const learnerNames = (t: Tessera): { given_name: string; family_name: string }[] =>
  t.ctx.database.sqlite.prepare('SELECT given_name, family_name FROM learner ORDER BY rowid').all() as never

const audit = (t: Tessera): { action: string; entity_type: string; details: Record<string, unknown> }[] =>
  (
    t.ctx.database.sqlite
      .prepare('SELECT action, entity_type, details FROM audit_log ORDER BY seq')
      .all() as { action: string; entity_type: string; details: string }[]
  ).map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }))

/** A database with some learners and an import already done, so "nothing changed" has something to keep. */
async function populated(): Promise<Tessera> {
  const t = await openInitializedTessera()
  await t.call('learners.add', {
    givenName: 'Grace',
    familyName: 'Owusu',
    email: 'GRACE.OWUSU@example.org',
    phone: '+233 24 000 0000',
  })
  await t.call('learners.importCommit', importOf('good-multiscript.csv'))
  return t
}

describe('learners.importCommit', () => {
  it('imports the good file: names round-trip exactly (NFC), cohorts from the column and the option', async () => {
    const t = await openInitializedTessera()
    const events: ProgressEvent[] = []
    const r = await t.call(
      'learners.importCommit',
      importOf('good-multiscript.csv', { cohort: 'Intake March' }),
      {
        progress: (e) => events.push(e),
      },
    )
    expect(r).toMatchObject({ created: 13, updated: 0, unchanged: 0, skipped: 0, invalidSkipped: 0 })
    expect(r.cohortsCreated.sort()).toEqual(['Electrical 2026', 'Intake March', 'Welding 2026'])
    expect(r.addedToCohorts).toBe(13 + 8) // everyone in Intake March; 8 rows name a cohort
    expect(events.at(-1)).toEqual({ step: 'import.write', done: 13, total: 13 })

    const rows = learnerNames(t)
    expect(rows).toHaveLength(13)
    expect(rows.slice(0, 7)).toEqual([
      { given_name: 'مُحَمَّد', family_name: 'العَلِي' },
      { given_name: 'أحمد', family_name: 'الحسن' },
      { given_name: 'प्रिया', family_name: 'शर्मा' },
      { given_name: '小明', family_name: '王' },
      { given_name: '欧阳娜娜', family_name: '' },
      { given_name: 'አበበ', family_name: 'ቢቂላ' },
      { given_name: 'Thị Hồng', family_name: 'Nguyễn' },
    ])
    for (const r of rows) {
      expect(r.given_name).toBe(r.given_name.normalize('NFC'))
    }
    const sean = (await t.call('learners.list', { q: 'sean' })).items[0]!
    expect(sean.familyName).toBe("O'Brien, Jr.")
    expect(sean.notes).toBe('Two lines:\nfirst aid certified') // CRLF inside the note becomes \n
    const jose = (await t.call('learners.list', { q: 'nunez' })).items[0]!
    expect(jose.email).toBe('JOSE.NUNEZ@Example.ES') // stored as typed; matched case-insensitively

    const cohorts = await t.call('cohorts.list', {})
    expect(cohorts.map((c) => [c.name, c.memberCount])).toEqual([
      ['Electrical 2026', 4],
      ['Intake March', 13],
      ['Welding 2026', 4],
    ])
  })

  it('a file typed in decomposed Unicode (NFD) is stored as NFC', async () => {
    const t = await openInitializedTessera()
    expect(fixtureBytes('nfd-names.csv').toString('utf8')).not.toBe(
      fixtureBytes('nfd-names.csv').toString('utf8').normalize('NFC'),
    )
    await t.call('learners.importCommit', importOf('nfd-names.csv'))
    expect(learnerNames(t)).toEqual([
      { given_name: 'Thị Hồng'.normalize('NFC'), family_name: 'Nguyễn'.normalize('NFC') },
      { given_name: 'Hélène'.normalize('NFC'), family_name: 'Lefèvre'.normalize('NFC') },
      { given_name: 'Zoë'.normalize('NFC'), family_name: 'Brontë'.normalize('NFC') },
    ])
    const stored = learnerNames(t)[0]!.family_name
    expect([...stored].length).toBe(6) // N g u y ễ n: one code point for ễ
  })

  it.each([
    ['bad-rows.csv', {}],
    ['latin1.csv', {}],
    ['utf16le.csv', {}],
    ['wrong-delimiter.csv', {}],
    ['broken-quotes-unclosed.csv', {}],
    ['broken-quotes-stray.csv', {}],
    ['empty.csv', {}],
    ['header-only.csv', {}],
    ['custom-headers.csv', {}],
    ['large-10000.csv', {}],
    ['duplicates.csv', { onDuplicate: 'update' as const }],
  ])('a refused import of %s changes nothing: every table, byte for byte', async (file, options) => {
    const t = await populated()
    if (file === 'duplicates.csv') await seedDuplicates(t)
    const before = dumpDatabase(t.ctx.database.sqlite)
    const err = await t.call('learners.importCommit', importOf(file, options)).then(
      () => null,
      (e: unknown) => e,
    )
    expect(err).toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/^Nothing was imported: /),
    })
    expect(dumpDatabase(t.ctx.database.sqlite)).toEqual(before)
  })

  it('a refusal lists every problem as an issue with row and column', async () => {
    const t = await openInitializedTessera()
    const err = (await t
      .call('learners.importCommit', importOf('bad-rows.csv'))
      .catch((e: unknown) => e)) as {
      issues: { path: (string | number)[]; message: string }[]
      details: { counts: { invalid: number } }
    }
    expect(err.issues).toHaveLength(11)
    expect(err.issues[0]).toEqual({ path: ['row', 3, 'email'], message: 'not a valid email address' })
    expect(err.issues[7]).toEqual({
      path: ['row', 10],
      message: 'has 6 values but the header has 5 columns — is there an unquoted delimiter inside a value?',
    })
    expect(err.details.counts.invalid).toBe(11)
  })

  it('a failure half-way through the writes rolls every row back', async () => {
    const t = await populated()
    // A real failure inside the transaction (no mock): the database itself refuses row 9999's learner.
    t.ctx.database.sqlite
      .exec(`CREATE TRIGGER fail_late BEFORE INSERT ON learner WHEN NEW.external_id = 'T-09990'
      BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`)
    const before = dumpDatabase(t.ctx.database.sqlite)
    const events: ProgressEvent[] = []
    await expect(
      t.call('learners.importCommit', importOf('large-10000.csv', { skipInvalid: true }), {
        progress: (e) => events.push(e),
      }),
    ).rejects.toMatchObject({ message: expect.stringContaining('disk on fire') })
    expect(events.some((e) => e.step === 'import.write' && e.done >= 9_000)).toBe(true) // it really was writing
    expect(dumpDatabase(t.ctx.database.sqlite)).toEqual(before)
  })

  it('10,000 rows with two bad ones: with skipInvalid, 9,998 learners in one transaction and one audit entry', async () => {
    const t = await openInitializedTessera()
    const events: ProgressEvent[] = []
    const auditBefore = audit(t).length
    const r = await t.call('learners.importCommit', importOf('large-10000.csv', { skipInvalid: true }), {
      progress: (e) => events.push(e),
    })
    expect(r).toMatchObject({ created: 9_998, invalidSkipped: 2, skipped: 0, addedToCohorts: 9_998 })
    expect((await t.call('system.status', {})).counts.learners).toBe(9_998)
    const writes = events.filter((e) => e.step === 'import.write')
    expect(writes.length).toBeGreaterThan(10)
    expect(writes.at(-1)).toEqual({ step: 'import.write', done: 9_998, total: 9_998 })
    expect(writes.map((e) => e.done)).toEqual([...writes.map((e) => e.done)].sort((a, b) => a - b))

    const entries = audit(t).slice(auditBefore)
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({
      action: 'learners.import',
      entity_type: 'learner_import',
      details: {
        fileName: 'large-10000.csv',
        sha256: r.report.sha256,
        rows: 10_000,
        created: 9_998,
        updated: 0,
        skipped: 0,
        invalidSkipped: 2,
        onDuplicate: 'skip',
        cohortsCreated: expect.arrayContaining(['Welding 2026', 'Cuisine 2026']),
      },
    })
    expect((await t.call('system.doctor', {})).ok).toBe(true)
  })

  it('duplicates: skip (default) leaves existing learners alone but puts them in the cohort', async () => {
    const t = await openInitializedTessera()
    const seeded = await seedDuplicates(t)
    const preview = await t.call('learners.importPreview', importOf('duplicates.csv'))
    expect(preview.duplicates.filter((d) => d.learnerId !== null)).toEqual([
      {
        row: 6,
        line: 6,
        field: 'email',
        value: 'grace.owusu@example.org',
        sameAsRow: null,
        learnerId: seeded.grace.id,
        learnerName: 'Grace Owusu',
        action: 'skip',
      },
      {
        row: 7,
        line: 7,
        field: 'external_id',
        value: 'S-011',
        sameAsRow: null,
        learnerId: seeded.yaw.id,
        learnerName: 'Yaw Boateng',
        action: 'skip',
      },
      {
        row: 9,
        line: 9,
        field: 'email',
        value: 'abena@example.org',
        sameAsRow: null,
        learnerId: seeded.abena.id,
        learnerName: 'Abena Badu',
        action: 'skip',
      },
      {
        row: 9,
        line: 9,
        field: 'external_id',
        value: 'S-013',
        sameAsRow: null,
        learnerId: seeded.other.id,
        learnerName: 'Akua Other',
        action: 'skip',
      },
    ])
    expect(preview.counts).toMatchObject({
      duplicatesInFile: 2,
      duplicatesExisting: 3,
      toCreate: 3,
      toUpdate: 0,
      toSkip: 5,
    })

    const r = await t.call('learners.importCommit', importOf('duplicates.csv', { cohort: 'Intake 7' }))
    expect(r).toMatchObject({ created: 3, updated: 0, skipped: 5 })
    expect(r.addedToCohorts).toBe(3 + 3) // the 3 new learners, and the 3 matched existing ones
    const grace = await t.call('learners.get', { id: seeded.grace.id })
    expect(grace).toMatchObject({ email: 'GRACE.OWUSU@example.org', externalId: null, version: 1 })
    expect(grace.cohorts.map((c) => c.name)).toEqual(['Intake 7'])
    expect((await t.call('system.status', {})).counts.learners).toBe(4 + 3)
  })

  it('duplicates: update changes only the fields with a value, keeps history; an ambiguous row is a problem', async () => {
    const t = await openInitializedTessera()
    const seeded = await seedDuplicates(t)
    const preview = await t.call(
      'learners.importPreview',
      importOf('duplicates.csv', { onDuplicate: 'update' }),
    )
    expect(preview.problems).toEqual([
      {
        row: 9,
        line: 9,
        column: null,
        field: null,
        value: null,
        reason: `matches 2 different learners already in the database (Akua Other ${seeded.other.id}; Abena Badu ${seeded.abena.id}); update them one by one`,
      },
    ])
    expect(preview.counts).toMatchObject({ invalid: 1, toCreate: 3, toUpdate: 2, toSkip: 2 })
    expect(preview.canImport).toBe(false)

    const r = await t.call(
      'learners.importCommit',
      importOf('duplicates.csv', { onDuplicate: 'update', skipInvalid: true }),
    )
    expect(r).toMatchObject({ created: 3, updated: 2, unchanged: 0, skipped: 2, invalidSkipped: 1 })
    const grace = await t.call('learners.get', { id: seeded.grace.id })
    // email (new case) and external id come from the file; the phone, absent from the file, is kept.
    expect(grace).toMatchObject({
      email: 'grace.owusu@example.org',
      externalId: 'S-010',
      phone: '+233 24 000 0000',
      version: 2,
    })
    const history = await t.call('learners.history', { id: seeded.grace.id })
    expect(history.versions.map((v) => [v.version, v.email, v.externalId])).toEqual([
      [2, 'grace.owusu@example.org', 'S-010'],
      [1, 'GRACE.OWUSU@example.org', null],
    ])
    const yaw = await t.call('learners.get', { id: seeded.yaw.id })
    expect(yaw).toMatchObject({ email: 'yaw.new@example.org', version: 2 })

    // The same file again: everything already matches.
    const again = await t.call(
      'learners.importCommit',
      importOf('duplicates.csv', { onDuplicate: 'update', skipInvalid: true }),
    )
    expect(again).toMatchObject({ created: 0, updated: 0, skipped: 2, invalidSkipped: 1 })
    expect(again.unchanged).toBe(5)
  })

  it('blank cells in the file never erase, and rows with only whitespace are blank', async () => {
    const t = await openInitializedTessera()
    const l = await t.call('learners.add', {
      givenName: 'Kofi',
      familyName: 'Mensah',
      email: 'kofi@example.org',
      phone: '+233 20 111 2222',
    })
    const r = await t.call(
      'learners.importCommit',
      csvInput('given_name,family_name,email,phone\n  ,  ,  ,  \nKofi,,KOFI@example.org,\n', {
        onDuplicate: 'update',
      }),
    )
    expect(r).toMatchObject({ created: 0, updated: 1 })
    expect(r.report.counts).toMatchObject({ rows: 2, blank: 1 })
    expect(await t.call('learners.get', { id: l.id })).toMatchObject({
      familyName: 'Mensah',
      email: 'KOFI@example.org',
      phone: '+233 20 111 2222',
      version: 2,
    })
  })
})

async function seedDuplicates(t: Tessera) {
  return {
    grace: await existingOrAdd(t, {
      givenName: 'Grace',
      familyName: 'Owusu',
      email: 'GRACE.OWUSU@example.org',
      phone: '+233 24 000 0000',
    }),
    yaw: await t.call('learners.add', {
      givenName: 'Yaw',
      familyName: 'Boateng',
      email: 'yaw@example.org',
      externalId: 'S-011',
    }),
    abena: await t.call('learners.add', {
      givenName: 'Abena',
      familyName: 'Badu',
      email: 'abena@example.org',
    }),
    other: await t.call('learners.add', { givenName: 'Akua', familyName: 'Other', externalId: 'S-013' }),
  }
}

async function existingOrAdd(
  t: Tessera,
  input: { givenName: string; familyName: string; email: string; phone: string },
) {
  const found = (await t.call('learners.list', { q: input.email })).items.find((l) => l.email === input.email)
  return found ?? t.call('learners.add', input)
}
