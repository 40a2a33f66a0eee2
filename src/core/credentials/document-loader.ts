/**
 * The only JSON-LD document loader Tessera uses: it serves the contexts bundled in
 * `resources/contexts/` and refuses every other URL. Contexts are never fetched, so signing and
 * verifying work offline and a changed remote context can never alter what a signature covers
 * (ob3.md §8 pitfall 4).
 *
 * The contexts are imported (not read from disk) so the same module runs in the browser-side
 * verifier. Sources and licences: resources/contexts/README.md.
 */
import { TesseraError } from '../../contract/errors'
import { loadOnFirstUse } from './load-on-first-use'

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2'
export const VC_V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1'
export const OB_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'
export const OB_EXTENSIONS_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json'

// The documents themselves (some 70 KB) are read when the first one is asked for: see bundled-contexts.ts.
const loadContexts = loadOnFirstUse(
  'JSON-LD context',
  async () => (await import('./bundled-contexts')).CONTEXTS,
)

export interface RemoteDocument {
  contextUrl: null
  documentUrl: string
  document: object
  /** 'static' tells jsonld.js the document never changes, so it keeps the resolved context in its shared cache. */
  tag: 'static'
}

/**
 * jsonld.js document loader. With `tag: 'static'` jsonld caches each resolved (and processed)
 * context for the whole process, which is what makes canonicalization fast enough to verify
 * hundreds of credentials a second; without the tag every call re-processes all contexts.
 * The copy handed out protects the bundled object from mutation.
 */
export async function staticDocumentLoader(url: string): Promise<RemoteDocument> {
  const doc = (await loadContexts()).get(url)
  if (!doc) {
    throw new TesseraError(
      'check_failed',
      `JSON-LD context ${url} is not bundled with Tessera; contexts are never fetched from the network`,
      { details: { url } },
    )
  }
  return { contextUrl: null, documentUrl: url, document: structuredClone(doc), tag: 'static' }
}
