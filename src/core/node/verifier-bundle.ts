import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { TesseraError } from '../../contract/errors'
import { PREBUILT_VERIFIER_FILE, verifierBuildOptions } from './verifier-bundle-options'

/**
 * The verifier (src/core/verify) bundled for a browser as one IIFE script that defines the global
 * `TesseraVerifier`, for the offline verifier kit (~0.5 MB minified), kept for the life of the process.
 *
 * A built app (`npm run build`, hence a packaged one) finds it prebuilt beside its main bundle
 * (out/main/tessera-verifier.js, made by electron.vite.config.ts): esbuild is a native tool that a
 * packaged Electron app does not ship. Run from source (the CLI, `tessera serve`, tests), this module
 * sits in src/core/node/ where no prebuilt file exists, so the bundle is built on first use with
 * esbuild's JS API from the current sources (about a second on an old laptop) and can never be stale.
 * esbuild is loaded through a variable specifier so bundlers leave it alone, and its absence is
 * reported as a clear error.
 */

let cached: Promise<string> | undefined

const HERE = path.dirname(fileURLToPath(import.meta.url))
const ENTRY = path.resolve(HERE, '..', 'verify', 'browser-entry.ts')

interface EsbuildApi {
  build(options: Record<string, unknown>): Promise<{ outputFiles?: { text: string }[]; errors: unknown[] }>
}

export function verifierBundle(): Promise<string> {
  cached ??= load().catch((e: unknown) => {
    cached = undefined
    throw e
  })
  return cached
}

async function load(): Promise<string> {
  const prebuilt = path.join(HERE, PREBUILT_VERIFIER_FILE)
  if (fs.existsSync(prebuilt)) return fs.promises.readFile(prebuilt, 'utf8')
  return build()
}

async function build(): Promise<string> {
  const specifier = 'esbuild'
  let esbuild: EsbuildApi
  try {
    esbuild = (await import(/* @vite-ignore */ specifier)) as EsbuildApi
  } catch {
    throw new TesseraError(
      'internal',
      `The verifier kit needs its prebuilt script (${PREBUILT_VERIFIER_FILE}, made by npm run build) or esbuild, and this installation has neither: make the kit with the command line (tessera verifier-kit)`,
    )
  }
  const result = await esbuild.build(verifierBuildOptions(ENTRY))
  const text = result.outputFiles?.[0]?.text
  if (!text) throw new TesseraError('internal', 'Bundling the verifier produced no output')
  return text
}
