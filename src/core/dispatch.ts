import type { z } from 'zod'
import { TesseraError, type ApiError, type Result } from '../contract/errors'
import { isOpName, ops, type OpName } from '../contract/ops'
import type { CallContext } from './services/context'
import type { Handlers } from './services/handlers'

/** Turns a zod error into field-path issues: "criteria[2].levels: Too small". */
export function validationError(op: string, error: z.ZodError): TesseraError {
  const issues = error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: i.message,
  }))
  const first = issues[0]
  const where = first && first.path.length ? `${first.path.join('.')}: ` : ''
  return new TesseraError('validation', `Invalid input for ${op}: ${where}${first?.message ?? 'invalid'}`, {
    issues,
  })
}

/** Maps anything thrown to the ApiError that crosses transports. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof TesseraError) return e.toApiError()
  const err = e as { code?: string; message?: string }
  if (typeof err?.code === 'string' && err.code.startsWith('SQLITE_')) {
    if (err.code === 'SQLITE_BUSY') {
      return { code: 'locked', message: 'The database is busy in another process; try again in a moment.' }
    }
    if (err.code.startsWith('SQLITE_CONSTRAINT')) {
      return { code: 'conflict', message: err.message ?? 'constraint failed', details: { sqlite: err.code } }
    }
  }
  return { code: 'internal', message: err?.message ?? String(e) }
}

/**
 * The single entry point every adapter calls (IPC handler, HTTP route, CLI command):
 * look up the op, validate the raw input with the contract's schema, run the handler, and return
 * errors as data so they survive any transport.
 */
export async function dispatch(
  handlers: Handlers,
  op: string,
  rawInput: unknown,
  call: CallContext = {},
): Promise<Result<unknown>> {
  if (!isOpName(op)) return { ok: false, error: { code: 'not_found', message: `Unknown operation "${op}"` } }
  const spec = ops[op]
  const parsed = spec.input.safeParse(rawInput ?? {})
  if (!parsed.success) return { ok: false, error: validationError(op, parsed.error).toApiError() }
  try {
    const handler = handlers[op] as (args: unknown, call: CallContext) => Promise<unknown>
    const value = await handler(parsed.data, call)
    return { ok: true, value }
  } catch (e) {
    return { ok: false, error: toApiError(e) }
  }
}

export type { OpName }
