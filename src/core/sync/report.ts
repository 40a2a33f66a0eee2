import type { Database } from 'better-sqlite3'
import Papa from 'papaparse'
import type { RubricContent } from '../domain/rubric-types'
import { quoteIdent } from './columns'

/**
 * Results for spreadsheets: one row per signed-off assessment (finalized or voided) with the level of
 * every criterion, or one row per credential. CSV is UTF-8 with a byte-order mark (so spreadsheet
 * programs read names in every script correctly), and formula-looking cells are neutralised
 * (papaparse `escapeFormulae`) so a learner named "=HYPERLINK(...)" cannot run anything.
 */

export interface ReportTable {
  columns: string[]
  rows: Record<string, unknown>[]
}

interface AssessmentReportRow {
  id: string
  state: string
  assessed_on: string
  location: string | null
  outcome: string | null
  finalized_at: string | null
  voided_at: string | null
  void_reason: string | null
  device_id: string
  learner_id: string
  given_name: string
  family_name: string
  external_id: string | null
  rubric_id: string
  rubric_name: string
  rubric_version: number
  content: string
  content_hash: string
  achievement_name: string
  assessor_name: string
}

interface OutcomeSummary {
  passed?: boolean
  total?: number
  maxTotal?: number
  percent?: number
}

export function assessmentReport(sqlite: Database): ReportTable & { nested: Record<string, unknown>[] } {
  const rows = sqlite
    .prepare(
      `SELECT a.id, a.state, a.assessed_on, a.location, a.outcome, a.finalized_at, a.voided_at, a.void_reason, a.device_id,
              l.id AS learner_id, l.given_name, l.family_name, l.external_id,
              r.id AS rubric_id, r.name AS rubric_name, rv.version AS rubric_version, rv.content, rv.content_hash,
              ach.name AS achievement_name, s.name AS assessor_name
         FROM assessment a
         JOIN learner l ON l.id = a.learner_id
         JOIN rubric_version rv ON rv.id = a.rubric_version_id
         JOIN rubric r ON r.id = rv.rubric_id
         JOIN achievement ach ON ach.id = r.achievement_id
         JOIN assessor s ON s.id = a.assessor_id
        WHERE a.state <> 'draft'
        ORDER BY a.assessed_on, a.created_at, a.id`,
    )
    .all() as AssessmentReportRow[]
  const scoreStmt = sqlite.prepare(
    `SELECT criterion_id, level_id, comment FROM assessment_score WHERE assessment_id = ?`,
  )

  // One column per criterion of each rubric (criteria keep their ids across versions).
  const criterionColumns = new Map<string, string>()
  const flat: Record<string, unknown>[] = []
  const nested: Record<string, unknown>[] = []
  for (const r of rows) {
    const content = safeJson<RubricContent>(r.content)
    const outcome = safeJson<OutcomeSummary>(r.outcome ?? 'null')
    const scores = new Map(
      (scoreStmt.all(r.id) as { criterion_id: string; level_id: string | null; comment: string }[]).map(
        (s) => [s.criterion_id, s],
      ),
    )
    const base = {
      assessment_id: r.id,
      state: r.state,
      assessed_on: r.assessed_on,
      learner_id: r.learner_id,
      learner_given_name: r.given_name,
      learner_family_name: r.family_name,
      learner_external_id: r.external_id ?? '',
      achievement: r.achievement_name,
      rubric: r.rubric_name,
      rubric_version: r.rubric_version,
      rubric_content_hash: r.content_hash,
      assessor: r.assessor_name,
      result: outcome?.passed === undefined ? '' : outcome.passed ? 'pass' : 'fail',
      total: outcome?.total ?? '',
      max_total: outcome?.maxTotal ?? '',
      percent: outcome?.percent ?? '',
      finalized_at: r.finalized_at ?? '',
      voided_at: r.voided_at ?? '',
      void_reason: r.void_reason ?? '',
      location: r.location ?? '',
      device_id: r.device_id,
    }
    const row: Record<string, unknown> = { ...base }
    const criteria: Record<string, unknown>[] = []
    for (const c of content?.criteria ?? []) {
      const key = `${r.rubric_id}\u0000${c.id}`
      if (!criterionColumns.has(key)) criterionColumns.set(key, `${r.rubric_name} › ${c.title}`)
      const s = scores.get(c.id)
      const level = c.levels.find((l) => l.id === s?.level_id)
      row[criterionColumns.get(key)!] = level?.label ?? s?.level_id ?? ''
      criteria.push({
        criterionId: c.id,
        title: c.title,
        levelId: s?.level_id ?? null,
        level: level?.label ?? null,
        comment: s?.comment ?? '',
      })
    }
    flat.push(row)
    nested.push({ ...base, criteria })
  }
  const baseColumns = flat[0]
    ? Object.keys(flat[0]).filter((k) => ![...criterionColumns.values()].includes(k))
    : BASE_COLUMNS
  return { columns: [...baseColumns, ...uniqueValues(criterionColumns)], rows: flat, nested }
}

const BASE_COLUMNS = [
  'assessment_id',
  'state',
  'assessed_on',
  'learner_id',
  'learner_given_name',
  'learner_family_name',
  'result',
]

function uniqueValues(m: Map<string, string>): string[] {
  return [...new Set(m.values())]
}

/** One row per credential, from whatever credential table this database has (arrives with a later migration). */
export function credentialReport(sqlite: Database): ReportTable {
  const table = sqlite
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('credential', 'credentials') LIMIT 1`,
    )
    .get() as { name: string } | undefined
  if (!table) return { columns: [], rows: [] }
  const cols = (
    sqlite.pragma(`table_info(${quoteIdent(table.name)})`) as { name: string; type: string }[]
  ).filter((c) => c.type.toUpperCase() !== 'BLOB')
  const rows = sqlite
    .prepare(
      `SELECT ${cols.map((c) => quoteIdent(c.name)).join(', ')} FROM ${quoteIdent(table.name)} ORDER BY rowid`,
    )
    .all() as Record<string, unknown>[]
  return { columns: cols.map((c) => c.name), rows }
}

export function toCsv(t: ReportTable): string {
  const csv = Papa.unparse(
    { fields: t.columns, data: t.rows.map((r) => t.columns.map((c) => r[c] ?? '')) },
    { escapeFormulae: true, newline: '\r\n' },
  )
  return '\uFEFF' + csv + '\r\n'
}

function safeJson<T>(s: string): T | null {
  try {
    return JSON.parse(s) as T
  } catch {
    return null
  }
}
