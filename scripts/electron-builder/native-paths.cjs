/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS hook, loaded by electron-builder with require() */
const path = require('node:path')

/** The compiled driver in node_modules, as better-sqlite3's own lookup finds it. */
exports.bindingFile = (appDir) =>
  path.join(appDir, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')

/** Where the Node build waits while the packaged app gets the Electron build. */
exports.savedNodeBinding = (appDir) => path.join(appDir, '.native', 'node', 'better_sqlite3.node')
