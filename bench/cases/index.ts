import type { BenchCase } from './context'

/**
 * Every case, loaded on demand: a case running in its own process then holds only its own modules
 * (the browser case's Playwright and the renderer build's Vite weigh some 200 MB, which would
 * otherwise count in the issue case's peak memory).
 */
export interface CaseEntry {
  id: string
  load(): Promise<BenchCase>
}

export const CASES: readonly CaseEntry[] = [
  { id: 'open', load: async () => (await import('./open')).openCase },
  { id: 'learner-search', load: async () => (await import('./learner-search')).learnerSearchCase },
  { id: 'finalize', load: async () => (await import('./finalize')).finalizeCase },
  { id: 'issue', load: async () => (await import('./issue')).issueCase },
  { id: 'verify', load: async () => (await import('./verify')).verifyCase },
  { id: 'sync', load: async () => (await import('./sync')).syncCase },
  { id: 'renderer-size', load: async () => (await import('./renderer-size')).rendererSizeCase },
  { id: 'browser-start', load: async () => (await import('./browser-start')).browserStartCase },
]
