import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { RESULT_IDS } from '../../bench/results'

/**
 * The benchmark must never rot: its smoke run (every case, tiny data) is part of `npm test`. This
 * checks that it completes and reports every case with numbers. It asserts nothing about speed:
 * speed is measured by `npm run bench`, never by a test.
 */

const repoRoot = path.resolve(import.meta.dirname, '..', '..')

interface BenchDocument {
  run: string
  machine: Record<string, unknown>
  results: {
    id: string
    unit: string
    value: number
    met: boolean
    stats?: { median: number; p95: number; runs: number }
    baseline?: { median: number }
    ratio?: number
  }[]
  errors: { case: string; message: string }[]
}

describe('npm run bench -- --smoke --json', () => {
  it('runs every case and reports each with numbers', { timeout: 600_000 }, () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke', '--json'], {
      cwd: repoRoot,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 590_000,
    })
    expect(r.status, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout) as BenchDocument
    expect(doc.run).toBe('smoke')
    expect(doc.errors).toEqual([])
    expect(typeof doc.machine.cpu).toBe('string')
    expect(doc.results.map((x) => x.id).sort()).toEqual([...RESULT_IDS].sort())
    for (const result of doc.results) {
      expect(Number.isFinite(result.value), result.id).toBe(true)
      expect(result.value, result.id).toBeGreaterThan(0)
      expect(typeof result.met, result.id).toBe('boolean')
      if (result.stats) {
        expect(result.stats.runs, result.id).toBeGreaterThan(0)
        expect(Number.isFinite(result.stats.median) && Number.isFinite(result.stats.p95), result.id).toBe(
          true,
        )
      }
      if (result.baseline) expect(Number.isFinite(result.ratio), result.id).toBe(true)
    }
  })
})
