/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS hook, loaded by electron-builder with require() */
// electron-builder beforePack hook: rebuild better-sqlite3 for the Electron being packaged.
//
// node_modules holds the build for Node's ABI (so `npm test` and the CLI work); the packaged app
// needs Electron's. Like Actual Budget's beforePackHook, this rebuilds it in place with
// @electron/rebuild (a dependency of electron-builder), after saving the Node build so after-pack.cjs
// can put it back. Needs internet access for Electron headers: it cannot run on the CI machines.
const fs = require('node:fs')
const path = require('node:path')
const { bindingFile, savedNodeBinding } = require('./native-paths.cjs')

const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'] // builder-util's Arch enum order

exports.default = async function beforePack(context) {
  const appDir = context.packager.info.appDir
  const electronVersion =
    context.packager.config.electronVersion ??
    require(path.join(appDir, 'node_modules', 'electron', 'package.json')).version
  const arch = ARCH_NAMES[context.arch] ?? process.arch

  const binding = bindingFile(appDir)
  const saved = savedNodeBinding(appDir)
  if (fs.existsSync(binding) && !fs.existsSync(saved)) {
    fs.mkdirSync(path.dirname(saved), { recursive: true })
    fs.copyFileSync(binding, saved)
  }

  const { rebuild } = require('@electron/rebuild')
  console.log(
    `  • rebuilding better-sqlite3 for Electron ${electronVersion} ${context.electronPlatformName}-${arch}`,
  )
  await rebuild({ buildPath: appDir, electronVersion, arch, onlyModules: ['better-sqlite3'], force: true })
}
