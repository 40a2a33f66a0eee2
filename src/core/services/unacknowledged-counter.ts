import type { Database } from 'better-sqlite3'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { unacknowledgedSteps, type UnacknowledgedCounts } from './sync-unacknowledged'

/**
 * How a count shares the thread. The server and Electron's main process answer every request on
 * that one thread: a count of 100,000 acknowledged learners takes seconds, and the app must keep
 * answering meanwhile.
 */
export interface CountPacing {
  /** Longest stretch of counting (ms) before the event loop gets its turn. */
  sliceMs: number
  /**
   * A pause (ms) at each turn given back; 0 only yields. Tests make a count of a small database last
   * with it (slices of 0 ms, pauses of a few ms), so they can act while it runs.
   */
  pauseMs: number
}

export const DEFAULT_COUNT_PACING: CountPacing = { sliceMs: 15, pauseMs: 0 }

/**
 * Counts what the hub has not acknowledged (unacknowledgedSteps) on `reader()`, a read-only
 * connection of its own (TesseraDatabase.snapshotReader), never the app's connection: inside one
 * read transaction, so WAL gives it one consistent snapshot while the app keeps reading and writing,
 * and in slices, giving the event loop back between them.
 *
 * Asked while a count runs, it answers with the next count, begun when the running one ends (so its
 * snapshot holds everything committed before the ask); every ask meanwhile shares that next count.
 * Counts never overlap: the reader holds one transaction at a time, and a count never waits behind
 * more than one other.
 */
export function unacknowledgedCounter(
  reader: () => Database,
  pacing: CountPacing = DEFAULT_COUNT_PACING,
): () => Promise<UnacknowledgedCounts> {
  let running = false
  let queued: Deferred | null = null
  const run = (): Promise<UnacknowledgedCounts> => {
    running = true
    const counting = countInSlices(reader, pacing)
    const settled = () => {
      running = false
      // Started synchronously here, so no ask slips in between two counts.
      if (queued) {
        const next = queued
        queued = null
        run().then(next.resolve, next.reject)
      }
    }
    counting.then(settled, settled)
    return counting
  }
  return () => {
    if (!running) return run()
    queued ??= deferred()
    return queued.promise
  }
}

interface Deferred {
  promise: Promise<UnacknowledgedCounts>
  resolve(v: UnacknowledgedCounts): void
  reject(e: unknown): void
}

function deferred(): Deferred {
  let resolve!: Deferred['resolve']
  let reject!: Deferred['reject']
  const promise = new Promise<UnacknowledgedCounts>((a, b) => ((resolve = a), (reject = b)))
  return { promise, resolve, reject }
}

async function countInSlices(reader: () => Database, pacing: CountPacing): Promise<UnacknowledgedCounts> {
  const sqlite = reader()
  // The snapshot: every step reads inside this one transaction.
  sqlite.exec('BEGIN')
  try {
    const steps = unacknowledgedSteps(sqlite)
    let sliceStart = performance.now()
    for (;;) {
      const step = steps.next()
      if (step.done) return step.value
      if (performance.now() - sliceStart < pacing.sliceMs) continue
      if (pacing.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pacing.pauseMs))
      else await nextTurn()
      sliceStart = performance.now()
    }
  } finally {
    // Closed meanwhile (the database was closed): the transaction ended with the connection.
    if (sqlite.open && sqlite.inTransaction) sqlite.exec('COMMIT')
  }
}
