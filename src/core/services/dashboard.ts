import type { AchievementPassRate, dashboardOps, MissedCriterion } from '../../contract/ops/dashboard'
import { databaseChangeKey } from '../db/change-key'
import type { ServiceContext } from './context'
import type { FeatureHandlers } from './handlers'

interface StoredOutcome {
  passed?: boolean
  criteria?: {
    criterionId: string
    levelId: string | null
    weighted: number
    maxWeighted: number
    metMinimum: boolean
  }[]
}

interface StoredContent {
  criteria?: { id: string; title: string; critical?: boolean }[]
}

/** Monday 00:00 UTC of the week holding `now`, as YYYY-MM-DD (assessed_on is a date). */
export function isoWeekStart(now: Date): string {
  const day = now.getUTCDay() // 0 = Sunday
  const back = (day + 6) % 7
  const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - back))
  return monday.toISOString().slice(0, 10)
}

const addDays = (date: string, days: number): string => {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

const truncate1 = (n: number): number => Math.floor(n * 10) / 10

/** The summary's figures over every finalized assessment (passRates and missedCriteria sorted, uncut). */
interface Aggregate {
  finalized: number
  passed: number
  passRates: AchievementPassRate[]
  missedCriteria: MissedCriterion[]
}

export function dashboardHandlers(ctx: ServiceContext): FeatureHandlers<typeof dashboardOps> {
  const sqlite = ctx.database.sqlite
  const scalar = (sql: string, ...params: unknown[]): number =>
    Number((sqlite.prepare(sql).get(...params) as { n: number | bigint | null } | undefined)?.n ?? 0)
  const tableExists = (name: string): boolean =>
    scalar(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?`, name) > 0

  /**
   * Reading every finalized assessment's outcome is most of a summary on years of data (a second on
   * 50,000): the totals are kept until the database changes (db/change-key.ts). Only they are: the
   * week's count depends on today's date and is read each time.
   */
  let aggregated: { key: string; value: Aggregate } | undefined
  const aggregate = (): Aggregate => {
    // Inside another op's open transaction what is read may still be rolled back, and
    // total_changes() would not move back: read afresh and keep nothing.
    if (sqlite.inTransaction) return readAggregate()
    const key = databaseChangeKey(sqlite)
    if (aggregated?.key !== key) aggregated = { key, value: readAggregate() }
    return aggregated.value
  }
  const readAggregate = (): Aggregate => {
    const passRates = new Map<string, AchievementPassRate>()
    const missed = new Map<string, MissedCriterion>()
    const titles = new Map<string, { title: string; version: number }>()
    let finalized = 0
    let passed = 0

    const rows = sqlite
      .prepare(
        `SELECT a.outcome, v.id AS version_id, v.version, r.id AS rubric_id, r.name AS rubric_name,
                ach.id AS achievement_id, ach.name AS achievement_name
           FROM assessment a
           JOIN rubric_version v ON v.id = a.rubric_version_id
           JOIN rubric r ON r.id = v.rubric_id
           JOIN achievement ach ON ach.id = r.achievement_id
          WHERE a.state = 'finalized' AND a.outcome IS NOT NULL
          ORDER BY v.id`,
      )
      .iterate() as Iterable<{
      outcome: string
      version_id: string
      version: number
      rubric_id: string
      rubric_name: string
      achievement_id: string
      achievement_name: string
    }>

    // Content JSON (kilobytes) is read and parsed once per rubric version, not once per assessment:
    // joined into every row it was copied out of SQLite for each of the (tens of thousands of)
    // assessments, most of the summary's time on a large database.
    const contentOf = sqlite.prepare(`SELECT content FROM rubric_version WHERE id = ?`)
    let lastVersionId = ''
    let lastContent: StoredContent
    for (const row of rows) {
      let outcome: StoredOutcome
      try {
        outcome = JSON.parse(row.outcome) as StoredOutcome
      } catch {
        continue // a damaged outcome is `system.doctor`'s business; it must not break the dashboard
      }
      if (row.version_id !== lastVersionId) {
        lastVersionId = row.version_id
        try {
          lastContent = JSON.parse(
            (contentOf.get(row.version_id) as { content: string }).content,
          ) as StoredContent
        } catch {
          lastContent = {}
        }
        for (const c of lastContent.criteria ?? []) {
          const key = `${row.rubric_id}\u0000${c.id}`
          const known = titles.get(key)
          if (!known || known.version < row.version) titles.set(key, { title: c.title, version: row.version })
        }
      }
      finalized++
      const ok = outcome.passed === true
      if (ok) passed++
      const rate = passRates.get(row.achievement_id) ?? {
        achievementId: row.achievement_id,
        name: row.achievement_name,
        assessed: 0,
        passed: 0,
        passRate: 0,
      }
      rate.assessed++
      if (ok) rate.passed++
      passRates.set(row.achievement_id, rate)

      for (const c of outcome.criteria ?? []) {
        const key = `${row.rubric_id}\u0000${c.criterionId}`
        const m = missed.get(key) ?? {
          rubricId: row.rubric_id,
          rubricName: row.rubric_name,
          criterionId: c.criterionId,
          title: c.criterionId,
          assessed: 0,
          belowMax: 0,
          failedMinimum: 0,
        }
        m.assessed++
        if (c.weighted < c.maxWeighted) m.belowMax++
        if (!c.metMinimum) m.failedMinimum++
        missed.set(key, m)
      }
    }

    for (const [key, m] of missed) m.title = titles.get(key)?.title ?? m.criterionId
    for (const r of passRates.values())
      r.passRate = r.assessed === 0 ? 0 : truncate1((r.passed / r.assessed) * 100)
    return {
      finalized,
      passed,
      passRates: [...passRates.values()].sort(
        (a, b) => b.assessed - a.assessed || a.name.localeCompare(b.name),
      ),
      missedCriteria: [...missed.values()]
        .filter((m) => m.belowMax > 0 || m.failedMinimum > 0)
        .sort(
          (a, b) =>
            b.failedMinimum - a.failedMinimum || b.belowMax - a.belowMax || a.title.localeCompare(b.title),
        ),
    }
  }

  return {
    'dashboard.summary': async ({ topCriteria }) => {
      const weekStart = isoWeekStart(ctx.now())
      const nextWeek = addDays(weekStart, 7)
      // Before migration 0003 there is no credential table; the count is then simply 0.
      const credentialsIssued = tableExists('credential')
        ? scalar(`SELECT count(*) AS n FROM credential WHERE revoked_at IS NULL`)
        : 0

      const { finalized, passed, passRates, missedCriteria } = aggregate()

      return {
        counts: {
          learners: scalar(`SELECT count(*) AS n FROM learner`),
          draftsWaiting: scalar(`SELECT count(*) AS n FROM assessment WHERE state = 'draft'`),
          assessmentsThisWeek: scalar(
            `SELECT count(*) AS n FROM assessment WHERE state <> 'voided' AND assessed_on >= ? AND assessed_on < ?`,
            weekStart,
            nextWeek,
          ),
          credentialsIssued,
          finalized,
          passed,
        },
        weekStart,
        // Copies: the kept figures must not change with what a caller does to its answer.
        passRates: passRates.map((r) => ({ ...r })),
        missedCriteria: missedCriteria.slice(0, topCriteria).map((m) => ({ ...m })),
      }
    },
  }
}
