import { ratioOf, stats } from '../harness'
import { openLargeCopy, type BenchCase } from './context'

/**
 * `assessments.finalize` of a complete draft in the large database: outcome computed, the row
 * frozen, the audit entry chained, committed with synchronous=FULL (one fsync), and the detail the
 * screen shows returned. Baseline: one prepared INSERT in a transaction on the same connection
 * (same file, same WAL and fsync), i.e. the cost of any durable write here.
 */
export const finalizeCase: BenchCase = {
  id: 'finalize',
  async run(ctx) {
    const fixture = await ctx.large()
    const runs = Math.min(ctx.config.finalize.runs, fixture.result.completeDrafts.length - 2)
    if (runs < 1) throw new Error('the large fixture has no complete drafts to finalize')
    const { t } = await openLargeCopy(ctx, 'finalize')
    try {
      const sqlite = t.ctx.database.sqlite
      sqlite.exec(`CREATE TABLE IF NOT EXISTS bench_baseline (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`)
      const insert = sqlite.prepare(`INSERT INTO bench_baseline (body) VALUES (?)`)
      const write = sqlite.transaction((body: string) => insert.run(body))
      const drafts = fixture.result.completeDrafts
      const samples: number[] = []
      const baseline: number[] = []
      for (let i = -2; i < runs; i++) {
        const id = drafts[i + 2]!
        let t0 = performance.now()
        const done = await t.call('assessments.finalize', { id })
        const took = performance.now() - t0
        if (done.state !== 'finalized') throw new Error(`${id} was not finalized`)
        t0 = performance.now()
        write(JSON.stringify({ id, outcome: done.outcome }))
        const base = performance.now() - t0
        if (i < 0) continue
        samples.push(took)
        baseline.push(base)
      }
      const s = stats(samples)
      const b = stats(baseline)
      return [
        {
          id: 'finalize',
          name: 'finalize one assessment',
          unit: 'ms',
          target: 'p95 < 10 ms',
          value: s.p95,
          stats: s,
          baseline: b,
          ratio: ratioOf(s, b),
          met: s.p95 < 10,
          params: { runs, assessments: fixture.params.assessments },
        },
      ]
    } finally {
      t.close()
    }
  },
}
