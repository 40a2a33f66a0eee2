import { spawn } from 'node:child_process'
import { InvalidArgumentError, type Command } from 'commander'
import { TesseraError } from '../../contract/errors'
import { resolveDbFile } from '../../core/node/paths'
import { sessionSecrets } from '../../core/services/session-secrets'
import { startServer } from '../../server'
import type { GlobalOptions } from '../runtime'

/** Opens `url` in the system browser; failing to do so is not an error (the URL is printed anyway). */
function openInBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'win32'
      ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
      : process.platform === 'darwin'
        ? ['open', [url]]
        : ['xdg-open', [url]]
  try {
    const child = spawn(cmd, args as string[], { stdio: 'ignore', detached: true })
    child.on('error', () => undefined)
    child.unref()
  } catch {
    // no browser launcher on this machine
  }
}

function parsePort(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a number from 0 to 65535')
  return n
}

/** Default port: fixed, so the page's origin (and its saved language) stays the same between runs. */
export const DEFAULT_SERVE_PORT = 4317

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'run the app in a web browser on this computer (127.0.0.1 only, with a secret per-run token)',
    )
    .option('--port <n>', `port to listen on; 0 picks a free one (default ${DEFAULT_SERVE_PORT})`, parsePort)
    .option('--no-open', 'do not open a browser, just print the address')
    .action(async (o: { port?: number; open: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>()
      // The person gives the passphrase in the page (unlock dialog, first-run setup) and it is held in
      // memory while the server runs; TESSERA_PASSPHRASE, when set, serves scripts and tests instead.
      const session = sessionSecrets({ hostPassphrase: process.env.TESSERA_PASSPHRASE })
      const server = await startServer({
        dbFile: resolveDbFile(g.db),
        port: o.port ?? DEFAULT_SERVE_PORT,
        secrets: session,
        session,
        actor: g.as,
      }).catch((e: unknown) => {
        if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new TesseraError(
            'conflict',
            `Port ${o.port ?? DEFAULT_SERVE_PORT} is in use (another Tessera?): pick another with --port, or --port 0 for any free one`,
          )
        }
        throw e
      })
      if (g.json)
        process.stdout.write(
          JSON.stringify({
            url: server.url,
            origin: server.origin,
            token: server.token,
            databaseFile: server.tessera.ctx.database.file,
          }) + '\n',
        )
      else {
        process.stdout.write(
          `Tessera is running. Open this address in a browser on this computer:\n\n  ${server.url}\n\n`,
        )
        process.stdout.write(`Database: ${server.tessera.ctx.database.file}\nPress Ctrl-C to stop.\n`)
      }
      if (o.open) openInBrowser(server.url)
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop)
          process.off('SIGTERM', stop)
          resolve()
        }
        process.on('SIGINT', stop)
        process.on('SIGTERM', stop)
      })
      await server.close()
      if (!g.json) process.stderr.write('Stopped.\n')
    })
}
