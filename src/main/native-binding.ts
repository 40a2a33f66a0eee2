import path from 'node:path'

export interface NativeBindingEnv {
  /** `process.versions.electron`: undefined under plain Node (tests, CLI). */
  electronVersion: string | undefined
  isPackaged: boolean
  /** The checkout root in development (`app.getAppPath()`). */
  appPath: string
  /** `process.resourcesPath` of a packaged app. */
  resourcesPath: string
  exists: (file: string) => boolean
}

export class NativeBindingMissing extends Error {}

/** Where `npm run rebuild:electron` puts the Electron-ABI build of better-sqlite3. */
export const DEV_NATIVE_BINDING = path.join('.native', 'electron', 'better_sqlite3.node')

/**
 * The `better_sqlite3.node` to load, or undefined for better-sqlite3's own lookup.
 *
 * node_modules keeps the build for Node's ABI so `npm test` and the CLI work; Electron needs one
 * built for its own ABI. In development that copy lives apart in `.native/electron/`; in a packaged
 * app the beforePack hook has rebuilt the module for Electron and `asarUnpack` put it next to the
 * archive, so it is loaded from `app.asar.unpacked`.
 */
export function resolveNativeBinding(env: NativeBindingEnv): string | undefined {
  if (!env.electronVersion) return undefined
  const file = env.isPackaged
    ? path.join(
        env.resourcesPath,
        'app.asar.unpacked',
        'node_modules',
        'better-sqlite3',
        'build',
        'Release',
        'better_sqlite3.node',
      )
    : path.join(env.appPath, DEV_NATIVE_BINDING)
  if (!env.exists(file)) {
    throw new NativeBindingMissing(
      env.isPackaged
        ? `This installation is incomplete: ${file} is missing. Reinstall Tessera.`
        : `The database driver is not built for Electron ${env.electronVersion} (${file} is missing). ` +
            'Run `npm run rebuild:electron` (needs internet), or use `npm run start:web` to run the app in a browser.',
    )
  }
  return file
}
