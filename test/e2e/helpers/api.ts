import type { Page } from '@playwright/test'
import type { OpInput, OpName, OpOutput } from '../../../src/contract/ops'
import type { TesseraServer } from '../fixtures'

/**
 * Calls the running `tessera serve` the way the UI does (POST /api/<op> with the per-run token), for
 * seeding data a test is not about (assessments, assessors…) and for checking what the UI stored.
 * Typed by the contract; a failure throws with the whole typed error (code, message, issues).
 */
export async function callApi<K extends OpName>(
  server: TesseraServer,
  op: K,
  input: OpInput<K>,
): Promise<OpOutput<K>> {
  const token = decodeURIComponent(/#token=([^&]+)/.exec(server.url)?.[1] ?? '')
  const res = await fetch(`${server.origin}/api/${op}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input ?? {}),
  })
  const body = (await res.json()) as { ok: boolean; value?: unknown; error?: unknown }
  if (!body.ok) throw new Error(`${op} failed (HTTP ${res.status}): ${JSON.stringify(body.error)}`)
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
