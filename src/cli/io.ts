import readline from 'node:readline'
import { formatIssuePath, TesseraError, type ApiError } from '../contract/errors'
import type { ProgressEvent } from '../contract/progress'
import type { SecretProvider } from '../core/services/context'

/** Exit codes: 0 success, 1 failed check or invalid input, 2 usage error. */
export const EXIT_OK = 0
export const EXIT_FAILED = 1
export const EXIT_USAGE = 2

export interface Output {
  json: boolean
  /** Prints the command's result: one JSON document with --json, readable text otherwise. */
  result(value: unknown, text: () => string): void
  info(line: string): void
  progress(event: ProgressEvent): void
  done(): void
}

export function createOutput(json: boolean, stdout = process.stdout, stderr = process.stderr): Output {
  const tty = Boolean(stderr.isTTY) && !process.env.CI
  let barShown = false
  return {
    json,
    result(value, text) {
      if (json) stdout.write(JSON.stringify(value, null, 2) + '\n')
      else {
        const t = text()
        if (t) stdout.write(t.endsWith('\n') ? t : t + '\n')
      }
    },
    info(line) {
      if (!json) stderr.write(line + '\n')
    },
    progress(e) {
      if (!tty) return
      const width = 30
      const ratio = e.total > 0 ? Math.min(1, e.done / e.total) : 0
      const bar = '#'.repeat(Math.round(ratio * width)).padEnd(width, '.')
      stderr.write(
        `\r${e.step} [${bar}] ${e.done}/${e.total}${e.message ? ' ' + e.message.slice(0, 40) : ''}\x1b[K`,
      )
      barShown = true
    },
    done() {
      if (barShown) stderr.write('\n')
      barShown = false
    },
  }
}

/** Renders an error for a person: what went wrong and where. */
export function formatError(e: ApiError): string {
  const lines = [`error: ${e.message}`]
  for (const i of e.issues ?? [])
    lines.push(`  - ${i.path.length ? formatIssuePath(i.path) + ': ' : ''}${i.message}`)
  return lines.join('\n')
}

export function exitCodeFor(e: ApiError): number {
  return e.code === 'internal' ? EXIT_FAILED : EXIT_FAILED
}

/** TESSERA_PASSPHRASE for scripts, otherwise a hidden prompt on a terminal. */
export function cliSecrets(env = process.env): SecretProvider {
  return {
    async passphrase(purpose) {
      if (env.TESSERA_PASSPHRASE) return env.TESSERA_PASSPHRASE
      if (!process.stdin.isTTY) {
        throw new TesseraError(
          'forbidden',
          'A passphrase is needed for the issuer keys: set TESSERA_PASSPHRASE or run in a terminal',
        )
      }
      const first = await promptHidden(
        purpose === 'create' ? 'New passphrase for the issuer keys: ' : 'Passphrase: ',
      )
      if (purpose === 'create') {
        const again = await promptHidden('Repeat the passphrase: ')
        if (again !== first) throw new TesseraError('validation', 'The two passphrases differ')
      }
      return first
    },
  }
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true })
    const mutable = rl as unknown as { _writeToOutput: (s: string) => void }
    rl.question(question, (answer) => {
      rl.close()
      process.stderr.write('\n')
      resolve(answer)
    })
    mutable._writeToOutput = () => undefined
  })
}
