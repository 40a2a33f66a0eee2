/**
 * Code that a start never needs (the OB 3.0 schema validator, jsonld, the verifier) is imported the
 * first time it is used: every bundle keeps such a dynamic import() as a file of its own, so starting
 * the app or `tessera serve` does not read and compile it (a third of the CLI bundle).
 *
 * Isomorphic.
 */
import { TesseraError } from '../../contract/errors'

/**
 * Returns a loader that imports once and then hands out the same module. A failure (a file missing
 * from a broken installation) is reported as what it is, not as whatever the caller was doing, and
 * is not remembered: the next call tries again.
 */
export function loadOnFirstUse<T>(what: string, load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined
  return () =>
    (loading ??= load().catch((e: unknown) => {
      loading = undefined
      throw new TesseraError(
        'internal',
        `Tessera could not load its ${what} code (${(e as Error)?.message ?? String(e)}): the installation looks incomplete, reinstall or rebuild it`,
      )
    }))
}
