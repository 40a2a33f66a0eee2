import { ftsPrefixQuery } from '../../src/core/domain/learner-search'
import { SEARCH_QUERIES } from '../data/names'
import { ratioOf, stats } from '../harness'
import { openLargeCopy, type BenchCase } from './context'

/**
 * `learners.list` with a search text (first page of 50, with the total), for the texts people type:
 * one or two letters that match tens of thousands, names without their accents, other scripts,
 * several words. Baseline: the FTS5 index queried alone by a prepared statement (first 50 matches,
 * no order, no total): the least work that finds matching learners.
 * (Folded from the colleague's bench/learner-search.ts, which also printed query plans: see
 * EXPLAIN QUERY PLAN in test/learners/search.test.ts.)
 */
export const learnerSearchCase: BenchCase = {
  id: 'learner-search',
  async run(ctx) {
    const { t } = await openLargeCopy(ctx, 'search')
    try {
      const sqlite = t.ctx.database.sqlite
      const raw = sqlite.prepare(
        `SELECT l.* FROM learner_fts JOIN learner l ON l.rowid = learner_fts.rowid WHERE learner_fts MATCH ? LIMIT 50`,
      )
      const samples: number[] = []
      const baseline: number[] = []
      const perQuery: { q: string; total: number; median: number }[] = []
      const runs = ctx.config.search.runsPerQuery
      for (const q of SEARCH_QUERIES) {
        const match = ftsPrefixQuery(q)
        const mine: number[] = []
        let total = 0
        for (let i = -1; i < runs; i++) {
          let t0 = performance.now()
          total = (await t.call('learners.list', { q, limit: 50 })).total
          const took = performance.now() - t0
          t0 = performance.now()
          if (match) raw.all(match)
          const base = performance.now() - t0
          if (i < 0) continue
          mine.push(took)
          samples.push(took)
          baseline.push(base)
        }
        perQuery.push({ q, total, median: stats(mine).median })
      }
      const s = stats(samples)
      const b = stats(baseline)
      const slowest = [...perQuery].sort((x, y) => y.median - x.median).slice(0, 3)
      return [
        {
          id: 'learner-search',
          name: `learner search (${SEARCH_QUERIES.length} texts)`,
          unit: 'ms',
          target: 'p95 < 15 ms',
          value: s.p95,
          stats: s,
          baseline: b,
          ratio: ratioOf(s, b),
          met: s.p95 < 15,
          params: {
            learners: (await ctx.large()).result.counts.learner ?? 0,
            queries: SEARCH_QUERIES.length,
            runsPerQuery: runs,
          },
          extra: Object.fromEntries(
            slowest.map((x) => [`"${x.q}" (${x.total} matches) median ms`, x.median]),
          ),
        },
      ]
    } finally {
      t.close()
    }
  },
}
