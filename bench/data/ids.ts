import type { Random } from './random'

/**
 * UUIDv7 (what `newId()` makes) from a given time and the seeded source: ids sort by the synthetic
 * creation time, as those of a database filled over years would, and are the same on every run.
 */
export function seededUuidV7(ms: number, random: Random): string {
  const b = new Uint8Array(16)
  let t = ms
  for (let i = 5; i >= 0; i--) {
    b[i] = t % 256
    t = Math.floor(t / 256)
  }
  for (let i = 6; i < 16; i++) b[i] = random.int(0, 255)
  b[6] = 0x70 | (b[6]! & 0x0f)
  b[8] = 0x80 | (b[8]! & 0x3f)
  const hex = Buffer.from(b).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
