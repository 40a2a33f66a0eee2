import { describe, expect, it } from 'vitest'
import {
  bakePng,
  bakeSvg,
  parseBakedText,
  unbakePng,
  unbakeSvg,
  PNG_KEYWORD,
  SVG_NAMESPACE,
} from '../../src/core/credentials/bake'
import { defaultBadgePng } from '../../src/core/credentials/default-badge'
import { crc32, readPngChunks } from '../../src/core/credentials/png'
import { readSharedBytes, readSharedJson, readSharedText } from './fixtures'

const credential = {
  ...readSharedJson('examples/validator/valid/simple.json'),
  name: 'Badge ]]> with “quotes” & <tags> — ünïcödé 徽章',
}
const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl'

describe('PNG baking', () => {
  it('inserts one uncompressed iTXt "openbadgecredential" chunk right before IEND, with a correct CRC', async () => {
    const png = await defaultBadgePng()
    const baked = bakePng(png, credential)
    const chunks = readPngChunks(baked)
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'iTXt', 'IEND'])
    expect(chunks.every((c) => c.crcOk)).toBe(true)
    const itxt = chunks[2]!
    const header = new TextEncoder().encode(PNG_KEYWORD)
    expect([...itxt.data.subarray(0, header.length + 5)]).toEqual([...header, 0, 0, 0, 0, 0])
    const view = new DataView(baked.buffer, baked.byteOffset)
    expect(view.getUint32(itxt.offset + 8 + itxt.data.length)).toBe(
      crc32(new TextEncoder().encode('iTXt'), itxt.data),
    )
    expect(JSON.parse(unbakePng(baked)!)).toEqual(credential)
  })

  it('re-baking replaces the credential instead of adding a second chunk; JWT payloads too', async () => {
    const once = bakePng(await defaultBadgePng({ size: 64 }), credential)
    const twice = bakePng(once, JWT)
    expect(readPngChunks(twice).filter((c) => c.type === 'iTXt')).toHaveLength(1)
    expect(unbakePng(twice)).toBe(JWT)
    expect(parseBakedText(unbakePng(twice)!)).toMatchObject({ kind: 'jwt', jwt: JWT })
  })

  it('reads the 1EdTech baked fixtures (JSON and JWT)', () => {
    expect(parseBakedText(unbakePng(readSharedBytes('examples/validator/baked/simple-json.png'))!).kind).toBe(
      'json',
    )
    expect(parseBakedText(unbakePng(readSharedBytes('examples/validator/baked/simple-jwt.png'))!).kind).toBe(
      'jwt',
    )
  })

  it('reports a damaged credential chunk and refuses non-PNG input', async () => {
    const baked = bakePng(await defaultBadgePng({ size: 32 }), credential)
    const i = indexOf(baked, new TextEncoder().encode('Teamwork'))
    const damaged = baked.slice()
    damaged[i] = damaged[i]! ^ 0x20
    expect(() => unbakePng(damaged)).toThrow(/fails its CRC/)
    expect(() => unbakePng(new TextEncoder().encode('GIF89a...'))).toThrow(/Not a PNG/)
    expect(unbakePng(await defaultBadgePng({ size: 32 }))).toBeUndefined()
  })

  it('the default badge is a small valid PNG', async () => {
    const png = await defaultBadgePng()
    expect(png.length).toBeLessThan(20_000)
    const ihdr = readPngChunks(png)[0]!
    const v = new DataView(ihdr.data.buffer, ihdr.data.byteOffset)
    expect([v.getUint32(0), v.getUint32(4), ihdr.data[8], ihdr.data[9]]).toEqual([256, 256, 8, 6])
  })
})

describe('SVG baking', () => {
  const svg =
    '<?xml version="1.0"?>\n<!-- a <svg> in a comment -->\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>'

  it('adds the namespace and the element directly after the <svg> start tag; JSON in CDATA', () => {
    const baked = bakeSvg(svg, credential)
    expect(baked).toContain(
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" xmlns:openbadges="${SVG_NAMESPACE}"><openbadges:credential><![CDATA[`,
    )
    expect(baked.match(/<openbadges:credential/g)).toHaveLength(1)
    expect(JSON.parse(unbakeSvg(baked)!)).toEqual(credential) // "]]>" inside the JSON survived
  })

  it('puts a JWT in the verify attribute and replaces an earlier credential when re-baked', () => {
    const baked = bakeSvg(bakeSvg(svg, credential), JWT)
    expect(baked).toContain(`<openbadges:credential verify="${JWT}"></openbadges:credential>`)
    expect(baked.match(/openbadges:credential /g)).toHaveLength(1)
    expect(unbakeSvg(baked)).toBe(JWT)
  })

  it('reads the 1EdTech SVG fixture and SVGs that use another prefix for the OB namespace', () => {
    const fixture = unbakeSvg(readSharedText('examples/validator/baked/simple-jwt.svg'))
    expect(parseBakedText(fixture!).kind).toBe('jwt')
    const other = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="${SVG_NAMESPACE}"><ob:credential>{&quot;a&quot;:1}</ob:credential></svg>`
    expect(unbakeSvg(other)).toBe('{"a":1}')
    expect(unbakeSvg(svg)).toBeUndefined()
    expect(() => bakeSvg('<html></html>', credential)).toThrow(/Not an SVG/)
  })
})

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return i
  }
  throw new Error('not found')
}
