import Database from 'better-sqlite3'
import { ftsPrefixQuery } from '../src/core/domain/learner-search'
const db = new Database('/tmp/bx/prof/search.db')
const cpu = (fn: () => unknown, n = 7) => {
  const r: number[] = []
  let out: unknown
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage()
    out = fn()
    const c = process.cpuUsage(c0)
    r.push((c.user + c.system) / 1000)
  }
  r.sort((a, b) => a - b)
  return `${r[n >> 1]!.toFixed(2)}ms ${JSON.stringify(out).slice(0, 40)}`
}
const variants: Record<string, string> = {
  ftsOnly: `SELECT count(*) n FROM (SELECT rowid FROM learner_fts WHERE learner_fts MATCH ?)`,
  ftsFirst50: `SELECT rowid FROM learner_fts WHERE learner_fts MATCH ? LIMIT 50`,
  current: `WITH m(rid) AS MATERIALIZED (SELECT rowid FROM learner_fts WHERE learner_fts MATCH ? UNION SELECT rowid FROM learner WHERE id = 'x' UNION SELECT rowid FROM learner WHERE external_id = 'x') SELECT l.id FROM m JOIN learner l ON l.rowid = m.rid ORDER BY l.family_name, l.given_name, l.rowid LIMIT 50`,
  currentCount: `WITH m(rid) AS MATERIALIZED (SELECT rowid FROM learner_fts WHERE learner_fts MATCH ? UNION SELECT rowid FROM learner WHERE id = 'x' UNION SELECT rowid FROM learner WHERE external_id = 'x') SELECT count(*) FROM m JOIN learner l ON l.rowid = m.rid`,
  indexWalk: `SELECT l.id FROM learner l INDEXED BY learner_sort WHERE l.rowid IN (SELECT rowid FROM learner_fts WHERE learner_fts MATCH ?) ORDER BY l.family_name, l.given_name, l.rowid LIMIT 50`,
}
for (const q of ['a', 'ka', 'παπα', 'nguyen', 'ngu', 'zzzz', 'mo']) {
  const m = ftsPrefixQuery(q)!
  console.log(
    q,
    Object.entries(variants)
      .map(
        ([k, s]) =>
          `${k}=${cpu(() => (db.prepare(s).all(m).length === 1 ? db.prepare(s).get(m) : db.prepare(s).all(m).length))}`,
      )
      .join('  '),
  )
}
for (const k of ['current', 'indexWalk'])
  console.log(
    k,
    (db.prepare(`EXPLAIN QUERY PLAN ${variants[k]}`).all('"a"*') as { detail: string }[])
      .map((r) => r.detail)
      .join(' | '),
  )
