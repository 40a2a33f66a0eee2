import type { TesseraServer } from '../fixtures'

/**
 * Calls an op on the test's server over its HTTP API (as the UI does), to set up data that other
 * screens would make (assessments, assessors) without driving those screens.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped test seeding
export async function callOp(server: TesseraServer, op: string, input: unknown): Promise<any> {
  const token = decodeURIComponent(/#token=([^&]+)/.exec(server.url)?.[1] ?? '')
  const r = await fetch(`${server.origin}/api/${op}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  })
  const body = (await r.json()) as { ok: boolean; value?: unknown; error?: unknown }
  if (!body.ok) throw new Error(`${op}: ${JSON.stringify(body.error)}`)
  return body.value
}
