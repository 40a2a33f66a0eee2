import type { Page } from '@playwright/test'
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

/** axe-core's serious and critical findings on the page as it is now, one line each (empty when none). */
export async function seriousAxeFindings(page: Page): Promise<string[]> {
  const { default: AxeBuilder } = await import('@axe-core/playwright')
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze()
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}
