// Bundles the CLI (and with it `tessera serve`, browser mode) into out/cli, run by `npm run start:web`.
// bin/tessera.mjs runs the TypeScript sources through tsx, which costs a second or more of
// compiling at every start on an old laptop; this bundle starts with plain Node. npm packages stay
// external (better-sqlite3 is native; pdfkit reads its data files from disk).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const outDir = path.join(root, 'out', 'cli')
// The verifier kit's script, prebuilt by electron-vite beside the main process: the bundled CLI looks
// for it beside itself (src/core/node/verifier-bundle.ts).
const verifier = path.join(root, 'out', 'main', 'tessera-verifier.js')
if (!fs.existsSync(verifier)) throw new Error(`${verifier} is missing: run electron-vite build first`)

await build({
  entryPoints: [path.join(root, 'src', 'cli', 'main.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outfile: path.join(outDir, 'main.mjs'),
  logLevel: 'warning',
})
fs.copyFileSync(verifier, path.join(outDir, path.basename(verifier)))
fs.writeFileSync(
  path.join(outDir, 'tessera.mjs'),
  `#!/usr/bin/env node\nimport { main } from './main.mjs'\n\nprocess.exitCode = await main(process.argv)\n`,
)
console.log(`CLI bundled into ${path.relative(root, outDir)}/`)
