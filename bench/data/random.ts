import crypto from 'node:crypto'

/**
 * A seeded pseudo-random source (mulberry32) so that every benchmark run generates the same data:
 * the same names, rubrics, scores and evidence sizes, and therefore the same cached database.
 */
export class Random {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let x = this.state
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(list: readonly T[]): T {
    const v = list[Math.floor(this.next() * list.length)]
    if (v === undefined) throw new Error('pick from an empty list')
    return v
  }

  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((s, [, w]) => s + w, 0)
    let r = this.next() * total
    for (const [v, w] of entries) {
      r -= w
      if (r < 0) return v
    }
    return entries.at(-1)![0]
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(list: readonly T[]): T[] {
    const out = [...list]
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1))
      ;[out[i], out[j]] = [out[j]!, out[i]!]
    }
    return out
  }

  /** Log-normal: most values near `median`, a long tail upwards (file sizes). */
  logNormal(median: number, sigma: number): number {
    const u = Math.max(this.next(), 1e-12)
    const v = this.next()
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    return median * Math.exp(sigma * z)
  }

  /** A fresh source derived from this one, so that adding draws in one part does not shift another. */
  fork(label: string): Random {
    const h = crypto.createHash('sha256').update(`${this.state}:${label}`).digest()
    return new Random(h.readUInt32LE(0))
  }

  /**
   * `n` deterministic bytes: AES-CTR keystream seeded from this source (a JS loop per byte would
   * take seconds for the megabytes of evidence a large fixture holds).
   */
  bytes(n: number): Buffer {
    const key = Buffer.alloc(32)
    const iv = Buffer.alloc(16)
    for (let i = 0; i < 8; i++) key.writeUInt32LE(Math.floor(this.next() * 2 ** 32), i * 4)
    for (let i = 0; i < 4; i++) iv.writeUInt32LE(Math.floor(this.next() * 2 ** 32), i * 4)
    const cipher = crypto.createCipheriv('aes-256-ctr', key, iv)
    return Buffer.concat([cipher.update(Buffer.alloc(n)), cipher.final()])
  }
}
