import { describe, expect, it } from 'vitest'
import { polyfill } from '../../src/core/node/uint8array-base64'

/**
 * The Uint8Array base64 polyfill (src/core/node/uint8array-base64.ts) must behave as the standard
 * (TC39 "Uint8Array to/from base64"): jose signs and verifies every sync bundle through it, so a
 * lenient decoder would accept tampered text and a wrong encoder would break signatures. Where the
 * engine has its own implementation, the same expectations run against it too.
 */

type FromOptions = { alphabet?: string; lastChunkHandling?: string }
type ToOptions = { alphabet?: string; omitPadding?: boolean }
interface Impl {
  name: string
  to(bytes: Uint8Array, options?: ToOptions): string
  from(text: unknown, options?: FromOptions): Uint8Array
}

const native = Uint8Array as unknown as { fromBase64?: (t: unknown, o?: FromOptions) => Uint8Array }
const nativeProto = Uint8Array.prototype as unknown as { toBase64?: (o?: ToOptions) => string }
const impls: Impl[] = [
  {
    name: 'polyfill',
    to: (bytes, options) => polyfill.toBase64.call(bytes, options as never),
    from: (text, options) => polyfill.fromBase64(text, options as never),
  },
]
if (native.fromBase64 && nativeProto.toBase64 && native.fromBase64 !== polyfill.fromBase64) {
  impls.push({
    name: 'engine',
    to: (bytes, options) => nativeProto.toBase64!.call(bytes, options),
    from: (text, options) => native.fromBase64!(text, options),
  })
}

const bytesOf = (...b: number[]): Uint8Array => new Uint8Array(b)

function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length)
  let x = seed
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0
    out[i] = x >>> 24
  }
  return out
}

describe.each(impls)('Uint8Array base64 ($name)', (impl) => {
  it('is installed on Uint8Array once the module is loaded', () => {
    expect(typeof native.fromBase64).toBe('function')
    expect(typeof nativeProto.toBase64).toBe('function')
    expect((bytesOf(72, 105) as unknown as { toBase64(): string }).toBase64()).toBe('SGk=')
  })

  it('round-trips every length and byte in both alphabets, padded or not', () => {
    for (let length = 0; length <= 70; length++) {
      const bytes = pseudoRandomBytes(length, length + 1)
      const base64 = impl.to(bytes)
      const url = impl.to(bytes, { alphabet: 'base64url' })
      expect(base64, `length ${length}`).toBe(Buffer.from(bytes).toString('base64'))
      expect(base64.length % 4).toBe(0)
      expect(url).toBe(base64.replace(/\+/g, '-').replace(/\//g, '_'))
      expect(impl.to(bytes, { alphabet: 'base64url', omitPadding: true })).toBe(url.replace(/=+$/, ''))
      expect(impl.to(bytes, { omitPadding: true })).toBe(base64.replace(/=+$/, ''))
      for (const [text, alphabet] of [
        [base64, 'base64'],
        [url, 'base64url'],
        [base64.replace(/=+$/, ''), 'base64'],
        [url.replace(/=+$/, ''), 'base64url'],
      ] as const) {
        expect(Array.from(impl.from(text, { alphabet })), `${alphabet} ${text}`).toEqual(Array.from(bytes))
      }
    }
    const large = pseudoRandomBytes(3 * 1024 * 1024 + 1, 7)
    const decoded = impl.from(impl.to(large, { alphabet: 'base64url' }), { alphabet: 'base64url' })
    expect(Buffer.compare(decoded, large)).toBe(0)
  })

  it('encodes the bytes of a view, not of its whole buffer', () => {
    const whole = bytesOf(0, 1, 2, 0xfb, 0xff, 0xbf, 9)
    expect(impl.to(whole.subarray(3, 6))).toBe('+/+/')
    expect(impl.to(whole.subarray(3, 6), { alphabet: 'base64url' })).toBe('-_-_')
    expect(impl.to(new Uint8Array(0))).toBe('')
  })

  it('pads as the standard says: always unless omitPadding, in both alphabets', () => {
    expect(impl.to(bytesOf(0xff))).toBe('/w==')
    expect(impl.to(bytesOf(0xff), { alphabet: 'base64url' })).toBe('_w==')
    expect(impl.to(bytesOf(0xff, 0xee), { alphabet: 'base64url' })).toBe('_-4=')
    expect(impl.to(bytesOf(0xff), { alphabet: 'base64url', omitPadding: true })).toBe('_w')
    expect(impl.to(bytesOf(72, 101, 108, 108, 111, 32, 87, 111, 114, 108, 100))).toBe('SGVsbG8gV29ybGQ=')
  })

  it('decodes padded and unpadded text and skips ASCII whitespace, padding included', () => {
    expect(Array.from(impl.from('/w=='))).toEqual([0xff])
    expect(Array.from(impl.from('/w'))).toEqual([0xff])
    expect(Array.from(impl.from('_-4', { alphabet: 'base64url' }))).toEqual([0xff, 0xee])
    expect(Array.from(impl.from(' S G\tk\n=\r\f '))).toEqual([72, 105])
    expect(Array.from(impl.from('SGk = '))).toEqual([72, 105])
    expect(Array.from(impl.from(''))).toEqual([])
  })

  it('throws a SyntaxError on text that is not base64, as the standard does', () => {
    for (const [text, alphabet] of [
      ['A', 'base64'], // a lone final character
      ['AAAAA', 'base64'],
      ['AB=', 'base64'], // padding cut short
      ['A===', 'base64'],
      ['AAA==', 'base64'],
      ['AAAA=', 'base64'],
      ['AB==CD', 'base64'], // data after padding
      ['AB=C', 'base64'],
      ['ab*c', 'base64'],
      ['SGk\u00a0', 'base64'], // not ASCII whitespace
      ['SGk.', 'base64'],
      ['-_-_', 'base64'], // the other alphabet
      ['+/+/', 'base64url'],
      ['=', 'base64'],
    ] as const) {
      expect(() => impl.from(text, { alphabet }), `${alphabet} ${JSON.stringify(text)}`).toThrow(SyntaxError)
    }
  })

  it('lastChunkHandling: loose allows a short last chunk, strict wants padding and zero bits, stop-before-partial drops it', () => {
    // "AB" holds one byte 0x00 and four extra bits 0001.
    expect(Array.from(impl.from('AB'))).toEqual([0])
    expect(Array.from(impl.from('AB=='))).toEqual([0])
    expect(() => impl.from('AA', { lastChunkHandling: 'strict' })).toThrow(SyntaxError)
    expect(() => impl.from('AB==', { lastChunkHandling: 'strict' })).toThrow(SyntaxError)
    expect(() => impl.from('AAB=', { lastChunkHandling: 'strict' })).toThrow(SyntaxError)
    expect(Array.from(impl.from('AA==', { lastChunkHandling: 'strict' }))).toEqual([0])
    expect(Array.from(impl.from('AAA=', { lastChunkHandling: 'strict' }))).toEqual([0, 0])
    expect(Array.from(impl.from('SGk=', { lastChunkHandling: 'strict' }))).toEqual([72, 105])
    expect(Array.from(impl.from('SGVsbG8', { lastChunkHandling: 'stop-before-partial' }))).toEqual([
      72, 101, 108,
    ])
    expect(Array.from(impl.from('SGVsbG=', { lastChunkHandling: 'stop-before-partial' }))).toEqual([
      72, 101, 108,
    ])
    expect(Array.from(impl.from('SGVsbG8=', { lastChunkHandling: 'stop-before-partial' }))).toEqual([
      72, 101, 108, 108, 111,
    ])
    expect(() => impl.from('SGVs=', { lastChunkHandling: 'stop-before-partial' })).toThrow(SyntaxError)
  })

  it('throws a TypeError on bad arguments', () => {
    expect(() => impl.from(42)).toThrow(TypeError)
    expect(() => impl.from('SGk=', { alphabet: 'base32' })).toThrow(TypeError)
    expect(() => impl.from('SGk=', { lastChunkHandling: 'lenient' })).toThrow(TypeError)
    expect(() => impl.from('SGk=', 'base64url' as never)).toThrow(TypeError)
    expect(() => impl.to(bytesOf(1), { alphabet: 'hex' })).toThrow(TypeError)
  })

  it('returns a Uint8Array with a buffer of its own (not a view into a shared pool)', () => {
    const small = impl.from('SGk=')
    expect(small).toBeInstanceOf(Uint8Array)
    expect(Buffer.isBuffer(small)).toBe(false)
    expect(small.byteOffset).toBe(0)
    expect(small.buffer.byteLength).toBe(2)
  })
})
