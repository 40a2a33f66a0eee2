// Bundles the CLI (and with it `tessera serve`, browser mode) into out/cli, run by `npm run start:web`.
// bin/tessera.mjs runs the TypeScript sources through tsx, which costs a second or more of
// compiling at every start on an old laptop; this bundle starts with plain Node.
//
// What a start loads is what makes it slow (`tessera serve` printed its address after ~2-3 s on the
// benchmark machine, nearly all of it loading modules), hence:
// - code splitting: a dynamic import() stays one (the certificate renderer: pdfkit, fontkit, qrcode,
//   bidi-js; jsonld and the JSON-LD contexts; the badge builder and the generated OB 3.0 schema
//   validator; the verifier: src/core/credentials/load-on-first-use.ts), instead of being hoisted
//   into the one file and loaded at every start (test/shell/cli-bundle.test.ts checks what is);
// - the npm packages bundled in, except those that must stay files of their own: better-sqlite3
//   (native), pdfkit and fontkit (pdfkit reads its data files beside itself and uses the same fontkit
//   as the certificate fonts), esbuild (native; the verifier kit's fallback). Resolving and reading
//   hundreds of package files (zod, jsonld, kysely, jose…) cost more than parsing one file.
// The chunks sit beside main.mjs: modules that find files relative to themselves (resources/, the
// verifier script, out/renderer) see the same folder wherever esbuild puts their code.
//
// Also imported: `buildCli({ outDir })` bundles into another folder (the benchmark's browser-start
// case measures the current sources without depending on, or writing over, a colleague's out/).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
// The verifier kit's script, prebuilt by electron-vite beside the main process: the bundled CLI looks
// for it beside itself (src/core/node/verifier-bundle.ts).
const VERIFIER_FILE = 'tessera-verifier.js'
const prebuiltVerifier = path.join(root, 'out', 'main', VERIFIER_FILE)

/**
 * jsonld's Node document loader fetches contexts over HTTP with @digitalbazaar/http-client, which
 * loads undici (some 800 KB of code, ~40 ms of every start). Tessera never uses that loader (every
 * context comes from resources/, offline: credentials/document-loader.ts), so jsonld gets a stand-in
 * that loads the real client the first time a method is called.
 */
const lazyHttpClient = {
  name: 'lazy-http-client',
  setup(b) {
    const namespace = 'tessera-lazy-http-client'
    b.onResolve({ filter: /^@digitalbazaar\/http-client$/ }, (args) =>
      /[\\/]node_modules[\\/]jsonld[\\/]/.test(args.importer) ? { path: args.path, namespace } : undefined,
    )
    b.onLoad({ filter: /.*/, namespace }, () => ({
      contents: `export const httpClient = new Proxy({}, {
  get: (_, method) => async (...args) => (await import('@digitalbazaar/http-client')).httpClient[method](...args),
})`,
      resolveDir: root,
      loader: 'js',
    }))
  },
}

/**
 * zod's classic API (`import { z } from 'zod'`) hands out one namespace object, so a bundler keeps
 * all of it, `z.locales` (and `z.core.locales`) included: the error messages of some 40 languages,
 * 300 KB, 15% of the CLI bundle. Tessera never switches zod's language (its messages are its own or
 * zod's English default, which zod's schemas import directly from locales/en.js), so in this bundle
 * the locales keep only English and every other language is a function that says it was left out.
 * The stand-in is made from zod's own list, so a zod upgrade that changes its shape fails the build.
 */
const englishOnlyZodLocales = {
  name: 'english-only-zod-locales',
  setup(b) {
    const namespace = 'tessera-zod-locales'
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]v4[\\/]\w+[\\/]\w+\.js$/.test(args.importer)
        ? { path: path.join(path.dirname(args.importer), args.path), namespace }
        : undefined,
    )
    b.onLoad({ filter: /.*/, namespace }, (args) => {
      const lines = fs
        .readFileSync(args.path, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
      const standIn = lines.map((line) => {
        const m = /^export \{ default as (\w+) \} from "\.\/([\w-]+\.js)";$/.exec(line)
        if (!m) throw new Error(`${args.path}: unexpected line (zod changed?): ${line}`)
        const [, name, file] = m
        return name === 'en'
          ? `export { default as en } from ${JSON.stringify(path.join(path.dirname(args.path), file))}`
          : `export const ${name} = () => { throw new Error('zod locale "${name}" is not in the Tessera CLI bundle (scripts/build-cli.mjs)') }`
      })
      if (!standIn.some((l) => l.includes(' as en '))) throw new Error(`${args.path}: no English locale`)
      return { contents: standIn.join('\n'), resolveDir: path.dirname(args.path), loader: 'js' }
    })
  },
}

/**
 * Bundles the CLI into `outDir` (main.mjs + the tessera.mjs launcher) and puts the verifier kit's
 * script beside it: built here from the current sources when the caller gives
 * `verifierBuildOptions` (src/core/node/verifier-bundle-options.ts, which only a TypeScript-aware
 * caller can import), else the one electron-vite prebuilt. Returns the launcher's path.
 */
export async function buildCli({ outDir = path.join(root, 'out', 'cli'), verifierBuildOptions } = {}) {
  const buildVerifier = verifierBuildOptions !== undefined
  if (!buildVerifier && !fs.existsSync(prebuiltVerifier))
    throw new Error(`${prebuiltVerifier} is missing: run electron-vite build first`)
  fs.mkdirSync(outDir, { recursive: true })
  const cli = build({
    entryPoints: { main: path.join(root, 'src', 'cli', 'main.ts') },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Comments and indentation are a third of the text Node must read and compile at every start.
    minifyWhitespace: true,
    plugins: [lazyHttpClient, englishOnlyZodLocales],
    external: ['better-sqlite3', 'pdfkit', 'fontkit', 'esbuild'],
    // Bundled CommonJS packages call require() for Node's own modules.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    chunkNames: '[name]-[hash]',
    absWorkingDir: root,
    metafile: true,
    logLevel: 'warning',
  })
  const verifier = path.join(outDir, VERIFIER_FILE)
  if (buildVerifier) {
    const entry = path.join(root, 'src', 'core', 'verify', 'browser-entry.ts')
    await build({ ...verifierBuildOptions(entry), write: true, outfile: verifier })
  } else {
    fs.copyFileSync(prebuiltVerifier, verifier)
  }
  const { metafile } = await cli
  // Chunk names carry content hashes: remove the previous builds' (after writing, so that a running
  // copy is never left without its files).
  const written = new Set(Object.keys(metafile.outputs).map((f) => path.resolve(root, f)))
  for (const name of fs.readdirSync(outDir)) {
    const file = path.join(outDir, name)
    if (name.endsWith('.mjs') && name !== 'tessera.mjs' && !written.has(file)) fs.rmSync(file)
  }
  const launcher = path.join(outDir, 'tessera.mjs')
  fs.writeFileSync(
    launcher,
    `#!/usr/bin/env node\nimport { main } from './main.mjs'\n\nprocess.exitCode = await main(process.argv)\n`,
  )
  return launcher
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const launcher = await buildCli()
  console.log(`CLI bundled into ${path.relative(root, path.dirname(launcher))}/`)
}
