import { isAscii } from 'node:buffer'

/**
 * `JSON.parse(bytes.toString('utf8', start))` of valid UTF-8, made cheaper for a bundle body: ~55 MB
 * of nearly all ASCII with a few hundred KB of names in other scripts. Decoded as UTF-8 it becomes a
 * two-byte string of twice its size (one character beyond Latin-1 widens the whole string), slow to
 * make and to parse. Read as latin1 instead (one byte, one character) and parsed, each string holding
 * a byte >= 0x80 is then decoded from its bytes as UTF-8. That is the same value exactly: JSON's
 * syntax is ASCII and a multi-byte UTF-8 sequence is made of bytes >= 0x80 only, so each lies whole
 * inside one string, and the latin1 characters of a string are its bytes, except where an escape
 * gave a character >= 0x80, or a member name holds one: those texts are decoded whole, as before.
 * `bytes` must be valid UTF-8 (the caller checks: `isUtf8`).
 */
export function parseUtf8Json(bytes: Buffer, start: number): unknown {
  const slow = () => JSON.parse(bytes.toString('utf8', start)) as unknown
  const ascii = isAscii(bytes.subarray(start))
  if (!ascii)
    for (let at = bytes.indexOf(ESCAPE_U, start); at >= 0; at = bytes.indexOf(ESCAPE_U, at + 2)) {
      // Only \u0000-\u007f leave a character that cannot be told from a raw byte (conservative: the
      // `\u` of an escaped backslash followed by "u" counts too).
      const hex = bytes.toString('latin1', at + 2, at + 6)
      if (!/^00[0-7][0-9a-fA-F]$/.test(hex)) return slow()
    }
  const parse = (from: number, to: number): unknown => {
    const value: unknown = JSON.parse(bytes.toString('latin1', from, to))
    if (ascii) return value
    if (typeof value === 'string') return recode(value)
    if (!recodeLatin1Strings(value)) throw NOT_HERE
    return value
  }
  try {
    return parseInParts(bytes, start, parse) ?? parse(start, bytes.length)
  } catch (e) {
    // Refused by JSON.parse: refused as a whole too (the same SyntaxError, from the same text).
    if (e instanceof SyntaxError) throw e
    return slow() // a member name the shortcut cannot recode, or nested deeper than the stack here
  }
}

const NOT_HERE = new Error('decoded whole instead')
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d])

/**
 * An object text `{"name": value, ...}` parsed member by member, and a member whose value is an
 * array element by element (`parse` of each part's bytes): the same value as parsing it whole, but
 * with no string of the whole text (55 MB of a bundle body: fresh memory costs more here than
 * parsing it). Null where the text is not an object. Each part is checked by JSON.parse and
 * everything between parts by `expect`, so what JSON.parse refuses whole is refused here too.
 */
function parseInParts(
  bytes: Buffer,
  start: number,
  parse: (from: number, to: number) => unknown,
): Record<string, unknown> | null {
  let at = start
  const skip = () => {
    while (at < bytes.length && WHITESPACE.has(bytes[at]!)) at++
  }
  const expect = (c: number) => {
    skip()
    if (bytes[at] !== c) throw new SyntaxError('not JSON')
    at++
  }
  skip()
  if (bytes[at] !== 0x7b) return null
  at++
  const out: Record<string, unknown> = {}
  skip()
  if (bytes[at] === 0x7d) {
    at++
  } else {
    for (;;) {
      skip()
      if (bytes[at] !== 0x22) throw new SyntaxError('not JSON')
      const keyEnd = endOfValue(bytes, at)
      const name = parse(at, keyEnd)
      if (typeof name !== 'string' || name === '__proto__') throw NOT_HERE
      at = keyEnd
      expect(0x3a)
      skip()
      let value: unknown
      if (bytes[at] === 0x5b) {
        const list: unknown[] = []
        at++
        skip()
        if (bytes[at] === 0x5d) at++
        else
          for (;;) {
            skip()
            const end = endOfValue(bytes, at)
            list.push(parse(at, end))
            at = end
            skip()
            if (bytes[at] === 0x5d) {
              at++
              break
            }
            expect(0x2c)
          }
        value = list
      } else {
        const end = endOfValue(bytes, at)
        value = parse(at, end)
        at = end
      }
      out[name] = value
      skip()
      if (bytes[at] === 0x7d) {
        at++
        break
      }
      expect(0x2c)
    }
  }
  skip()
  if (at !== bytes.length) throw new SyntaxError('not JSON')
  return out
}

/**
 * Where the JSON value starting at `at` ends (only its extent: JSON.parse checks it). A string ends
 * at its closing quote, an object or array at its matching bracket (brackets inside strings skipped),
 * anything else at the next ',', ']', '}' or whitespace.
 */
function endOfValue(bytes: Buffer, at: number): number {
  const first = bytes[at]
  if (first === undefined) throw new SyntaxError('not JSON')
  if (first === 0x22) return endOfString(bytes, at)
  if (first !== 0x7b && first !== 0x5b) {
    let i = at
    while (i < bytes.length) {
      const c = bytes[i]!
      if (c === 0x2c || c === 0x5d || c === 0x7d || WHITESPACE.has(c)) break
      i++
    }
    return i
  }
  let depth = 0
  for (let i = at; i < bytes.length;) {
    const c = bytes[i]!
    if (c === 0x22) {
      i = endOfString(bytes, i)
      continue
    }
    if (c === 0x7b || c === 0x5b) depth++
    else if (c === 0x7d || c === 0x5d) {
      depth--
      if (depth === 0) return i + 1
    }
    i++
  }
  throw new SyntaxError('not JSON')
}

/** Just after the closing quote of the string starting at `at` (a quote after an odd run of backslashes is escaped). */
function endOfString(bytes: Buffer, at: number): number {
  for (let q = bytes.indexOf(0x22, at + 1); q >= 0; q = bytes.indexOf(0x22, q + 1)) {
    let backslashes = 0
    while (bytes[q - 1 - backslashes] === 0x5c) backslashes++
    if (backslashes % 2 === 0) return q + 1
  }
  throw new SyntaxError('not JSON')
}

const ESCAPE_U = Buffer.from('\\u', 'latin1')
const NON_ASCII = /[\u0080-\uffff]/
const recode = (s: string): string => (NON_ASCII.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s)

/**
 * Replaces, in place, each string of a value parsed from latin1 text that holds a character >= 0x80
 * by the UTF-8 decoding of its characters as bytes. False (value half done) for a member name holding
 * one, or named `__proto__` (assigning it would not set the member).
 */
function recodeLatin1Strings(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i]
      if (typeof v === 'string') value[i] = recode(v)
      else if (!recodeLatin1Strings(v)) return false
    }
    return true
  }
  const o = value as Record<string, unknown>
  for (const k in o) {
    if (NON_ASCII.test(k) || k === '__proto__') return false
    const v = o[k]
    if (typeof v === 'string') o[k] = recode(v)
    else if (!recodeLatin1Strings(v)) return false
  }
  return true
}
