import type { AchievementPassRate, dashboardOps, MissedCriterion } from '../../contract/ops/dashboard'
import { keptUntilChange } from '../db/kept-until-change'
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
   * 50,000): the totals are kept until the database changes (`aggregate` below). Only they are: the
   * week's count depends on today's date and is read each time.
   *
   * One pass over the finalized outcomes: only the version id and the outcome text are read (as
   * arrays, no joins: the rubric and achievement of each version are looked up once), and the counts
   * are kept per rubric version and criterion id. Joined and named per row, with a key built per
   * criterion, this took a second of the server's only thread on 50,000 assessments.
   * (SQLite's own JSON functions were tried: slower than JSON.parse here.)
   */
  const readAggregate = (): Aggregate => {
    interface CriterionCounts {
      assessed: number
      belowMax: number
      failedMinimum: number
    }
    interface VersionCounts {
      assessed: number
      passed: number
      criteria: Map<string, CriterionCounts>
    }
    const byVersion = new Map<string, VersionCounts>()
    const outcomes = sqlite
      .prepare(
        `SELECT rubric_version_id, outcome FROM assessment WHERE state = 'finalized' AND outcome IS NOT NULL`,
      )
      .raw(true)
      .iterate() as Iterable<[string, string]>
    for (const [versionId, text] of outcomes) {
      let outcome: StoredOutcome
      try {
        outcome = JSON.parse(text) as StoredOutcome
      } catch {
        continue // a damaged outcome is `system.doctor`'s business; it must not break the dashboard
      }
      let v = byVersion.get(versionId)
      if (!v) byVersion.set(versionId, (v = { assessed: 0, passed: 0, criteria: new Map() }))
      v.assessed++
      if (outcome.passed === true) v.passed++
      for (const c of outcome.criteria ?? []) {
        let m = v.criteria.get(c.criterionId)
        if (!m) v.criteria.set(c.criterionId, (m = { assessed: 0, belowMax: 0, failedMinimum: 0 }))
        m.assessed++
        if (c.weighted < c.maxWeighted) m.belowMax++
        if (!c.metMinimum) m.failedMinimum++
      }
    }

    // The versions in id order, as the figures were always gathered (ties keep that order).
    const versions = sqlite
      .prepare(
        `SELECT v.id AS version_id, v.version, v.content, r.id AS rubric_id, r.name AS rubric_name,
                ach.id AS achievement_id, ach.name AS achievement_name
           FROM json_each(?) j
           JOIN rubric_version v ON v.id = j.value
           JOIN rubric r ON r.id = v.rubric_id
           JOIN achievement ach ON ach.id = r.achievement_id
          ORDER BY v.id`,
      )
      .all(JSON.stringify([...byVersion.keys()])) as {
      version_id: string
      version: number
      content: string
      rubric_id: string
      rubric_name: string
      achievement_id: string
      achievement_name: string
    }[]

    const passRates = new Map<string, AchievementPassRate>()
    const missed = new Map<string, MissedCriterion>()
    // A criterion is named as in the latest version of its rubric that has finalized assessments.
    const titles = new Map<string, { title: string; version: number }>()
    let finalized = 0
    let passed = 0
    for (const v of versions) {
      const counts = byVersion.get(v.version_id)!
      let content: StoredContent
      try {
        content = JSON.parse(v.content) as StoredContent
      } catch {
        content = {}
      }
      for (const c of content.criteria ?? []) {
        const key = `${v.rubric_id}\u0000${c.id}`
        const known = titles.get(key)
        if (!known || known.version < v.version) titles.set(key, { title: c.title, version: v.version })
      }
      finalized += counts.assessed
      passed += counts.passed
      const rate = passRates.get(v.achievement_id) ?? {
        achievementId: v.achievement_id,
        name: v.achievement_name,
        assessed: 0,
        passed: 0,
        passRate: 0,
      }
      rate.assessed += counts.assessed
      rate.passed += counts.passed
      passRates.set(v.achievement_id, rate)
      // In the order each criterion was first met, as before.
      for (const [criterionId, c] of counts.criteria) {
        const key = `${v.rubric_id}\u0000${criterionId}`
        const m = missed.get(key) ?? {
          rubricId: v.rubric_id,
          rubricName: v.rubric_name,
          criterionId,
          title: criterionId,
          assessed: 0,
          belowMax: 0,
          failedMinimum: 0,
        }
        m.assessed += c.assessed
        m.belowMax += c.belowMax
        m.failedMinimum += c.failedMinimum
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
  const aggregate = keptUntilChange(sqlite, readAggregate)

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
