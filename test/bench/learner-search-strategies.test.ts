import { describe, expect, it } from 'vitest'
import type { Tessera } from '../../src/core/app'
import {
  learnerPageQuery,
  type LearnerQuery,
  type SearchOrderStrategy,
} from '../../src/core/services/learner-list'
import { generateName } from '../../bench/data/names'
import { Random } from '../../bench/data/random'
import { openInitializedTessera } from '../helpers/temp-db'

/**
 * The benchmark made broad learner searches walk the name index instead of sorting every match
 * (src/core/services/learner-list.ts). Both ways must give exactly the same pages, in every script,
 * with a cohort, at any offset; and the walk must really be a walk (no sort of all matches).
 */

async function register(): Promise<Tessera> {
  const t = await openInitializedTessera()
  const random = new Random(42)
  const cell = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
  const lines = ['given_name,family_name,email,cohort']
  for (let i = 1; i <= 600; i++) {
    const n = generateName(random, i)
    lines.push(
      [n.givenName, n.familyName, n.email ?? '', i % 3 === 0 ? 'Evening' : 'Day'].map(cell).join(','),
    )
  }
  const r = await t.call('learners.importCommit', {
    csvBase64: Buffer.from(lines.join('\n')).toString('base64'),
    onDuplicate: 'skip',
  })
  expect(r.created).toBeGreaterThan(590)
  return t
}

const page = async (t: Tessera, q: LearnerQuery, strategy: SearchOrderStrategy): Promise<string[]> =>
  (await learnerPageQuery(q, strategy).page.execute(t.ctx.db)).rows.map((r) => r.id)

describe('learner search: walking the name index = sorting the matches', () => {
  it('gives the same pages for broad and narrow texts, with and without a cohort, at any offset', async () => {
    const t = await register()
    const evening = (
      t.ctx.database.sqlite.prepare(`SELECT id FROM cohort WHERE name = 'Evening'`).get() as { id: string }
    ).id
    let compared = 0
    for (const q of [
      'a',
      'ka',
      'amina diallo',
      'nguyen',
      'muller',
      'محمد',
      'प्रि',
      '小',
      'አበ',
      'иван',
      'παπα',
      'example',
      'zzzz',
    ]) {
      for (const cohortId of [null, evening]) {
        for (const [offset, limit] of [
          [0, 50],
          [7, 5],
          [40, 20],
          [0, 1000],
        ] as const) {
          const query = { q, cohortId, offset, limit }
          const sorted = await page(t, query, 'sort-matches')
          expect(await page(t, query, 'walk-names'), JSON.stringify(query)).toEqual(sorted)
          compared += sorted.length
        }
      }
    }
    expect(compared).toBeGreaterThan(500)
    // And through the operation, whichever way it chose: name order and the total.
    const all = await t.call('learners.list', { q: 'a', limit: 1000 })
    const names = all.items.map((l) => [l.familyName, l.givenName])
    const sortedNames = [...names].sort((x, y) =>
      x[0]! < y[0]! ? -1 : x[0]! > y[0]! ? 1 : x[1]! < y[1]! ? -1 : x[1]! > y[1]! ? 1 : 0,
    )
    expect(names).toEqual(sortedNames)
    expect(all.total).toBe(all.items.length)
  })

  it('the walk reads the name index in order and stops: no temporary sort of the matches', async () => {
    const t = await register()
    const c = learnerPageQuery({ q: 'a', limit: 50, offset: 0 }, 'walk-names').page.compile(t.ctx.db)
    const plan = (
      t.ctx.database.sqlite.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...(c.parameters as unknown[])) as {
        detail: string
      }[]
    ).map((r) => r.detail)
    expect(plan).toContain('SCAN l USING INDEX learner_sort')
    expect(plan.join('\n')).toContain('SCAN learner_fts VIRTUAL TABLE INDEX')
    expect(plan.join('\n')).not.toContain('TEMP B-TREE FOR ORDER BY')
  })
})
