#!/usr/bin/env node
// `npm start`: build, then run the desktop app — or say plainly why it cannot run and what to do.
//
// The Electron binary is not part of `npm ci` (Electron 42+ downloads it on first use) and cannot
// be downloaded on machines without internet; the database driver also needs a build for
// Electron's ABI, kept apart from the Node build the tests use (see src/main/native-binding.ts).
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(path.join(root, 'package.json'))

function fail(lines) {
  process.stderr.write('\n' + lines.join('\n') + '\n\n')
  process.exit(1)
}

// 1. Build main, preload and renderer.
const viteBin = path.join(
  path.dirname(require.resolve('electron-vite/package.json')),
  'bin',
  'electron-vite.js',
)
const build = spawnSync(process.execPath, [viteBin, 'build'], { cwd: root, stdio: 'inherit' })
if (build.status !== 0) fail(['The build failed (see above).'])

// 2. Find the Electron binary without require('electron'), which would try to download it.
const electronDir = path.dirname(require.resolve('electron/package.json'))
const electronVersion = JSON.parse(fs.readFileSync(path.join(electronDir, 'package.json'), 'utf8')).version
const pathTxt = path.join(electronDir, 'path.txt')
const electronBinary = fs.existsSync(pathTxt)
  ? path.join(electronDir, 'dist', fs.readFileSync(pathTxt, 'utf8').trim())
  : null
if (!electronBinary || !fs.existsSync(electronBinary)) {
  fail([
    `Electron could not be found: the Electron ${electronVersion} program is not installed on this machine.`,
    '',
    'To get it, on a machine with internet access:',
    '  node node_modules/electron/install.js     # downloads the Electron program',
    '  npm run rebuild:electron                  # builds the database driver for Electron',
    '  npm start',
    '',
    'Or run the same app in a web browser, no Electron needed:',
    '  npm run start:web',
  ])
}

// 3. The database driver built for Electron's ABI (node_modules keeps the Node build for tests).
const binding = path.join(root, '.native', 'electron', 'better_sqlite3.node')
const stamp = path.join(root, '.native', 'electron', 'VERSION')
const built = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim() : null
if (!fs.existsSync(binding) || built !== `electron ${electronVersion} ${process.platform}-${process.arch}`) {
  fail([
    fs.existsSync(binding)
      ? `The database driver in .native/electron was built for ${built ?? 'another Electron'}, not Electron ${electronVersion} ${process.platform}-${process.arch}.`
      : 'The database driver has not been built for Electron yet (.native/electron/better_sqlite3.node is missing).',
    '',
    'Build it (needs internet access for Electron headers or a prebuilt binary):',
    '  npm run rebuild:electron',
    '',
    'Or run the same app in a web browser:',
    '  npm run start:web',
  ])
}

// 4. Run it; extra arguments (e.g. --db FILE) go to the app.
const child = spawn(electronBinary, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' })
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)))
