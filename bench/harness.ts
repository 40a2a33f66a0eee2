/**
 * A small benchmark harness: each case runs several times next to a raw baseline that does the
 * least work that could do the same job with the same libraries, so the ratio holds on a noisy
 * machine. Speed is measured here, never asserted inside tests.
 */

export interface Stats {
  runs: number
  median: number
  p95: number
  min: number
  max: number
}

export interface CaseResult {
  /** Stable key (JSON consumers, the smoke test). */
  id: string
  name: string
  unit: 'ms' | 'per_second' | 'MB' | 'KB_gzip'
  /** What the issue asks for, in words (e.g. "< 300 ms"). */
  target: string
  value: number
  stats?: Stats
  baseline?: Stats
  /** case median / baseline median (lower is better). */
  ratio?: number
  met: boolean
  note?: string
  /** Sizes the case ran with (learners, batch, runs…). */
  params?: Record<string, number | string>
  /** Further figures worth keeping (throughput, memory growth, sub-steps). */
  extra?: Record<string, number | string>
}

export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b)
  const at = (q: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN
  return { runs: s.length, median: at(0.5), p95: at(0.95), min: s[0] ?? NaN, max: s.at(-1) ?? NaN }
}

/** Times `fn` `runs` times (after `warmup` untimed runs); returns milliseconds per run. */
export async function time(fn: () => unknown, runs: number, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn()
  const out: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn()
    out.push(performance.now() - t0)
  }
  return out
}

/**
 * Runs `fn` once and returns its wall time and the CPU time this process spent meanwhile (user +
 * system, all threads), both in ms. On a machine shared with others, wall time includes waiting for
 * a core; CPU time does not, so it shows what the work itself costs.
 */
export interface Measurement {
  wall: number
  cpu: number
}

export async function measure(fn: () => unknown): Promise<Measurement> {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  await fn()
  const wall = performance.now() - t0
  const c = process.cpuUsage(c0)
  return { wall, cpu: (c.user + c.system) / 1000 }
}

/**
 * Measures the case and its baseline one right after the other, so that load from other processes
 * falls on both alike, taking turns going first (`turn` even: the case). When both work on the same
 * input, whichever goes second finds it warm: the verify case ran ~4% faster second than first.
 */
export async function measurePair(
  caseFn: () => unknown,
  baselineFn: () => unknown,
  turn: number,
): Promise<{ ours: Measurement; baseline: Measurement }> {
  if (turn % 2 === 0) {
    const ours = await measure(caseFn)
    return { ours, baseline: await measure(baselineFn) }
  }
  const baseline = await measure(baselineFn)
  return { ours: await measure(caseFn), baseline }
}

/** Case median over baseline median. */
export const ratioOf = (c: Stats, b: Stats): number => c.median / b.median

/** A full garbage collection, when the process allows it (the runner enables it). */
export function collectGarbage(): void {
  const g = (globalThis as { gc?: () => void }).gc
  if (g) g()
}

const fmt = (n: number | undefined, digits = 2): string =>
  n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits)

export function printTable(
  results: CaseResult[],
  out: (s: string) => void = (s) => process.stdout.write(s + '\n'),
): void {
  const header = ['case', 'target', 'value', 'median', 'p95', 'min', 'max', 'baseline', 'ratio', 'met']
  const rows = results.map((r) => [
    r.name,
    r.target,
    `${fmt(r.value)} ${r.unit}`,
    fmt(r.stats?.median),
    fmt(r.stats?.p95),
    fmt(r.stats?.min),
    fmt(r.stats?.max),
    fmt(r.baseline?.median),
    fmt(r.ratio),
    r.met ? 'yes' : 'NO',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')
  out(line(header))
  out(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const r of rows) out(line(r))
  for (const r of results) if (r.note) out(`* ${r.name}: ${r.note}`)
  for (const r of results)
    if (r.extra && Object.keys(r.extra).length)
      out(
        `  ${r.name}: ${Object.entries(r.extra)
          .map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : v}`)
          .join(', ')}`,
      )
}
