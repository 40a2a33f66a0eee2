/**
 * RDF Dataset Canonicalization (RDFC-1.0) of a JSON-LD document, always in safe mode with the
 * static loader. Safe mode turns every term the contexts do not define into an error, instead of
 * silently dropping it from what a signature covers (VC Data Integrity DATA_LOSS_DETECTION_ERROR;
 * 1EdTech made safe-mode validity part of a valid badge, ob3.md §8).
 *
 * Isomorphic.
 */
import { TesseraError } from '../../contract/errors'
import { staticDocumentLoader } from './document-loader'
import { loadOnFirstUse } from './load-on-first-use'

// jsonld and rdf-canonize are a large part of what a start would otherwise load for nothing.
const loadJsonld = loadOnFirstUse('JSON-LD', async () => {
  const [{ default: jsonld }, { shareImmutableActiveContexts }] = await Promise.all([
    import('jsonld'),
    import('./jsonld-context-sharing'),
  ])
  shareImmutableActiveContexts()
  return jsonld
})

/** Canonical N-Quads of `doc`. Throws `check_failed` when the document is not valid JSON-LD in safe mode. */
export async function canonicalize(doc: object): Promise<string> {
  // Outside the try: code that fails to load is not a document that fails safe mode.
  const jsonld = await loadJsonld()
  try {
    return await jsonld.canonize(doc, {
      algorithm: 'RDFC-1.0',
      format: 'application/n-quads',
      safe: true,
      documentLoader: staticDocumentLoader,
    })
  } catch (e) {
    if (e instanceof TesseraError) throw e
    throw new TesseraError(
      'check_failed',
      `JSON-LD safe mode rejected the document: ${describeJsonLdError(e)}`,
    )
  }
}

/** jsonld.js hides the useful part (which term, which loader failure) in nested details. */
export function describeJsonLdError(e: unknown): string {
  const parts: string[] = []
  let cur: unknown = e
  for (let depth = 0; cur && typeof cur === 'object' && depth < 4; depth++) {
    const err = cur as {
      message?: unknown
      details?: { event?: { code?: unknown; details?: unknown }; cause?: unknown }
    }
    if (typeof err.message === 'string') parts.push(err.message)
    const event = err.details?.event
    if (event) {
      const d = event.details as { property?: unknown; type?: unknown; iri?: unknown } | undefined
      const what = d?.property ?? d?.type ?? d?.iri
      parts.push(`${String(event.code)}${what !== undefined ? ` (${JSON.stringify(what)})` : ''}`)
    }
    cur = err.details?.cause
  }
  return [...new Set(parts)].join(': ') || String(e)
}
