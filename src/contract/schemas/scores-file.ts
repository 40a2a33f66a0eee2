import { z } from 'zod'
import { isoDate } from './common'

/**
 * The Tessera scores file (docs/scores-format.md, resources/schemas/scores.schema.json): one
 * assessment's scores written by hand or by another tool, recorded with `tessera assess`.
 * Keep this, the JSON Schema and the doc in step; test/assessments/scores-file.test.ts checks it.
 */
export const SCORES_FORMAT = 'tessera.scores'
export const SCORES_FORMAT_VERSION = 1

export const scoresFile = z
  .object({
    format: z.literal(SCORES_FORMAT, { message: `must be "${SCORES_FORMAT}"` }),
    formatVersion: z.literal(SCORES_FORMAT_VERSION, {
      message: `must be ${SCORES_FORMAT_VERSION} (this Tessera reads scores format version ${SCORES_FORMAT_VERSION})`,
    }),
    assessedOn: isoDate.optional(),
    location: z.string().max(200, 'must be at most 200 characters').nullable().optional(),
    overallComment: z.string().max(8000, 'must be at most 8000 characters').optional(),
    scores: z
      .array(
        z
          .object({
            criterion: z.string({ message: 'must be a criterion id' }).min(1, 'must be a criterion id'),
            level: z
              .string({ message: 'must be a level id or label, or null' })
              .max(200)
              .nullable()
              .optional(),
            comment: z
              .string({ message: 'must be text' })
              .max(4000, 'must be at most 4000 characters')
              .optional(),
          })
          .strict(),
      )
      .max(1000, 'must have at most 1000 entries'),
  })
  .strict()
export type ScoresFile = z.output<typeof scoresFile>

export type ParsedScoresFile =
  | { ok: true; value: ScoresFile }
  | { ok: false; message: string; issues: { path: (string | number)[]; message: string }[] }

/** Parses the text of a scores file: JSON syntax errors and every schema problem with its path. */
export function parseScoresFile(text: string): ParsedScoresFile {
  let json: unknown
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (e) {
    return { ok: false, message: `not valid JSON: ${(e as Error).message}`, issues: [] }
  }
  const r = scoresFile.safeParse(json)
  if (r.success) return { ok: true, value: r.data }
  const issues = r.error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: i.message,
  }))
  return {
    ok: false,
    message: `not a valid scores file (${issues.length} problem${issues.length === 1 ? '' : 's'})`,
    issues,
  }
}
