import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import type { ImportReport, Learner } from '../../src/contract/ops/learners'
import { runCli } from '../helpers/cli'
import { tempDir } from '../helpers/temp-db'
import { dumpDatabase, FIXTURES } from './helpers'

const fixture = (name: string): string => path.join(FIXTURES, name)

function setup(): { db: string; cli: (...args: string[]) => ReturnType<typeof runCli> } {
  const db = path.join(tempDir(), 'learners.db')
  const cli = (...args: string[]) => runCli(['--db', db, ...args])
  expect(cli('init', '--org-name', 'Northside Skills Trust').code).toBe(0)
  return { db, cli }
}

const dump = (db: string): Record<string, unknown[]> => {
  const raw = new Database(db, { readonly: true })
  try {
    return dumpDatabase(raw)
  } finally {
    raw.close()
  }
}

// Each CLI run is a fresh Node process compiling TypeScript: slow on a busy two-core machine.
const SLOW = { timeout: 180_000 }

function addHelene(cli: ReturnType<typeof setup>['cli']): Learner {
  const add = cli(
    'learners',
    'add',
    '--given',
    'Hélène',
    '--family',
    'Lefèvre',
    '--email',
    'helene@example.fr',
    '--external-id',
    'FR-1',
    '--cohort',
    'Cuisine',
    '--json',
  )
  expect(add.code).toBe(0)
  return add.json<Learner>()
}

describe('tessera learners / cohorts (CLI)', () => {
  it('add, list and search as a user would', SLOW, () => {
    const { cli } = setup()
    const helene = addHelene(cli)
    expect(helene).toMatchObject({
      givenName: 'Hélène',
      familyName: 'Lefèvre',
      cohorts: [{ name: 'Cuisine' }],
    })
    expect(cli('learners', 'add', '--given', 'Thị Hồng', '--family', 'Nguyễn').stdout).toMatch(
      /^Added Thị Hồng Nguyễn \(/,
    )

    const search = cli('learners', 'list', '--search', 'helene')
    expect(search.code).toBe(0)
    expect(search.stdout).toBe(
      `${helene.id}  Hélène Lefèvre  <helene@example.fr>  external id FR-1  [Cuisine]\n(1-1 of 1)\n`,
    )
    expect(
      cli('learners', 'list', '--search', 'nguyen', '--json').json<{ total: number; items: Learner[] }>()
        .items[0]?.familyName,
    ).toBe('Nguyễn')
    expect(cli('learners', 'list', '--search', 'nobody').stdout).toBe('No learners match.\n')
    expect(cli('learners', 'list', '--cohort', 'Cuisine', '--json').json<{ total: number }>().total).toBe(1)
  })

  it('show, edit, history and cohorts list', SLOW, () => {
    const { cli } = setup()
    const helene = addHelene(cli)
    // show by id or by external id
    expect(cli('learners', 'show', helene.id).stdout).toContain('  email        helene@example.fr')
    const byExternal = cli('learners', 'show', 'FR-1', '--json')
    expect(byExternal.code).toBe(0)
    expect(byExternal.json<{ id: string; assessments: unknown[] }>()).toMatchObject({
      id: helene.id,
      assessments: [],
    })

    const edit = cli('learners', 'edit', 'FR-1', '--phone', '+33 6 12 34 56 78')
    expect(edit.code).toBe(0)
    expect(edit.stdout).toContain('version 2')
    const history = cli('learners', 'history', helene.id, '--json').json<{
      versions: { version: number; phone: string | null }[]
    }>()
    expect(history.versions.map((v) => [v.version, v.phone])).toEqual([
      [2, '+33 6 12 34 56 78'],
      [1, null],
    ])

    const cohorts = cli('cohorts', 'list')
    expect(cohorts.code).toBe(0)
    expect(cohorts.stdout).toMatch(/ {2}Cuisine {2}\(1 learner\)\n$/)
  })

  it('exit code 1: bad input, a missing learner, cohort or file', SLOW, () => {
    const { cli } = setup()
    const bad = cli('learners', 'add', '--given', 'Amina', '--email', 'amina@')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('email: not a valid email address')
    const nobody = cli('learners', 'show', 'nobody')
    expect(nobody.code).toBe(1)
    expect(nobody.stderr).toContain('No learner has the id or external id "nobody"')
    expect(cli('learners', 'list', '--cohort', 'Nope').code).toBe(1)
    const missing = cli('learners', 'import', 'no-such-file.csv')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('Cannot read no-such-file.csv: ENOENT')
  })

  it('exit code 2: usage errors', SLOW, () => {
    const cli = (...args: string[]) => runCli(['--db', path.join(tempDir(), 'usage.db'), ...args])
    expect(cli('learners', 'add').code).toBe(2) // --given is required
    expect(cli('learners', 'list', '--limit', 'many').code).toBe(2)
    expect(cli('learners', 'import', fixture('good-multiscript.csv'), '--on-duplicate', 'maybe').code).toBe(2)
    const map = cli('learners', 'import', fixture('good-multiscript.csv'), '--map', 'Student=pupil')
    expect(map.code).toBe(2)
    expect(map.stderr).toContain('unknown field "pupil"')
  })

  it(
    'import: bad rows listed as "row N, column: reason"; exit 1 and nothing changed; --skip-invalid imports the rest',
    SLOW,
    () => {
      const { db, cli } = setup()
      expect(cli('learners', 'import', fixture('good-multiscript.csv')).code).toBe(0)
      const before = dump(db)
      const fileBefore = fs.readFileSync(fixture('bad-rows.csv'))

      const refused = cli('learners', 'import', fixture('bad-rows.csv'))
      expect(refused.code).toBe(1)
      expect(refused.stdout).toContain('  row 3, email: not a valid email address ("kofi@")\n')
      expect(refused.stdout).toContain('  row 6, given_name: required\n')
      expect(refused.stdout).toContain('  row 10: has 6 values but the header has 5 columns')
      expect(refused.stdout).toContain(
        'Rows: 13 (+1 blank) — 2 new, 0 to update, 0 skipped as duplicates, 11 with problems',
      )
      expect(refused.stderr).toBe(
        'error: Nothing was imported: 11 of 13 rows have problems (listed above). Fix them, or run again with --skip-invalid to import the other rows.\n',
      )
      expect(dump(db)).toEqual(before)
      expect(fs.readFileSync(fixture('bad-rows.csv')).equals(fileBefore)).toBe(true)

      const dry = cli('learners', 'import', fixture('bad-rows.csv'), '--skip-invalid', '--dry-run')
      expect(dry.code).toBe(0)
      expect(dry.stdout).toMatch(/Dry run: nothing was changed\.\n$/)
      expect(dump(db)).toEqual(before)

      const partial = cli('learners', 'import', fixture('bad-rows.csv'), '--skip-invalid', '--json')
      expect(partial.code).toBe(0)
      expect(partial.json<{ created: number; invalidSkipped: number; dryRun: boolean }>()).toMatchObject({
        dryRun: false,
        created: 2,
        invalidSkipped: 11,
      })
    },
  )

  it('import --json refusals are one JSON document with the issues and the full report', SLOW, () => {
    const { db, cli } = setup()
    const before = dump(db)
    const r = cli('learners', 'import', fixture('latin1.csv'), '--json')
    expect(r.code).toBe(1)
    const doc = r.json<{
      ok: boolean
      error: { code: string; issues: unknown[]; details: { report: ImportReport } }
    }>()
    expect(doc.ok).toBe(false)
    expect(doc.error.code).toBe('validation')
    expect(doc.error.details.report.fileErrors[0]?.message).toMatch(
      /^The file is not UTF-8: byte 0xE9 at offset 61 \(line 3\)/,
    )
    expect(dump(db)).toEqual(before)

    const dry = cli('learners', 'import', fixture('bad-rows.csv'), '--dry-run', '--json')
    expect(dry.code).toBe(1)
    const dryDoc = dry.json<{ error: { issues: { path: (string | number)[]; message: string }[] } }>()
    expect(dryDoc.error.issues[0]).toEqual({
      path: ['row', 3, 'email'],
      message: 'not a valid email address',
    })
  })

  it('import: wrong delimiter, broken quotes, unrecognised headers', SLOW, () => {
    const { cli } = setup()
    const wrong = cli('learners', 'import', fixture('wrong-delimiter.csv'))
    expect(wrong.code).toBe(1)
    expect(wrong.stdout).toContain('Is the delimiter right?')

    const quotes = cli('learners', 'import', fixture('broken-quotes-unclosed.csv'))
    expect(quotes.code).toBe(1)
    expect(quotes.stderr).toContain('row 4 (line 5): a quoted value opens with " but never closes')

    const unmapped = cli('learners', 'import', fixture('custom-headers.csv'))
    expect(unmapped.code).toBe(1)
    expect(unmapped.stdout).toContain(
      '  1  Student -> not imported (unrecognised header; use --map "Student=FIELD")',
    )
  })

  it('import: --map, --cohort and --on-duplicate', SLOW, () => {
    const { cli } = setup()

    const mapped = cli(
      'learners',
      'import',
      fixture('custom-headers.csv'),
      '--map',
      'Student=given_name',
      '--map',
      'Contact=email',
      '--map',
      'Group code=cohort',
      '--cohort',
      'Intake 7',
      '--json',
    )
    expect(mapped.code).toBe(0)
    expect(mapped.json<{ created: number; cohortsCreated: string[] }>()).toMatchObject({
      created: 2,
      cohortsCreated: ['Intake 7', 'W-26'],
    })

    const again = cli(
      'learners',
      'import',
      fixture('custom-headers.csv'),
      '--map',
      'Student=given_name',
      '--map',
      'Contact=email',
    )
    expect(again.code).toBe(0)
    expect(again.stdout).toContain(
      '  row 2, email amina@example.org: already in the database: Amina Diallo (',
    )
    expect(again.stdout).toContain('Imported: 0 created, 0 updated, 0 unchanged, 2 skipped.')

    const update = cli(
      'learners',
      'import',
      fixture('custom-headers.csv'),
      '--map',
      'Student=given_name',
      '--map',
      'Contact=email',
      '--on-duplicate',
      'update',
      '--json',
    )
    expect(update.code).toBe(0)
    // Same values as stored: nothing to write, no new versions.
    expect(update.json<{ updated: number; unchanged: number }>()).toMatchObject({ updated: 0, unchanged: 2 })
    const cohorts = cli('cohorts', 'list', '--json').json<{ name: string; memberCount: number }[]>()
    expect(cohorts.map((c) => [c.name, c.memberCount])).toEqual([
      ['Intake 7', 2],
      ['W-26', 2],
    ])
  })
})
