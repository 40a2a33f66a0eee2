import { describe, expect, it } from 'vitest'
import { TesseraError } from '../../src/contract/errors'
import { loadOnFirstUse } from '../../src/core/credentials/load-on-first-use'

describe('loadOnFirstUse', () => {
  it('imports on the first call only, then hands out the same module', async () => {
    let imports = 0
    const load = loadOnFirstUse('test', async () => ({ n: ++imports }))
    expect(imports).toBe(0)
    const [a, b] = await Promise.all([load(), load()])
    expect(a).toBe(b)
    expect(await load()).toBe(a)
    expect(imports).toBe(1)
  })

  it('reports a failed import as such, and tries again on the next call', async () => {
    let calls = 0
    const load = loadOnFirstUse('credential-issuing', async () => {
      if (++calls === 1) throw new Error("Cannot find module '/opt/tessera/cli/chunk-X.mjs'")
      return 'loaded'
    })
    const error = await load().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TesseraError)
    expect(error).toMatchObject({
      code: 'internal',
      message:
        "Tessera could not load its credential-issuing code (Cannot find module '/opt/tessera/cli/chunk-X.mjs'): the installation looks incomplete, reinstall or rebuild it",
    })
    expect(await load()).toBe('loaded')
    expect(calls).toBe(2)
  })

  it('loads the real modules it is used for (jsonld, the JSON-LD contexts) from source', async () => {
    const { canonicalize } = await import('../../src/core/credentials/canonicalize')
    const { staticDocumentLoader } = await import('../../src/core/credentials/document-loader')
    const nquads = await canonicalize({
      '@context': { name: 'https://schema.org/name' },
      '@id': 'urn:example:1',
      name: 'Ζωή',
    })
    expect(nquads).toBe('<urn:example:1> <https://schema.org/name> "Ζωή" .\n')
    await expect(staticDocumentLoader('https://www.w3.org/ns/credentials/v2')).resolves.toMatchObject({
      documentUrl: 'https://www.w3.org/ns/credentials/v2',
      tag: 'static',
    })
  })
})
