import { sql, type RawBuilder } from 'kysely'
import { ftsPrefixQuery } from '../domain/learner-search'
import type { Tx } from './context'
import type { LearnerRow } from './learner-records'

export interface LearnerQuery {
  q?: string | null
  cohortId?: string | null
  limit: number
  offset: number
}

/**
 * How a search page is put in name order (the results are the same either way):
 *
 * - `sort-matches`: read every matching learner and sort them. Cost grows with the number of matches
 *   (a row read each): right for narrow searches.
 * - `walk-names`: walk the `learner_sort` index in name order and keep the rows whose rowid is among
 *   the matches, stopping at the page's end. Cost grows with how far into the index the page lies
 *   (about (offset + limit) × learners / matches entries, each a cheap probe): right for broad
 *   searches, where "a" or "ka" match thousands and sorting them all took tens of milliseconds.
 */
export type SearchOrderStrategy = 'sort-matches' | 'walk-names'

type Count = { n: number | null }

/**
 * One page of learners in name order (family, given, then creation as rowid) and the total.
 *
 * With a search text, the matching rowids come first from the FTS5 index (every token a prefix,
 * all required) plus an exact learner id or external id, in a MATERIALIZED CTE: the planner then
 * sorts only the matches instead of walking the whole name index and probing each row (or, for a
 * broad search, walks the name index and stops early: see `SearchOrderStrategy`). The total counts
 * the matches without reading learner rows unless a cohort must be checked. Without a search text,
 * the `learner_sort` index gives the order and LIMIT stops the walk early.
 * (EXPLAIN QUERY PLAN is checked in test/learners/search.test.ts.)
 */
export function learnerPageQuery(
  query: LearnerQuery,
  strategy: SearchOrderStrategy = 'sort-matches',
): {
  page: RawBuilder<LearnerRow>
  count: RawBuilder<Count>
} {
  const q = query.q?.normalize('NFC').trim() ?? ''
  const match = q ? ftsPrefixQuery(q) : null
  const conditions: RawBuilder<unknown>[] = []
  if (query.cohortId) {
    conditions.push(sql`l.id IN (SELECT learner_id FROM learner_cohort WHERE cohort_id = ${query.cohortId})`)
  }
  const where = conditions.length ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``
  const order = sql`ORDER BY l.family_name, l.given_name, l.rowid LIMIT ${query.limit} OFFSET ${query.offset}`
  if (!q) {
    return {
      page: sql<LearnerRow>`SELECT l.* FROM learner l ${where} ${order}`,
      count: sql<Count>`SELECT count(*) AS n FROM learner l ${where}`,
    }
  }
  const sources = [
    sql`SELECT rowid FROM learner WHERE id = ${q}`,
    sql`SELECT rowid FROM learner WHERE external_id = ${q}`,
  ]
  if (match) sources.unshift(sql`SELECT rowid FROM learner_fts WHERE learner_fts MATCH ${match}`)
  const matches = sql.join(sources, sql` UNION `)
  const withClause = sql`WITH m(rid) AS MATERIALIZED (${matches}) `
  const page =
    strategy === 'walk-names'
      ? sql<LearnerRow>`SELECT l.* FROM learner l INDEXED BY learner_sort
          WHERE l.rowid IN (${matches})${query.cohortId ? sql` AND ${sql.join(conditions, sql` AND `)}` : sql``} ${order}`
      : sql<LearnerRow>`${withClause}SELECT l.* FROM m JOIN learner l ON l.rowid = m.rid ${where} ${order}`
  return {
    page,
    // Every FTS rowid is a learner (the triggers keep them in step): rows are read only for the cohort.
    count: query.cohortId
      ? sql<Count>`${withClause}SELECT count(*) AS n FROM m JOIN learner l ON l.rowid = m.rid ${where}`
      : sql<Count>`${withClause}SELECT count(*) AS n FROM m`,
  }
}

/**
 * Walk the name index when, were matches spread evenly, the page's end lies within this many entries
 * (well under a millisecond). Kept low because matches are not spread evenly: names of one script sort
 * together (Arabic after Latin, Han at the end), so a walk can run much further than estimated. Measured
 * at 100,000 learners (bench/cases/learner-search.ts): "a" (8,375 matches) 28 ms sorted, 5 ms walked;
 * "محمد" (1,453 matches, all near the end) 4 ms sorted, 7 ms walked.
 */
const WALK_BUDGET = 3_000

export async function listLearnerRows(
  tx: Tx,
  query: LearnerQuery,
): Promise<{ rows: LearnerRow[]; total: number }> {
  const total = Number((await learnerPageQuery(query).count.execute(tx)).rows[0]?.n ?? 0)
  if (total === 0 || query.offset >= total) return { rows: [], total }
  let strategy: SearchOrderStrategy = 'sort-matches'
  if (query.q?.trim()) {
    // max(rowid) stands in for the number of learners (one index step instead of counting them all).
    const n = Number((await sql<Count>`SELECT max(rowid) AS n FROM learner`.execute(tx)).rows[0]?.n ?? 0)
    if (((query.offset + query.limit) * n) / total <= WALK_BUDGET) strategy = 'walk-names'
  }
  const rows = (await learnerPageQuery(query, strategy).page.execute(tx)).rows
  return { rows, total }
}
