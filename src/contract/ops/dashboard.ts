import { z } from 'zod'
import { defineOps } from '../define'

/**
 * The Start screen's dashboard in one read: counts, pass rate by achievement, and the criteria learners
 * most often miss. Everything comes from finalized assessments' stored outcomes (voided ones excluded),
 * so the numbers match what credentials were issued from.
 */

export const achievementPassRate = z.object({
  achievementId: z.string(),
  name: z.string(),
  /** Finalized, not voided. */
  assessed: z.number(),
  passed: z.number(),
  /** passed / assessed × 100, truncated to 1 decimal; 0 when nothing was assessed. */
  passRate: z.number(),
})
export type AchievementPassRate = z.output<typeof achievementPassRate>

export const missedCriterion = z.object({
  rubricId: z.string(),
  rubricName: z.string(),
  criterionId: z.string(),
  /** The title in the latest version that contains this criterion. */
  title: z.string(),
  /** Finalized assessments that scored this criterion. */
  assessed: z.number(),
  /** Scored below the criterion's highest level. */
  belowMax: z.number(),
  /** A critical criterion scored below (or without) its minimum level. */
  failedMinimum: z.number(),
})
export type MissedCriterion = z.output<typeof missedCriterion>

export const dashboardSummary = z.object({
  counts: z.object({
    learners: z.number(),
    /** Drafts not yet finalized or voided. */
    draftsWaiting: z.number(),
    /** Assessments (drafts and finalized, not voided) dated in the current ISO week (Monday to Sunday, UTC). */
    assessmentsThisWeek: z.number(),
    /** Credentials issued and not revoked; 0 before the credentials table exists. */
    credentialsIssued: z.number(),
    finalized: z.number(),
    passed: z.number(),
  }),
  weekStart: z.string(),
  passRates: z.array(achievementPassRate),
  /** Most often missed first (failed minimum, then below max); at most `topCriteria`. */
  missedCriteria: z.array(missedCriterion),
})
export type DashboardSummary = z.output<typeof dashboardSummary>

export const dashboardOps = defineOps({
  'dashboard.summary': {
    summary: 'Dashboard counts, pass rate by achievement and the criteria learners most often miss',
    readonly: true,
    input: z
      .object({ topCriteria: z.number().int().min(1).max(100).default(10) })
      .default({ topCriteria: 10 }),
    output: dashboardSummary,
  },
})
