#!/usr/bin/env node
// `npm run rebuild:electron`: builds better-sqlite3 for the installed Electron's ABI into
// .native/electron/better_sqlite3.node, which the desktop app loads through better-sqlite3's
// `nativeBinding` option (src/main/native-binding.ts).
//
// node_modules/better-sqlite3 is never touched: it keeps the Node build that `npm test` and the CLI
// need. The work happens in a copy. Needs internet access (a prebuilt binary from GitHub, or
// Electron's headers from electronjs.org for a local compile), so it cannot run on the CI machines.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(path.join(root, 'package.json'))
const electronVersion = JSON.parse(fs.readFileSync(require.resolve('electron/package.json'), 'utf8')).version
const source = path.dirname(require.resolve('better-sqlite3/package.json'))
const outDir = path.join(root, '.native', 'electron')
const work = path.join(root, '.native', 'build', 'better-sqlite3')
const arch = process.env.npm_config_arch || process.arch

console.log(`Building better-sqlite3 for Electron ${electronVersion} (${process.platform}-${arch})…`)
fs.rmSync(work, { recursive: true, force: true })
fs.mkdirSync(path.dirname(work), { recursive: true })
fs.cpSync(source, work, { recursive: true, filter: (f) => !f.startsWith(path.join(source, 'build')) })

// This machine's npm may set nodedir (Node's own headers): that would silently build for Node's ABI.
const env = { ...process.env, npm_config_runtime: 'electron', npm_config_target: electronVersion }
delete env.npm_config_nodedir
const run = (cmd, args) => spawnSync(cmd, args, { cwd: work, stdio: 'inherit', env }).status === 0

// Fast path: the prebuilt binary the better-sqlite3 project publishes for each Electron ABI.
const prebuildInstall = path.join(path.dirname(require.resolve('prebuild-install/package.json')), 'bin.js')
let ok = run(process.execPath, [
  prebuildInstall,
  '--runtime',
  'electron',
  '--target',
  electronVersion,
  '--arch',
  arch,
  '--platform',
  process.platform,
])

// Slow path: compile against Electron's headers with node-gyp (npm ships one).
if (!ok) {
  const npmDir = process.env.npm_execpath
    ? path.resolve(path.dirname(process.env.npm_execpath), '..')
    : path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm')
  const nodeGyp = path.join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
  if (fs.existsSync(nodeGyp)) {
    ok = run(process.execPath, [
      nodeGyp,
      'rebuild',
      '--release',
      '--runtime=electron',
      `--target=${electronVersion}`,
      `--arch=${arch}`,
      '--dist-url=https://electronjs.org/headers',
    ])
  }
}

const built = path.join(work, 'build', 'Release', 'better_sqlite3.node')
if (!ok || !fs.existsSync(built)) {
  fs.rmSync(path.join(root, '.native', 'build'), { recursive: true, force: true })
  if (fs.readdirSync(path.join(root, '.native')).length === 0) fs.rmdirSync(path.join(root, '.native'))
  process.stderr.write(
    [
      '',
      'Could not build better-sqlite3 for Electron.',
      'This needs internet access: a prebuilt binary from github.com, or Electron headers from electronjs.org',
      '(and a C++ compiler for the second). Nothing in node_modules was changed; `npm test` still works.',
      'Meanwhile, `npm run start:web` runs the app in a browser.',
      '',
    ].join('\n'),
  )
  process.exit(1)
}
fs.mkdirSync(outDir, { recursive: true })
fs.copyFileSync(built, path.join(outDir, 'better_sqlite3.node'))
fs.writeFileSync(path.join(outDir, 'VERSION'), `electron ${electronVersion} ${process.platform}-${arch}\n`)
fs.rmSync(path.join(root, '.native', 'build'), { recursive: true, force: true })
console.log(`Done: ${path.relative(root, path.join(outDir, 'better_sqlite3.node'))}. Now run: npm start`)
