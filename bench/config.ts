import type { LargeParams } from './data/fixture'
import type { PopulateParams } from './data/populate'

/**
 * Sizes of a run. `full` is what the issue's targets are about; `smoke` runs every case on tiny
 * data in a few seconds each, so `npm test` notices when the benchmark breaks (not how fast it is).
 */
export interface BenchConfig {
  name: 'full' | 'smoke'
  large: LargeParams
  sync: PopulateParams & { assessors: number }
  open: { runs: number }
  search: { runsPerQuery: number }
  finalize: { runs: number }
  issue: { batch: number }
  verify: { runs: number; credentials: number }
  sync_: { runs: number }
  browser: { runs: number }
}

const common = {
  seed: 20_261_129,
  importBatch: 2_000,
  cohortSize: 250,
  draftShare: 0.04,
  voidShare: 0.02,
  correctionShare: 0.01,
  // A few hundred photos, clips and scans (hundreds of KB to MB each): a database of some 500 MB.
  evidenceShare: 0.003,
  evidenceScale: 1,
  learnerEditShare: 0.03,
  from: '2022-01-10',
  to: '2026-11-20',
  draftDays: 45,
}

export const FULL: BenchConfig = {
  name: 'full',
  large: { ...common, learners: 100_000, assessments: 50_000, assessors: 60, generatedRubrics: 9 },
  // A field laptop that collected 10,000 assessments before its next sync (no evidence files).
  sync: {
    ...common,
    seed: common.seed + 1,
    learners: 8_000,
    assessments: 9_900,
    draftShare: 0,
    evidenceShare: 0,
    importBatch: 500,
    assessors: 8,
  },
  open: { runs: 15 },
  search: { runsPerQuery: 20 },
  finalize: { runs: 200 },
  issue: { batch: 1_000 },
  verify: { runs: 300, credentials: 30 },
  sync_: { runs: 3 },
  browser: { runs: 5 },
}

export const SMOKE: BenchConfig = {
  name: 'smoke',
  large: {
    ...common,
    learners: 600,
    assessments: 300,
    importBatch: 200,
    cohortSize: 50,
    draftShare: 0.15,
    evidenceShare: 0.1,
    evidenceScale: 0.01,
    assessors: 4,
    generatedRubrics: 2,
  },
  sync: {
    ...common,
    seed: common.seed + 1,
    learners: 60,
    assessments: 50,
    draftShare: 0,
    evidenceShare: 0,
    importBatch: 30,
    cohortSize: 30,
    assessors: 2,
  },
  open: { runs: 3 },
  search: { runsPerQuery: 2 },
  finalize: { runs: 5 },
  issue: { batch: 5 },
  verify: { runs: 5, credentials: 2 },
  sync_: { runs: 1 },
  browser: { runs: 1 },
}
