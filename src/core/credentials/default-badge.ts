/**
 * A plain default badge image (PNG) for achievements that have none, so every credential can be
 * baked. Drawn procedurally (a medal: ring, disc and check mark, anti-aliased) instead of shipping
 * a binary asset; about 9 KB at the default size.
 *
 * Isomorphic: zlib via the Web `CompressionStream('deflate')` (Node ≥ 18 and browsers).
 */
import { concatBytes } from '../domain/bytes'
import { PNG_SIGNATURE, pngChunk } from './png'

export interface DefaultBadgeOptions {
  /** Edge length in pixels; default 256. */
  size?: number
  /** Main colour as #rrggbb; default a deep teal. */
  color?: string
}

const rendered = new Map<string, Promise<Uint8Array>>()

/**
 * Renders the default badge as PNG bytes. Drawing it takes several milliseconds and every credential
 * of an achievement without an image is baked into it, so each size and colour is drawn once per
 * process; callers get their own copy.
 */
export async function defaultBadgePng(options: DefaultBadgeOptions = {}): Promise<Uint8Array> {
  const key = `${options.size ?? 256}|${options.color ?? ''}`
  let png = rendered.get(key)
  if (!png) {
    png = drawBadge(options)
    rendered.set(key, png)
    png.catch(() => rendered.delete(key))
  }
  return (await png).slice()
}

async function drawBadge(options: DefaultBadgeOptions): Promise<Uint8Array> {
  const size = options.size ?? 256
  if (!Number.isInteger(size) || size < 16 || size > 2048)
    throw new RangeError('Badge size must be 16..2048 px')
  const [r, g, b] = parseColor(options.color ?? '#0f766e')
  const c = size / 2
  const rOuter = size * 0.48
  const rRing = size * 0.41
  const rDisc = size * 0.38
  // Check mark as two thick segments, in units of the size.
  const p1 = [0.3 * size, 0.52 * size] as const
  const p2 = [0.44 * size, 0.66 * size] as const
  const p3 = [0.71 * size, 0.36 * size] as const
  const stroke = size * 0.045

  const stride = size * 4 + 1
  const raw = new Uint8Array(stride * size)
  for (let y = 0; y < size; y++) {
    raw[y * stride] = 0 // filter: none
    for (let x = 0; x < size; x++) {
      const px = x + 0.5
      const py = y + 0.5
      const d = Math.hypot(px - c, py - c)
      const alpha = clamp01(rOuter - d + 0.5)
      // ring in the main colour, a light band, then the disc in the main colour
      const inBand = clamp01(d - rDisc + 0.5) * clamp01(rRing - d + 0.5)
      const check =
        clamp01(stroke - Math.min(segDist(px, py, p1, p2), segDist(px, py, p2, p3)) + 0.5) *
        clamp01(rDisc - d + 0.5)
      const light = Math.max(inBand, check)
      const o = y * stride + 1 + x * 4
      raw[o] = mix(r, 255, light * 0.9)
      raw[o + 1] = mix(g, 255, light * 0.9)
      raw[o + 2] = mix(b, 255, light * 0.9)
      raw[o + 3] = Math.round(alpha * 255)
    }
  }

  const ihdr = new Uint8Array(13)
  const v = new DataView(ihdr.buffer)
  v.setUint32(0, size)
  v.setUint32(4, size)
  ihdr.set([8, 6, 0, 0, 0], 8) // 8-bit RGBA, deflate, adaptive filtering, no interlace
  const idat = await deflate(raw)
  return concatBytes([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', new Uint8Array(0)),
  ])
}

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

function parseColor(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex)
  if (!m) throw new RangeError(`Badge colour must be #rrggbb, got ${hex}`)
  return [parseInt(m[1] as string, 16), parseInt(m[2] as string, 16), parseInt(m[3] as string, 16)]
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v)
const mix = (a: number, b: number, t: number): number => Math.round(a + (b - a) * t)

function segDist(px: number, py: number, a: readonly [number, number], b: readonly [number, number]): number {
  const dx = b[0] - a[0]
  const dy = b[1] - a[1]
  const t = clamp01(((px - a[0]) * dx + (py - a[1]) * dy) / (dx * dx + dy * dy))
  return Math.hypot(px - a[0] - t * dx, py - a[1] - t * dy)
}
