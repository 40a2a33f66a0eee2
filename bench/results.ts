/** The result ids every complete run reports (one per target of the issue; test/bench/smoke.test.ts checks them). */
export const RESULT_IDS = [
  'open',
  'learner-search',
  'finalize',
  'issue',
  'issue-memory',
  'verify',
  'export',
  'import',
  'reimport',
  'renderer-size',
  'browser-start',
] as const

export type ResultId = (typeof RESULT_IDS)[number]
