/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS hook, loaded by electron-builder with require() */
// electron-builder afterPack hook: the packaged copy now holds the Electron build of better-sqlite3;
// put the Node build saved by before-pack.cjs back into node_modules so tests keep working.
const fs = require('node:fs')
const { bindingFile, savedNodeBinding } = require('./native-paths.cjs')

exports.default = async function afterPack(context) {
  const appDir = context.packager.info.appDir
  const saved = savedNodeBinding(appDir)
  if (!fs.existsSync(saved)) return
  fs.copyFileSync(saved, bindingFile(appDir))
  fs.rmSync(saved)
  console.log('  • restored the Node build of better-sqlite3 in node_modules')
}
