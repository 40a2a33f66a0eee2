import type { ApiError, Result } from '../errors'
import type { Transport } from '../client'
import type { ProgressEvent } from '../progress'

export interface HttpTransportOptions {
  /** e.g. `http://127.0.0.1:4317` (no trailing slash needed). */
  baseUrl: string
  /** The per-run secret printed by `tessera serve`. */
  token: string
  fetch?: typeof fetch
}

export const NDJSON = 'application/x-ndjson'

/** One line of a streamed (NDJSON) response: progress lines, then exactly one result line. */
export type StreamLine =
  { type: 'progress'; event: ProgressEvent } | { type: 'result'; result: Result<unknown> }

const transportError = (message: string, details?: Record<string, unknown>): Result<never> => {
  const error: ApiError = { code: 'internal', message }
  if (details) error.details = details
  return { ok: false, error }
}

const isResult = (v: unknown): v is Result<unknown> =>
  typeof v === 'object' && v !== null && typeof (v as { ok?: unknown }).ok === 'boolean'

/**
 * Browser mode: `POST /api/<op>` with the JSON input, answered by a `Result` JSON document.
 * With a progress listener the request asks for NDJSON and reads progress lines as they arrive.
 */
export function httpTransport(opts: HttpTransportOptions): Transport {
  const base = opts.baseUrl.replace(/\/+$/, '')
  const doFetch = opts.fetch ?? ((input: string, init?: RequestInit) => fetch(input, init))
  return {
    async invoke(op, input, onProgress) {
      let response: Response
      try {
        response = await doFetch(`${base}/api/${encodeURIComponent(op)}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${opts.token}`,
            'content-type': 'application/json',
            accept: onProgress ? NDJSON : 'application/json',
          },
          body: JSON.stringify(input ?? {}),
        })
      } catch (e) {
        return transportError(`Cannot reach Tessera at ${base}: ${(e as Error).message}`)
      }
      const type = response.headers.get('content-type') ?? ''
      if (onProgress && type.startsWith(NDJSON) && response.body) return readStream(response.body, onProgress)
      let body: unknown
      try {
        body = await response.json()
      } catch {
        return transportError(`Tessera answered HTTP ${response.status} without a result`, {
          status: response.status,
        })
      }
      return isResult(body)
        ? body
        : transportError(`Tessera answered HTTP ${response.status} with an unexpected body`)
    },
  }
}

async function readStream(
  body: ReadableStream<Uint8Array>,
  onProgress: (e: ProgressEvent) => void,
): Promise<Result<unknown>> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffered = ''
  let result: Result<unknown> | undefined
  const handle = (line: string): void => {
    if (!line.trim()) return
    const msg = JSON.parse(line) as StreamLine
    if (msg.type === 'progress') onProgress(msg.event)
    else if (msg.type === 'result') result = msg.result
  }
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      buffered += decoder.decode(value, { stream: true })
      let nl: number
      while ((nl = buffered.indexOf('\n')) >= 0) {
        handle(buffered.slice(0, nl))
        buffered = buffered.slice(nl + 1)
      }
    }
    handle(buffered + decoder.decode())
  } catch (e) {
    return transportError(`The connection to Tessera broke during the operation: ${(e as Error).message}`)
  }
  return result ?? transportError('Tessera closed the stream without a result')
}
