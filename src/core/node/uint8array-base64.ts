/**
 * `Uint8Array.prototype.toBase64` and `Uint8Array.fromBase64` (TC39 "Uint8Array to/from base64",
 * ES2026; native in newer V8) on Node 20, implemented with Buffer.
 *
 * Why: jose uses them when present and otherwise builds a binary string and calls btoa/atob, which
 * takes seconds per megabyte-scale payload. A sync bundle of 10,000 assessments is a ~90 MB JWS
 * inside a JWE; with jose's fallback, exporting it took 23 s, of which 17 s in base64 alone
 * (bench/cases/sync.ts). Installed only where the engine lacks them, with the standard's semantics
 * (alphabet, omitPadding, every lastChunkHandling: other libraries such as @scure/base call it with
 * 'strict' once it exists) and its strictness on decoding: a character outside the alphabet or
 * misplaced padding throws a SyntaxError, as the standard does, instead of being skipped as
 * Buffer.from would. (test/core/uint8array-base64.test.ts checks it against these rules.)
 */

type Alphabet = 'base64' | 'base64url'
type LastChunkHandling = 'loose' | 'strict' | 'stop-before-partial'

interface ToBase64Options {
  alphabet?: Alphabet
  omitPadding?: boolean
}

interface FromBase64Options {
  alphabet?: Alphabet
  lastChunkHandling?: LastChunkHandling
}

function optionsObject(options: unknown): Record<string, unknown> {
  if (options === undefined) return {}
  if (options === null || (typeof options !== 'object' && typeof options !== 'function'))
    throw new TypeError('base64 options must be an object')
  return options as Record<string, unknown>
}

function alphabetOf(options: Record<string, unknown>): Alphabet {
  const alphabet = options.alphabet ?? 'base64'
  if (alphabet !== 'base64' && alphabet !== 'base64url')
    throw new TypeError(`unknown base64 alphabet: ${String(alphabet)}`)
  return alphabet
}

export function toBase64(this: unknown, options?: ToBase64Options): string {
  if (!(this instanceof Uint8Array)) throw new TypeError('toBase64 must be called on a Uint8Array')
  const o = optionsObject(options)
  const alphabet = alphabetOf(o)
  const buffer = Buffer.from(this.buffer, this.byteOffset, this.byteLength)
  // Node's base64url never pads; its base64 always does. (No regex here: texts run to 100+ MB.)
  const text = buffer.toString(alphabet)
  if (o.omitPadding) return text.slice(0, text.length - trailingPadding(text))
  if (alphabet === 'base64url') return text + '='.repeat((4 - (text.length % 4)) % 4)
  return text
}

/** How many '=' end `text`. */
function trailingPadding(text: string): number {
  let n = 0
  while (n < text.length && text.charCodeAt(text.length - 1 - n) === 0x3d) n++
  return n
}

const CHARACTERS = {
  base64: /^[A-Za-z0-9+/]*$/,
  base64url: /^[A-Za-z0-9_-]*$/,
}
const CHARACTERS_THEN_PADDING = {
  base64: /^[A-Za-z0-9+/]*=*$/,
  base64url: /^[A-Za-z0-9_-]*=*$/,
}
const DIGITS = {
  base64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  base64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
}

const invalid = (why: string): SyntaxError => new SyntaxError(`not valid base64: ${why}`)

/** `Uint8Array.fromBase64` as the standard defines it (usable directly where TypeScript's lib lacks it). */
export function fromBase64(text: unknown, options?: FromBase64Options): Uint8Array {
  if (typeof text !== 'string') throw new TypeError('fromBase64 expects a string')
  const o = optionsObject(options)
  const alphabet = alphabetOf(o)
  const handling = o.lastChunkHandling ?? 'loose'
  if (handling !== 'loose' && handling !== 'strict' && handling !== 'stop-before-partial')
    throw new TypeError(`unknown lastChunkHandling: ${String(handling)}`)

  // One pass over the text in the usual case (no whitespace); the standard skips ASCII whitespace
  // anywhere, padding included.
  const plain = CHARACTERS_THEN_PADDING[alphabet].test(text)
  const compact = plain ? text : text.replace(/[\t\n\f\r ]+/g, '')
  const padding = trailingPadding(compact)
  let body = padding ? compact.slice(0, -padding) : compact
  if (!plain && !CHARACTERS[alphabet].test(body))
    throw invalid('a character outside the alphabet or padding inside')
  const partial = body.length % 4
  if (padding) {
    // "xx==" and "xxx=" complete a chunk; "xx=" is a chunk cut short; anything else is misplaced.
    const complete = (partial === 2 && padding === 2) || (partial === 3 && padding === 1)
    if (!complete) {
      if (handling === 'stop-before-partial' && partial === 2 && padding === 1) body = body.slice(0, -2)
      else throw invalid('misplaced padding')
    }
  } else if (partial) {
    if (handling === 'stop-before-partial') body = body.slice(0, -partial)
    else if (handling === 'strict') throw invalid('missing padding')
    else if (partial === 1) throw invalid('a lone final character')
  }
  if (handling === 'strict' && body.length % 4) {
    // Strict also refuses bits beyond the last byte (so each byte string has one encoding).
    const last = DIGITS[alphabet].indexOf(body.at(-1)!)
    if (last & (body.length % 4 === 2 ? 0x0f : 0x03)) throw invalid('non-zero bits after the last byte')
  }
  const bytes = Buffer.from(body, alphabet)
  // A fresh Uint8Array with its own ArrayBuffer, as the standard returns: a small Buffer is a view
  // into Node's shared pool, whose `.buffer` holds other data.
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? new Uint8Array(bytes.buffer)
    : new Uint8Array(bytes)
}

const proto = Uint8Array.prototype as unknown as { toBase64?: unknown }
if (typeof proto.toBase64 !== 'function') {
  Object.defineProperty(Uint8Array.prototype, 'toBase64', {
    value: toBase64,
    writable: true,
    configurable: true,
  })
}
const ctor = Uint8Array as unknown as { fromBase64?: unknown }
if (typeof ctor.fromBase64 !== 'function') {
  Object.defineProperty(Uint8Array, 'fromBase64', { value: fromBase64, writable: true, configurable: true })
}

/** The implementations themselves, for tests (whether or not the engine's own were installed). */
export const polyfill = { toBase64, fromBase64 }
