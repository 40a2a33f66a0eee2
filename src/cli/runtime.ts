import { TesseraError } from '../contract/errors'
import type { OpInput, OpName, OpOutput } from '../contract/ops'
import { openTessera, type Tessera } from '../core/app'
import { resolveDbFile } from '../core/node/paths'
import { cliSecrets, createOutput, type Output } from './io'

/** Options every command has (declared on the root program). */
export interface GlobalOptions {
  db?: string
  json?: boolean
  as?: string
}

/** What a command body gets: the open database, typed calls, and output. */
export interface CommandRuntime {
  tessera: Tessera
  out: Output
  call<K extends OpName>(op: K, input: OpInput<K>): Promise<OpOutput<K>>
}

/**
 * Opens the database named by --db / TESSERA_DB / the per-user default, runs the command body and
 * always closes the database (releasing its lock) — even when the body throws.
 */
export async function withTessera<T>(
  opts: GlobalOptions,
  body: (rt: CommandRuntime) => Promise<T>,
  mode: { readonly?: boolean } = {},
): Promise<T> {
  const out = createOutput(Boolean(opts.json))
  const open = (readonly: boolean): Tessera =>
    openTessera({ dbFile: resolveDbFile(opts.db), readonly, secrets: cliSecrets(), actor: opts.as })
  let tessera: Tessera
  try {
    tessera = open(false)
  } catch (e) {
    // A read-only command may still run while the app holds the write lock.
    if (!(mode.readonly && e instanceof TesseraError && e.code === 'locked')) throw e
    tessera = open(true)
  }
  try {
    return await body({
      tessera,
      out,
      call: (op, input) =>
        tessera.call(op, input, {
          progress: (e) => out.progress(e),
        }),
    })
  } finally {
    out.done()
    tessera.close()
  }
}

/** Thrown by a command to exit 1 after printing its own report (e.g. doctor found problems). */
export class CheckFailed extends TesseraError {
  constructor(message: string) {
    super('check_failed', message)
  }
}
