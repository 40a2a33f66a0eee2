import path from 'node:path'

/**
 * The desktop app's database: `--db FILE` (or `--db=FILE`) on the command line, then `TESSERA_DB`,
 * then `<userData>/tessera.db` — the same file the CLI uses by default.
 */
export function desktopDbFile(argv: readonly string[], env: NodeJS.ProcessEnv, userDataDir: string): string {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg.startsWith('--db=') && arg.length > 5) return path.resolve(arg.slice(5))
    const next = argv[i + 1]
    if (arg === '--db' && next && !next.startsWith('--')) return path.resolve(next)
  }
  if (env.TESSERA_DB) return path.resolve(env.TESSERA_DB)
  return path.join(userDataDir, 'tessera.db')
}
