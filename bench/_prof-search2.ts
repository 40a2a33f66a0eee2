import Database from 'better-sqlite3'
import { ftsPrefixQuery } from '../src/core/domain/learner-search'
const cpu = (fn: () => unknown, n = 7) => {
  const r: number[] = []
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage()
    fn()
    const c = process.cpuUsage(c0)
    r.push((c.user + c.system) / 1000)
  }
  r.sort((a, b) => a - b)
  return r[n >> 1]!.toFixed(2)
}
const page = `WITH m(rid) AS MATERIALIZED (SELECT rowid FROM learner_fts WHERE learner_fts MATCH ? UNION SELECT rowid FROM learner WHERE id = 'x' UNION SELECT rowid FROM learner WHERE external_id = 'x') SELECT l.* FROM m JOIN learner l ON l.rowid = m.rid ORDER BY l.family_name, l.given_name, l.rowid LIMIT 50`
for (const setup of [
  '',
  'PRAGMA cache_size = -65536',
  'PRAGMA mmap_size = 1073741824',
  'PRAGMA cache_size = -65536; PRAGMA mmap_size = 1073741824',
]) {
  const db = new Database('/tmp/bx/prof/search.db')
  if (setup) db.exec(setup)
  const s = db.prepare(page)
  console.log(
    setup || 'default',
    ['a', 'ka', 'παπα', 'ngu', 'mo'].map((q) => `${q}=${cpu(() => s.all(ftsPrefixQuery(q)))}`).join(' '),
  )
  db.close()
}
const db = new Database('/tmp/bx/prof/search.db')
try {
  db.exec('CREATE INDEX t_rowid ON learner(rowid, family_name)')
  console.log('rowid index ok')
} catch (e) {
  console.log('rowid index:', (e as Error).message)
}
console.log(
  'page_size',
  db.pragma('page_size', { simple: true }),
  'pages',
  db.pragma('page_count', { simple: true }),
)
console.log(
  db
    .prepare(`SELECT name, sum(pgsize)/1048576.0 mb FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 12`)
    .all(),
)
