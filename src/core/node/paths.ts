import os from 'node:os'
import path from 'node:path'

export const APP_NAME = 'Tessera'

/**
 * The per-user application data folder, computed the way Electron's `app.getPath('userData')`
 * does, so the CLI, the browser-mode server and the desktop app find the same database.
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const home = os.homedir()
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME)
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME)
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME)
}

/** `--db FILE` wins, then `TESSERA_DB`, then the per-user default. */
export function resolveDbFile(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return path.resolve(flag)
  if (env.TESSERA_DB) return path.resolve(env.TESSERA_DB)
  return path.join(userDataDir(env), 'tessera.db')
}
