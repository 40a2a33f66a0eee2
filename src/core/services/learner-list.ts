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
 * One page of learners in name order (family, given, then creation as rowid) and the total.
 *
 * With a search text, the matching rowids come first from the FTS5 index (every token a prefix,
 * all required) plus an exact learner id or external id, in a MATERIALIZED CTE: the planner then
 * sorts only the matches instead of walking the whole name index and probing each row. Without one,
 * the `learner_sort` index gives the order and LIMIT stops the walk early.
 * (EXPLAIN QUERY PLAN is checked in test/learners/search.test.ts.)
 */
export function learnerPageQuery(query: LearnerQuery): {
  page: RawBuilder<LearnerRow>
  count: RawBuilder<{ n: number }>
} {
  const q = query.q?.normalize('NFC').trim() ?? ''
  const match = q ? ftsPrefixQuery(q) : null
  const conditions: RawBuilder<unknown>[] = []
  if (query.cohortId) {
    conditions.push(sql`l.id IN (SELECT learner_id FROM learner_cohort WHERE cohort_id = ${query.cohortId})`)
  }
  const where = conditions.length ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``
  let withClause = sql``
  let from = sql`learner l`
  if (q) {
    const sources = [
      sql`SELECT rowid FROM learner WHERE id = ${q}`,
      sql`SELECT rowid FROM learner WHERE external_id = ${q}`,
    ]
    if (match) sources.unshift(sql`SELECT rowid FROM learner_fts WHERE learner_fts MATCH ${match}`)
    withClause = sql`WITH m(rid) AS MATERIALIZED (${sql.join(sources, sql` UNION `)}) `
    from = sql`m JOIN learner l ON l.rowid = m.rid`
  }
  return {
    page: sql<LearnerRow>`${withClause}SELECT l.* FROM ${from} ${where}
      ORDER BY l.family_name, l.given_name, l.rowid LIMIT ${query.limit} OFFSET ${query.offset}`,
    count: sql<{ n: number }>`${withClause}SELECT count(*) AS n FROM ${from} ${where}`,
  }
}

export async function listLearnerRows(
  tx: Tx,
  query: LearnerQuery,
): Promise<{ rows: LearnerRow[]; total: number }> {
  const { page, count } = learnerPageQuery(query)
  const rows = (await page.execute(tx)).rows
  const total = Number((await count.execute(tx)).rows[0]?.n ?? 0)
  return { rows, total }
}
