/**
 * The JSON-LD contexts bundled in resources/contexts/, by the URLs they are known under: the data of
 * document-loader.ts, which imports this module the first time a context is asked for.
 *
 * Isomorphic.
 */
import { OB_CONTEXT, OB_EXTENSIONS_CONTEXT, VC_V1_CONTEXT, VC_V2_CONTEXT } from './document-loader'
import credentialsV2 from '../../../resources/contexts/w3c-credentials-v2.json'
import credentialsV1 from '../../../resources/contexts/w3c-2018-credentials-v1.json'
import ob303 from '../../../resources/contexts/ob-v3p0-context-3.0.3.json'
import ob302 from '../../../resources/contexts/ob-v3p0-context-3.0.2.json'
import ob301 from '../../../resources/contexts/ob-v3p0-context-3.0.1.json'
import obUnversioned from '../../../resources/contexts/ob-v3p0-context.json'
import obExtensions from '../../../resources/contexts/ob-v3p0-extensions.json'
import dataIntegrityV1 from '../../../resources/contexts/w3id-security-data-integrity-v1.json'
import clr201 from '../../../resources/contexts/clr-v2p0-context-2.0.1.json'

export const CONTEXTS: ReadonlyMap<string, object> = new Map<string, object>([
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
