import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { TEST_PASSPHRASE } from './passphrase'

const BIN = path.resolve(__dirname, '../../bin/tessera.mjs')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
  /** stdout parsed as JSON (for --json runs). */
  json<T = unknown>(): T
}

/**
 * Runs the real CLI as a user would: a separate Node process on the real bin script. The issuer-key
 * passphrase is set (TESSERA_PASSPHRASE) unless `env` overrides it (`TESSERA_PASSPHRASE: ''` = none).
 */
export function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {},
): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    cwd: opts.cwd,
    input: opts.input,
    env: { ...process.env, TESSERA_DB: '', CI: '1', TESSERA_PASSPHRASE: TEST_PASSPHRASE, ...opts.env },
    timeout: 60_000,
  })
  return {
    code: r.status ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    json: <T>() => JSON.parse(r.stdout) as T,
  }
}
