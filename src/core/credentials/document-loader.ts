/**
 * The only JSON-LD document loader Tessera uses: it serves the contexts bundled in
 * `resources/contexts/` and refuses every other URL. Contexts are never fetched, so signing and
 * verifying work offline and a changed remote context can never alter what a signature covers
 * (ob3.md §8 pitfall 4).
 *
 * The contexts are imported statically (not read from disk) so the same module runs in the
 * browser-side verifier. Sources and licences: resources/contexts/README.md.
 */
import { TesseraError } from '../../contract/errors'
import credentialsV2 from '../../../resources/contexts/w3c-credentials-v2.json'
import credentialsV1 from '../../../resources/contexts/w3c-2018-credentials-v1.json'
import ob303 from '../../../resources/contexts/ob-v3p0-context-3.0.3.json'
import ob302 from '../../../resources/contexts/ob-v3p0-context-3.0.2.json'
import ob301 from '../../../resources/contexts/ob-v3p0-context-3.0.1.json'
import obUnversioned from '../../../resources/contexts/ob-v3p0-context.json'
import obExtensions from '../../../resources/contexts/ob-v3p0-extensions.json'
import dataIntegrityV1 from '../../../resources/contexts/w3id-security-data-integrity-v1.json'
import clr201 from '../../../resources/contexts/clr-v2p0-context-2.0.1.json'

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2'
export const VC_V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1'
export const OB_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'
export const OB_EXTENSIONS_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json'

const CONTEXTS: ReadonlyMap<string, object> = new Map<string, object>([
  [VC_V2_CONTEXT, credentialsV2],
  [VC_V1_CONTEXT, credentialsV1],
  [OB_CONTEXT, ob303],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json', ob302],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json', ob301],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context.json', obUnversioned],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld', obUnversioned],
  [OB_EXTENSIONS_CONTEXT, obExtensions],
  ['https://w3id.org/security/data-integrity/v1', dataIntegrityV1],
  ['https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json', clr201],
])

export interface RemoteDocument {
  contextUrl: null
  documentUrl: string
  document: object
  /** 'static' tells jsonld.js the document never changes, so it keeps the resolved context in its shared cache. */
  tag: 'static'
}

/** URLs the loader serves. */
export const bundledContextUrls = (): string[] => [...CONTEXTS.keys()]

export const isBundledContext = (url: string): boolean => CONTEXTS.has(url)

/**
 * jsonld.js document loader. With `tag: 'static'` jsonld caches each resolved (and processed)
 * context for the whole process, which is what makes canonicalization fast enough to verify
 * hundreds of credentials a second; without the tag every call re-processes all contexts.
 * The copy handed out protects the bundled object from mutation.
 */
export async function staticDocumentLoader(url: string): Promise<RemoteDocument> {
  const doc = CONTEXTS.get(url)
  if (!doc) {
    throw new TesseraError(
      'check_failed',
      `JSON-LD context ${url} is not bundled with Tessera; contexts are never fetched from the network`,
      { details: { url } },
    )
  }
  return { contextUrl: null, documentUrl: url, document: structuredClone(doc), tag: 'static' }
}
