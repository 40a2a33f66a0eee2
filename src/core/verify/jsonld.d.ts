/**
 * The part of jsonld.js (no published types) that Tessera uses. Kept here, in the isomorphic layer
 * both tsconfigs include, so the declarations reach the Node and the browser builds alike.
 */
declare module 'jsonld' {
  interface JsonLdOptions {
    algorithm?: 'RDFC-1.0' | 'URDNA2015'
    format?: 'application/n-quads'
    safe?: boolean
    base?: string | null
    documentLoader?: (
      url: string,
    ) => Promise<{ contextUrl: string | null; documentUrl: string; document: unknown }>
  }
  const jsonld: {
    canonize(input: object, options?: JsonLdOptions): Promise<string>
    expand(input: object, options?: JsonLdOptions): Promise<object[]>
  }
  export default jsonld
}

/** jsonld.js internals patched by jsonld-context-sharing.ts. */
declare module 'jsonld/lib/context.js' {
  export interface ActiveContext {
    mappings: Map<string, unknown>
    clone: (this: ActiveContext) => ActiveContext
    inverse: unknown
    getInverse: unknown
    protected: Record<string, unknown>
    revertToPreviousContext: (this: ActiveContext) => ActiveContext
    previousContext?: ActiveContext
    processingMode?: string
    '@base'?: unknown
    '@language'?: unknown
    '@vocab'?: unknown
  }
  const contextApi: {
    getInitialContext(options: { processingMode?: string }): ActiveContext
  }
  export default contextApi
}

/** jsonld.js internals patched by jsonld-context-sharing.ts. */
declare module 'jsonld/lib/ResolvedContext.js' {
  export default class ResolvedContext {
    getProcessed(activeCtx: object): unknown
    setProcessed(activeCtx: object, processed: unknown): void
  }
}
