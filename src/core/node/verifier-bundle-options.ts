/**
 * How the verifier (src/core/verify/browser-entry.ts) is bundled for the offline verifier kit: one
 * minified IIFE script defining the global `TesseraVerifier`. Shared by the two places that build
 * it, so they cannot drift: `npm run build` (electron.vite.config.ts writes it beside the Electron
 * main bundle, where a packaged app, which has no esbuild, finds it) and runs from source (the CLI,
 * `tessera serve`, tests: src/core/node/verifier-bundle.ts builds it on first use).
 * No imports: electron.vite.config.ts loads this file too.
 */

/** The prebuilt bundle's file name, beside the bundled main process code (out/main/). */
export const PREBUILT_VERIFIER_FILE = 'tessera-verifier.js'

/** A subset of esbuild's BuildOptions (a type alias, so that it also fits a plain options record). */
export type VerifierBuildOptions = {
  entryPoints: string[]
  bundle: boolean
  platform: 'browser'
  format: 'iife'
  globalName: string
  target: string[]
  minify: boolean
  legalComments: 'eof'
  write: false
  logLevel: 'silent'
}

/** esbuild `build()` options for the bundle of `entry` (the absolute path of browser-entry.ts). */
export function verifierBuildOptions(entry: string): VerifierBuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'TesseraVerifier',
    target: ['chrome100', 'firefox100', 'safari16'],
    minify: true,
    legalComments: 'eof',
    write: false,
    logLevel: 'silent',
  }
}
