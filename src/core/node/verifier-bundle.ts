import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { TesseraError } from '../../contract/errors'

/**
 * The verifier (src/core/verify) bundled for a browser as one IIFE script that defines the global
 * `TesseraVerifier`, for the offline verifier kit. Built with esbuild's JS API on first use and
 * kept for the life of the process (about a second on an old laptop, ~0.5 MB minified).
 *
 * esbuild is a native tool: it is available to the CLI and to `tessera serve` (Node, node_modules),
 * not inside a packaged Electron app. It is loaded through a variable specifier so bundlers leave it
 * alone, and its absence is reported as a clear error.
 */

let cached: Promise<string> | undefined

const ENTRY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'verify', 'browser-entry.ts')

interface EsbuildApi {
  build(options: Record<string, unknown>): Promise<{ outputFiles?: { text: string }[]; errors: unknown[] }>
}

export function verifierBundle(): Promise<string> {
  cached ??= build().catch((e: unknown) => {
    cached = undefined
    throw e
  })
  return cached
}

async function build(): Promise<string> {
  const specifier = 'esbuild'
  let esbuild: EsbuildApi
  try {
    esbuild = (await import(/* @vite-ignore */ specifier)) as EsbuildApi
  } catch {
    throw new TesseraError(
      'internal',
      'The verifier kit needs esbuild, which this build of Tessera does not include: make the kit with the command line (tessera verifier-kit)',
    )
  }
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'TesseraVerifier',
    target: ['chrome100', 'firefox100', 'safari16'],
    minify: true,
    legalComments: 'eof',
    write: false,
    logLevel: 'silent',
  })
  const text = result.outputFiles?.[0]?.text
  if (!text) throw new TesseraError('internal', 'Bundling the verifier produced no output')
  return text
}
