/**
 * Canonicalizes the JSON documents given on stdin (a JSON array) with jsonld.js exactly as
 * published: the static loader only, without jsonld-context-sharing.ts. Run in a child process
 * by jsonld-context-sharing.test.ts, because the patch is process-wide once applied.
 */
import jsonld from 'jsonld'
import { staticDocumentLoader } from '../../../src/core/credentials/document-loader'

const chunks: Buffer[] = []
for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
const docs = JSON.parse(Buffer.concat(chunks).toString('utf8')) as object[]
const out: string[] = []
for (const doc of docs) {
  try {
    out.push(
      await jsonld.canonize(doc, {
        algorithm: 'RDFC-1.0',
        format: 'application/n-quads',
        safe: true,
        documentLoader: staticDocumentLoader,
      }),
    )
  } catch (e) {
    out.push(`ERROR ${(e as Error).message}`)
  }
}
process.stdout.write(JSON.stringify(out))
