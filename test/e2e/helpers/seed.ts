import fs from 'node:fs'
import path from 'node:path'
import type { TesseraServer } from '../fixtures'
import { callApi } from './api'

const WELDING_RUBRIC = path.join(import.meta.dirname, '..', 'files', 'welding.rubric.json')

/**
 * A finalized assessment of Kofi Mensah on the welding rubric, recorded through the API, for tests
 * about what comes after scoring. `passing`: every criterion at its top level; otherwise its lowest.
 */
export async function seedFinalizedAssessment(
  server: TesseraServer,
  opts: { passing: boolean },
): Promise<void> {
  const learner = await callApi(server, 'learners.add', {
    givenName: 'Kofi',
    familyName: 'Mensah',
    cohorts: [],
  })
  const rubric = await callApi(server, 'rubrics.import', { text: fs.readFileSync(WELDING_RUBRIC, 'utf8') })
  const criteria = await callApi(server, 'rubrics.get', { rubricId: rubric.rubric.id })
  await callApi(server, 'assessments.record', {
    learnerId: learner.id,
    rubricId: rubric.rubric.id,
    assessorName: 'Grace Okafor',
    assessedOn: '2026-11-20',
    overallComment: '',
    scores: criteria.version.content.criteria.map((c) => ({
      criterion: c.id,
      level: (opts.passing ? c.levels[c.levels.length - 1] : c.levels[0])!.id,
      comment: '',
    })),
    finalize: true,
  })
}
