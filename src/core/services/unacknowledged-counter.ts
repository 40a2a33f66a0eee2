import type { Database } from 'better-sqlite3'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { unacknowledgedSteps, type UnacknowledgedCounts } from './sync-unacknowledged'

/**
 * Longest stretch of counting before the event loop gets its turn. The server and Electron's main
 * process answer every request on that one thread: a count of 100,000 acknowledged learners takes
 * seconds, and the app must keep answering meanwhile.
 */
const SLICE_MS = 15

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
export function unacknowledgedCounter(reader: () => Database): () => Promise<UnacknowledgedCounts> {
  let running = false
  let queued: Deferred | null = null
  const run = (): Promise<UnacknowledgedCounts> => {
    running = true
    const counting = countInSlices(reader)
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

async function countInSlices(reader: () => Database): Promise<UnacknowledgedCounts> {
  const sqlite = reader()
  const pauseMs = testPauseMs()
  // The snapshot: every step reads inside this one transaction.
  sqlite.exec('BEGIN')
  try {
    const steps = unacknowledgedSteps(sqlite)
    let sliceStart = performance.now()
    for (;;) {
      const step = steps.next()
      if (step.done) return step.value
      if (pauseMs !== undefined) await new Promise((resolve) => setTimeout(resolve, pauseMs))
      else if (performance.now() - sliceStart >= SLICE_MS) await nextTurn()
      else continue
      sliceStart = performance.now()
    }
  } finally {
    // Closed meanwhile (the database was closed): the transaction ended with the connection.
    if (sqlite.open && sqlite.inTransaction) sqlite.exec('COMMIT')
  }
}

/**
 * TESSERA_TEST_SLOW_COUNT_MS: only tests set it, to make a count of a small database last (a pause
 * of that many ms after every step) so they can act while it runs. Unset, counting never sleeps.
 */
function testPauseMs(): number | undefined {
  const v = Number(process.env.TESSERA_TEST_SLOW_COUNT_MS)
  return Number.isFinite(v) && v > 0 ? v : undefined
}
