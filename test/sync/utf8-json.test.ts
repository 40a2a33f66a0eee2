import { randomInt } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { parseUtf8Json } from '../../src/core/sync/utf8-json'

/**
 * A bundle body is parsed from latin1 text and its non-ASCII strings decoded afterwards
 * (src/core/sync/utf8-json.ts). The value must be exactly what decoding the whole text as UTF-8 gives,
 * including where that shortcut cannot tell a raw byte from an escape (it must then decode it whole).
 */
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8')
const reference = (bytes: Buffer, start = 0): unknown => JSON.parse(bytes.toString('utf8', start))
const same = (text: string) => {
  const bytes = utf8(text)
  expect(parseUtf8Json(bytes, 0)).toStrictEqual(reference(bytes))
}

describe('parseUtf8Json', () => {
  it('gives what the UTF-8 decoding gives: names in many scripts, ASCII only, escapes, empty strings', () => {
    same(
      JSON.stringify({
        records: [
          { given: 'Amina', family: 'Yusuf', note: '' },
          { given: 'مُحَمَّد', family: 'عبد الله', note: 'line\nbreak\ttab "quoted" \\ back' },
          { given: '小明', family: '王', note: 'emoji 👩🏽‍🏫 and é and ß' },
          { given: 'Nguyễn', family: 'Thị Hồng', note: '\u0001\u001f control' },
          { given: 'Ελένη', family: 'Παπαδοπούλου', scores: [1, 2.5, null, true, false, -0] },
        ],
        n: 42,
      }),
    )
    same('{"ascii":"only","n":[1,2,3],"o":{}}')
    same('"a lone string: ñ"')
    same('["x", "\\u0041\\u007f", "ü"]')
  })

  it('decodes the whole text where an escape gives a character beyond ASCII (it is not a raw byte)', () => {
    // "\u00e9" parsed from latin1 is 'é' (0xe9), which the shortcut would take for a byte and break.
    same('{"a":"\\u00e9 and raw é","b":"ü"}')
    same('{"a":"\\ud83d\\ude00 and raw 😀"}')
    same('{"a":"lone \\ud800 and raw ñ"}')
    same('{"a":"\\\\u00e9 is text here, raw ñ"}')
    const bytes = utf8('{"a":"\\u00e9","b":"é"}')
    expect(parseUtf8Json(bytes, 0)).toEqual({ a: 'é', b: 'é' })
  })

  it('decodes the whole text where a member name is not ASCII, or is __proto__', () => {
    same('{"prénom":"Zoé","名":"明"}')
    same('{"a":{"__proto__":"ñandú"},"b":"é"}')
    const parsed = parseUtf8Json(utf8('{"__proto__":"ñ","x":"é"}'), 0) as Record<string, unknown>
    expect(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value).toBe('ñ')
  })

  it('skips a byte order mark as asked and refuses what JSON.parse refuses', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('{"a":"é"}')])
    expect(parseUtf8Json(withBom, 3)).toEqual({ a: 'é' })
    for (const bad of ['{"a":"é"', '{"a": é}', '{"a":"\u00a0"}\u00a0', '', '{"a":"\\u00"}'])
      expect(() => parseUtf8Json(utf8(bad), 0), bad).toThrow(SyntaxError)
  })

  it('parses an object member by member and an array member element by element, as JSON.parse does', () => {
    same(' \r\n\t{ "manifest" : { "records" : [ { "id" : "a" } ] } ,\n "records" : [ ] , "n" : -1.5e3 }\n')
    same('{"records":[{"s":"] } [ { , : \\" \\\\","t":["x",{"u":[1,[2,[3]]]}]},"é ] }",12,true,null,{},[]]}')
    same('{"a":1,"a":"second wins","b":[1,2],"b":{"c":"é"}}')
    same('{}')
    same('{"records":[]}')
    same('{"é":"not ASCII at the top","records":["ñ"]}')
    same('[{"top":"an array"},"é"]')
    same('{"__proto__":{"x":"é"},"y":1}')
    const parsed = parseUtf8Json(utf8('{"__proto__":{"x":"é"}}'), 0) as Record<string, unknown>
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype)
    for (const bad of [
      '{"a":1,}',
      '{"a":[1,]}',
      '{"a":[,1]}',
      '{"a":}',
      '{a:1}',
      '{"a":1"b":2}',
      '{"a":[1 2]}',
      '{"a":1} x',
      '{"a":1}}',
      '{"a":"é"',
      '{"a":["é"',
      '{"a":tru}',
      '{"a" 1}',
      '{"a":"x\\"}',
    ]) {
      expect(() => reference(utf8(bad)), bad).toThrow(SyntaxError)
      expect(() => parseUtf8Json(utf8(bad), 0), bad).toThrow(SyntaxError)
    }
  })

  it('matches on deep nesting and on random texts of every kind of character', () => {
    // Deeper than the recoding walk's stack: decoded whole instead.
    const depth = 200_000
    let deep = parseUtf8Json(utf8(`${'['.repeat(depth)}"é"${']'.repeat(depth)}`), 0)
    for (let i = 0; i < depth; i++) deep = (deep as unknown[])[0]
    expect(deep).toBe('é')
    const pick = (): string => {
      const r = randomInt(10)
      if (r < 5) return String.fromCharCode(0x20 + randomInt(0x5f))
      if (r < 7) return String.fromCharCode(0x80 + randomInt(0x780))
      if (r < 8) return String.fromCharCode(0x800 + randomInt(0xd000))
      if (r < 9) return String.fromCodePoint(0x10000 + randomInt(0x10000))
      return String.fromCharCode(randomInt(0x20))
    }
    for (let i = 0; i < 200; i++) {
      const strings = Array.from({ length: 20 }, () => Array.from({ length: randomInt(30) }, pick).join(''))
      same(JSON.stringify({ strings, nested: { list: strings.slice(0, 5), n: i } }))
      same(JSON.stringify({ records: strings.map((s, j) => ({ [`k${j}`]: s, list: [s, j] })) }, null, i % 3))
    }
  })
})
