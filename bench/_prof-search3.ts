import { openTessera } from '../src/core/app'
import { learnerPageQuery } from '../src/core/services/learner-list'
import { benchSecrets } from './data/fixture'
import { SEARCH_QUERIES } from './data/names'
const t = openTessera({ dbFile: '/tmp/bx/prof/search.db', secrets: benchSecrets })
const cpu = async (fn: () => Promise<unknown>, n = 5) => {
  const r: number[] = []
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage()
    await fn()
    const c = process.cpuUsage(c0)
    r.push((c.user + c.system) / 1000)
  }
  r.sort((a, b) => a - b)
  return r[n >> 1]!
}
for (const q of [...SEARCH_QUERIES, 'ا', 'example', 'p']) {
  const query = { q, limit: 50, offset: 0 }
  const total = Number((await learnerPageQuery(query).count.execute(t.ctx.db)).rows[0]?.n)
  const sort = await cpu(() => learnerPageQuery(query, 'sort-matches').page.execute(t.ctx.db))
  const walk = await cpu(() => learnerPageQuery(query, 'walk-names').page.execute(t.ctx.db))
  const count = await cpu(() => learnerPageQuery(query).count.execute(t.ctx.db))
  console.log(
    q.padEnd(12),
    String(total).padStart(6),
    'e=',
    String(Math.round((50 * 100000) / Math.max(total, 1))).padStart(7),
    'sort',
    sort.toFixed(2),
    'walk',
    walk.toFixed(2),
    'count',
    count.toFixed(2),
  )
}
t.close()
