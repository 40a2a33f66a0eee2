import { TesseraError, type Result } from './errors'
import type { OpInput, OpName, OpOutput } from './ops'
import type { ProgressEvent } from './progress'

/**
 * How a client reaches the services: Electron IPC, HTTP, or a direct in-process call.
 * A transport never throws for a failed operation: failures come back as `ApiError` data.
 */
export interface Transport {
  invoke(op: OpName, input: unknown, onProgress?: (event: ProgressEvent) => void): Promise<Result<unknown>>
}

export interface CallOptions {
  /** Called for each progress event of a long operation (ops marked `progress: true`). */
  onProgress?: (event: ProgressEvent) => void
}

/** Ops whose whole input is optional (e.g. `system.status`) may be called without one. */
type CallArgs<K extends OpName> =
  undefined extends OpInput<K>
    ? [input?: OpInput<K>, options?: CallOptions]
    : [input: OpInput<K>, options?: CallOptions]

export interface Client {
  /** Runs an op; resolves with its typed output or throws a `TesseraError` carrying code, issues and details. */
  call<K extends OpName>(op: K, ...args: CallArgs<K>): Promise<OpOutput<K>>
  /** Runs an op and returns the failure as data instead of throwing. */
  result<K extends OpName>(op: K, ...args: CallArgs<K>): Promise<Result<OpOutput<K>>>
}

/**
 * The one typed client every front end uses. This module imports only types from the contract,
 * so a bundle that uses it does not carry zod or the schemas: validation happens on the far side
 * of the transport (the trust boundary), by `dispatch`.
 */
export function createClient(transport: Transport): Client {
  const result = <K extends OpName>(op: K, ...[input, options]: CallArgs<K>): Promise<Result<OpOutput<K>>> =>
    transport.invoke(op, input, options?.onProgress) as Promise<Result<OpOutput<K>>>
  return {
    result,
    async call(op, ...args) {
      const r = await result(op, ...args)
      if (!r.ok) throw TesseraError.fromApiError(r.error)
      return r.value
    },
  }
}
