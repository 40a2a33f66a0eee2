import { describe, expect, it } from 'vitest'
import type { Tessera } from '../../src/core/app'
import { ftsPrefixQuery, learnerSearchKey } from '../../src/core/domain/learner-search'
import { learnerPageQuery, type LearnerQuery } from '../../src/core/services/learner-list'
import { openInitializedTessera } from '../helpers/temp-db'
import { importOf } from './helpers'

const names = async (t: Tessera, q: string): Promise<string[]> =>
  (await t.call('learners.list', { q, limit: 1000 })).items.map((l) =>
    [l.givenName, l.familyName].filter(Boolean).join(' '),
  )

async function withCorpus(): Promise<Tessera> {
  const t = await openInitializedTessera()
  await t.call('learners.importCommit', importOf('good-multiscript.csv'))
  await t.call('learners.add', { givenName: 'Hélène', familyName: 'Dubois', externalId: 'FR-002' })
  await t.call('learners.add', { givenName: 'Ludwig', familyName: 'Straße' })
  return t
}

describe('learner search', () => {
  it.each([
    // Vietnamese: tones and the d-stroke fold away
    ['nguyen', ['Thị Hồng Nguyễn']],
    ['Nguyễn', ['Thị Hồng Nguyễn']],
    ['thi hong', ['Thị Hồng Nguyễn']],
    ['duc tran', ['Văn Đức Trần']],
    // French and Spanish accents, any case
    ['helene', ['Hélène Dubois', 'Hélène Lefèvre']],
    ['HÉLÈNE lef', ['Hélène Lefèvre']],
    ['nunez', ['José María Núñez']],
    // German: umlaut, "ue" spelling, ß
    ['muller', ['Jürgen Müller']],
    ['mueller', ['Jürgen Müller']],
    ['Müller', ['Jürgen Müller']],
    ['jurgen', ['Jürgen Müller']],
    ['strasse', ['Ludwig Straße']],
    // Arabic with and without harakat, alef with or without hamza
    ['محمد', ['مُحَمَّد العَلِي']],
    ['مُحَمَّد', ['مُحَمَّد العَلِي']],
    ['العلي', ['مُحَمَّد العَلِي']],
    ['احمد', ['أحمد الحسن']],
    ['أحمد', ['أحمد الحسن']],
    // Chinese: a prefix of a name written without spaces
    ['欧阳', ['欧阳娜娜']],
    ['欧', ['欧阳娜娜']],
    ['小明', ['小明 王']],
    ['王', ['小明 王']],
    // Amharic (Ge'ez syllables), Devanagari, Hebrew
    ['አበ', ['አበበ ቢቂላ']],
    ['ቢቂላ', ['አበበ ቢቂላ']],
    ['प्रि', ['प्रिया शर्मा']],
    ['शर्मा', ['प्रिया शर्मा']],
    ['כהן', ['דוד כהן']],
    // Email and external id parts; an apostrophe or comma in a name is not a search term
    ['juergen.mueller@example', ['Jürgen Müller']],
    ["o'brien", ["Seán O'Brien, Jr."]],
    ['IE-001', ["Seán O'Brien, Jr."]],
    ['zzz', []],
  ])('%s finds %j', async (q, expected) => {
    const t = await withCorpus()
    expect(await names(t, q)).toEqual(expected)
  })

  it('user text cannot inject FTS5 syntax', async () => {
    const t = await withCorpus()
    for (const q of [
      '"',
      'nguyen"',
      'NEAR(a b)',
      'a OR b',
      '-helene',
      'given_name:helene',
      '*',
      '^helene',
      'helene AND',
      '(((',
      "'; DROP TABLE learner; --",
    ]) {
      const r = await t.dispatch('learners.list', { q })
      expect(r.ok, q).toBe(true)
    }
    expect(await names(t, 'helene OR nguyen')).toEqual([]) // OR is a word here, and every word must match
    expect(await names(t, 'NEAR(helene')).toEqual([])
    expect(await names(t, '"helene"')).toEqual(['Hélène Dubois', 'Hélène Lefèvre'])
    expect(ftsPrefixQuery('a"b OR c*')).toBe('"a"* AND "b"* AND "or"* AND "c"*')
    expect(ftsPrefixQuery(' -*"() ')).toBeNull()
  })

  it('exact learner id and external id match, even when the id has no word in common', async () => {
    const t = await withCorpus()
    const l = await t.call('learners.add', { givenName: 'Kofi', externalId: '№ 7/B' })
    expect((await t.call('learners.list', { q: l.id })).items.map((x) => x.id)).toEqual([l.id])
    expect((await t.call('learners.list', { q: '№ 7/B' })).items.map((x) => x.id)).toEqual([l.id])
  })

  it('orders by family then given name and paginates with a total', async () => {
    const t = await openInitializedTessera()
    for (const [given, family] of [
      ['Zoe', 'Adams'],
      ['Amy', 'Brown'],
      ['Ben', 'Adams'],
      ['Cal', 'Adams'],
      ['Dee', 'Clark'],
    ]) {
      await t.call('learners.add', {
        givenName: given!,
        familyName: family!,
        cohorts: given === 'Dee' ? [] : ['X'],
      })
    }
    const all = await t.call('learners.list', {})
    expect(all.items.map((l) => `${l.familyName} ${l.givenName}`)).toEqual([
      'Adams Ben',
      'Adams Cal',
      'Adams Zoe',
      'Brown Amy',
      'Clark Dee',
    ])
    const page = await t.call('learners.list', { limit: 2, offset: 2 })
    expect(page).toMatchObject({ total: 5, limit: 2, offset: 2 })
    expect(page.items.map((l) => l.givenName)).toEqual(['Zoe', 'Amy'])
    const searched = await t.call('learners.list', { q: 'adams', limit: 2, offset: 1 })
    expect(searched.total).toBe(3)
    expect(searched.items.map((l) => l.givenName)).toEqual(['Cal', 'Zoe'])
    const cohort = await t.call('learners.list', { q: 'a', cohort: 'X' })
    expect(cohort.items.map((l) => l.givenName)).toEqual(['Ben', 'Cal', 'Zoe', 'Amy'])
    expect(cohort.items[0]!.cohorts.map((c) => c.name)).toEqual(['X'])
  })

  it('the search key holds folded tokens of names, email and external id', () => {
    expect(
      learnerSearchKey({
        givenName: 'Jürgen',
        familyName: 'Müller',
        email: 'J.Mueller@Example.de',
        externalId: 'DE-001',
      }),
    ).toBe('jurgen muller j mueller example de 001 juergen')
    expect(learnerSearchKey({ givenName: 'مُحَمَّد', familyName: '', email: null, externalId: null })).toBe(
      'محمد',
    )
  })
})

describe('learner queries use indexes (EXPLAIN QUERY PLAN)', () => {
  const plan = (t: Tessera, q: LearnerQuery): { page: string[]; count: string[] } => {
    const { page, count } = learnerPageQuery(q)
    const explain = (b: typeof page | typeof count): string[] => {
      const c = b.compile(t.ctx.db)
      return (
        t.ctx.database.sqlite.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...(c.parameters as unknown[])) as {
          detail: string
        }[]
      ).map((r) => r.detail)
    }
    return { page: explain(page), count: explain(count) }
  }
  /** A full scan of the learner table (not of an index) is what must never happen. */
  const fullScan = (details: string[]): string[] => details.filter((d) => /^SCAN (l|learner)$/.test(d))

  it('list walks the name index; search starts from the FTS index and reads learners by rowid', async () => {
    // 10,000 learners, and no ANALYZE: the app never runs it, so these are the plans users get.
    const t = await openInitializedTessera()
    await t.call('learners.importCommit', importOf('large-10000.csv', { skipInvalid: true }))
    const cohortId = (t.ctx.database.sqlite.prepare('SELECT id FROM cohort LIMIT 1').get() as { id: string })
      .id

    const list = plan(t, { limit: 50, offset: 0 })
    expect(list.page).toEqual(['SCAN l USING INDEX learner_sort'])
    expect(fullScan(list.count)).toEqual([])

    const inCohort = plan(t, { cohortId, limit: 50, offset: 0 })
    expect(inCohort.page.join('\n')).toContain('USING INDEX learner_cohort_cohort (cohort_id=?)')
    expect(fullScan(inCohort.page)).toEqual([])

    for (const q of [
      { q: 'nguyen hel', limit: 50, offset: 0 },
      { q: 'ka', cohortId, limit: 50, offset: 0 },
    ]) {
      const search = plan(t, q)
      for (const details of [search.page, search.count]) {
        const text = details.join('\n')
        expect(text).toContain('SCAN learner_fts VIRTUAL TABLE INDEX')
        expect(text).toContain('SEARCH learner USING COVERING INDEX learner_external_id (external_id=?)')
        expect(text).toMatch(/SEARCH learner USING COVERING INDEX sqlite_autoindex_learner_1 \(id=\?\)/)
        expect(fullScan(details)).toEqual([])
      }
    }
    expect(plan(t, { q: 'nguyen', limit: 50, offset: 0 }).page).toContain(
      'SEARCH l USING INTEGER PRIMARY KEY (rowid=?)',
    )
  })
})
