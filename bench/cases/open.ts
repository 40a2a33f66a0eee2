import path from 'node:path'
import Database from 'better-sqlite3'
import { openTessera } from '../../src/core/app'
import { copyDatabase } from '../data/cache'
import { benchSecrets } from '../data/fixture'
import { ratioOf, stats } from '../harness'
import type { BenchCase } from './context'

/**
 * Opening the large database as the app does (lock file, integrity of the schema version, WAL,
 * migrations check, device id, services) and answering the first query the learners screen asks.
 * Baseline: better-sqlite3 alone opens the file and runs the same page query.
 * The file is in the OS page cache (it was just copied): this is a warm open, see docs/performance.md.
 */
const PAGE_SQL = 'SELECT * FROM learner ORDER BY family_name, given_name, rowid LIMIT 50'

export const openCase: BenchCase = {
  id: 'open',
  async run(ctx) {
    const fixture = await ctx.large()
    const file = path.join(ctx.workDir, 'open.db')
    copyDatabase(fixture.dbFile, file)
    const samples: number[] = []
    const baseline: number[] = []
    const withStatus: number[] = []
    const runs = ctx.config.open.runs
    for (let i = -1; i < runs; i++) {
      let t0 = performance.now()
      const t = openTessera({ dbFile: file, actor: 'bench', secrets: benchSecrets })
      const page = await t.call('learners.list', { limit: 50 })
      const opened = performance.now() - t0
      await t.call('system.status', {})
      const statusToo = performance.now() - t0
      t.close()
      if (page.items.length === 0) throw new Error('the large fixture has no learners')

      t0 = performance.now()
      const db = new Database(file)
      db.prepare(PAGE_SQL).all()
      const raw = performance.now() - t0
      db.close()
      if (i < 0) continue // warm-up
      samples.push(opened)
      withStatus.push(statusToo)
      baseline.push(raw)
    }
    const s = stats(samples)
    const b = stats(baseline)
    return [
      {
        id: 'open',
        name: `open ${fixture.result.counts.learner ?? 0} learners / ${fixture.params.assessments} assessments`,
        unit: 'ms',
        target: '< 300 ms',
        value: s.median,
        stats: s,
        baseline: b,
        ratio: ratioOf(s, b),
        met: s.median < 300,
        params: {
          learners: fixture.result.counts.learner ?? 0,
          assessments: fixture.params.assessments,
          runs,
        },
        extra: { withSystemStatusMedianMs: stats(withStatus).median },
      },
    ]
  },
}
