import type { OpInput, OpName, OpOutput } from '../../../src/contract/ops'
import type { TesseraServer } from '../fixtures'

/**
 * Calls the running `tessera serve` the way the UI does (POST /api/<op> with the per-run token), for
 * seeding data a test is not about and for checking what the UI stored.
 */
export async function callApi<K extends OpName>(
  server: TesseraServer,
  op: K,
  input: OpInput<K>,
): Promise<OpOutput<K>> {
  const token = server.url.slice(server.url.indexOf('#token=') + '#token='.length)
  const res = await fetch(`${server.origin}/api/${op}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input ?? {}),
  })
  const body = (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string } }
  if (!body.ok) throw new Error(`${op} failed: ${body.error?.message ?? res.status}`)
  return body.value as OpOutput<K>
}
