/**
 * Baked badges (OB 3.0 "Baked Badge", ob3.md §5): the credential carried inside its own image.
 *
 * - PNG: one `iTXt` chunk, keyword `openbadgecredential`, compression flag 0 (compression is not
 *   allowed), empty language tag and translated keyword, UTF-8 text; inserted right before IEND.
 *   Re-baking replaces the chunk, because it must not appear twice.
 * - SVG: `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"` on the root and one
 *   `<openbadges:credential>` directly after the `<svg>` start tag: a VC-JWT goes in its `verify`
 *   attribute, a JSON credential in a CDATA body.
 *
 * The text is the credential JSON (embedded proof) or a compact JWS (VC-JWT); `parseBakedText`
 * tells them apart. Not OB 2.0 (`openbadges` keyword, `<openbadges:assertion>`).
 *
 * Isomorphic (Uint8Array / string only).
 */
import { TesseraError } from '../../contract/errors'
import { concatBytes } from '../domain/bytes'
import { pngChunk, readPngChunks } from './png'

export const PNG_KEYWORD = 'openbadgecredential'
export const SVG_NAMESPACE = 'https://purl.imsglobal.org/ob/v3p0'

export type BakeablePayload = string | object

export type BakedPayload =
  | { kind: 'json'; credential: Record<string, unknown>; text: string }
  | { kind: 'jwt'; jwt: string; text: string }

const JWS_RE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/

/** A credential object or JSON text is baked as JSON; a compact JWS string as-is. */
function payloadText(payload: BakeablePayload): string {
  if (typeof payload !== 'string') return JSON.stringify(payload)
  const t = payload.trim()
  if (JWS_RE.test(t)) return t
  parseBakedText(t) // throws when it is neither JSON nor a JWS
  return t
}

/** Classifies baked text: a JSON credential or a compact JWS (VC-JWT). */
export function parseBakedText(text: string): BakedPayload {
  const t = text.trim()
  if (JWS_RE.test(t)) return { kind: 'jwt', jwt: t, text: t }
  let value: unknown
  try {
    value = JSON.parse(t)
  } catch {
    throw new TesseraError('validation', 'The baked data is neither a JSON credential nor a compact JWS')
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new TesseraError('validation', 'The baked JSON is not a credential object')
  }
  return { kind: 'json', credential: value as Record<string, unknown>, text: t }
}

// ---------------------------------------------------------------- PNG

/** Returns a copy of `png` with the credential baked in (any earlier baked credential is replaced). */
export function bakePng(png: Uint8Array, payload: BakeablePayload): Uint8Array {
  const chunks = readPngChunks(png)
  const text = new TextEncoder().encode(payloadText(payload))
  const keyword = new TextEncoder().encode(PNG_KEYWORD)
  // keyword \0, compression flag 0, method 0, language tag "" \0, translated keyword "" \0, text
  const data = concatBytes([keyword, new Uint8Array([0, 0, 0, 0, 0]), text])
  const parts: Uint8Array[] = [png.subarray(0, 8)]
  for (const c of chunks) {
    if (c.type === 'iTXt' && itxtKeyword(c.data) === PNG_KEYWORD) continue
    if (c.type === 'IEND') parts.push(pngChunk('iTXt', data))
    parts.push(png.subarray(c.offset, c.offset + 12 + c.data.length))
  }
  return concatBytes(parts)
}

/**
 * The baked text of a PNG, or undefined when it carries none. Throws `check_failed` when the
 * credential chunk is corrupted (CRC mismatch: the bytes were altered after baking) or compressed.
 */
export function unbakePng(png: Uint8Array): string | undefined {
  for (const c of readPngChunks(png)) {
    if (c.type !== 'iTXt' || itxtKeyword(c.data) !== PNG_KEYWORD) continue
    if (!c.crcOk) {
      throw new TesseraError(
        'check_failed',
        `The baked credential chunk (iTXt at byte ${c.offset}) fails its CRC: the image was altered or damaged`,
      )
    }
    const d = c.data
    let pos = PNG_KEYWORD.length + 1
    const compressed = d[pos]
    if (compressed !== 0)
      throw new TesseraError(
        'check_failed',
        'The baked credential chunk is compressed, which OB 3.0 does not allow',
      )
    pos += 2
    const langEnd = d.indexOf(0, pos)
    const transEnd = langEnd < 0 ? -1 : d.indexOf(0, langEnd + 1)
    if (transEnd < 0)
      throw new TesseraError('check_failed', 'The baked credential chunk is malformed (iTXt header)')
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(d.subarray(transEnd + 1))
    } catch {
      throw new TesseraError('check_failed', 'The baked credential chunk is not valid UTF-8')
    }
  }
  return undefined
}

function itxtKeyword(data: Uint8Array): string | undefined {
  const end = data.indexOf(0)
  return end <= 0 || end > 79 ? undefined : String.fromCharCode(...data.subarray(0, end))
}

// ---------------------------------------------------------------- SVG

/** Returns the SVG text with the credential baked in after the `<svg>` start tag (replacing an earlier one). */
export function bakeSvg(svg: string, payload: BakeablePayload): string {
  const text = payloadText(payload)
  const cleaned = removeSvgCredential(svg)
  const root = findSvgStartTag(cleaned)
  if (!root) throw new TesseraError('validation', 'Not an SVG document: no <svg> element')
  let startTag = cleaned.slice(root.start, root.end)
  const prefix = namespacePrefix(startTag)
  let p = prefix ?? 'openbadges'
  if (!prefix) {
    if (/\sxmlns:openbadges\s*=/.test(startTag)) p = 'tesseraob' // 'openbadges' bound to another namespace (e.g. OB 2.0)
    const close = startTag.endsWith('/>') ? startTag.length - 2 : startTag.length - 1
    startTag = `${startTag.slice(0, close)} xmlns:${p}="${SVG_NAMESPACE}"${startTag.slice(close)}`
  }
  const element = JWS_RE.test(text)
    ? `<${p}:credential verify="${text}"></${p}:credential>`
    : `<${p}:credential><![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]></${p}:credential>`
  if (startTag.endsWith('/>')) {
    // An empty <svg/>: open it so the credential can be its first child.
    return `${cleaned.slice(0, root.start)}${startTag.slice(0, -2)}>${element}</svg>${cleaned.slice(root.end)}`
  }
  return `${cleaned.slice(0, root.start)}${startTag}${element}${cleaned.slice(root.end)}`
}

/** The baked text of an SVG (JWT from `verify`, or the element's text/CDATA), or undefined. */
export function unbakeSvg(svg: string): string | undefined {
  const root = findSvgStartTag(svg)
  if (!root) throw new TesseraError('validation', 'Not an SVG document: no <svg> element')
  const prefix = namespacePrefix(svg.slice(root.start, root.end))
  if (!prefix) return undefined
  const el = findCredentialElement(svg, prefix)
  if (!el) return undefined
  const verify = /\sverify\s*=\s*("([^"]*)"|'([^']*)')/.exec(el.startTag)
  if (verify) return decodeXmlText(verify[2] ?? verify[3] ?? '').trim()
  return decodeXmlContent(el.body).trim()
}

function namespacePrefix(startTag: string): string | undefined {
  const re = /\sxmlns:([A-Za-z_][\w.-]*)\s*=\s*("([^"]*)"|'([^']*)')/g
  for (const m of startTag.matchAll(re)) if ((m[3] ?? m[4]) === SVG_NAMESPACE) return m[1]
  return undefined
}

/** Locates the root `<svg …>` start tag, skipping the prolog (declaration, comments, DOCTYPE). */
function findSvgStartTag(svg: string): { start: number; end: number } | undefined {
  let pos = 0
  while (pos < svg.length) {
    const lt = svg.indexOf('<', pos)
    if (lt < 0) return undefined
    if (svg.startsWith('<!--', lt)) {
      const end = svg.indexOf('-->', lt + 4)
      if (end < 0) return undefined
      pos = end + 3
    } else if (svg.startsWith('<?', lt)) {
      const end = svg.indexOf('?>', lt + 2)
      if (end < 0) return undefined
      pos = end + 2
    } else if (svg.startsWith('<!', lt)) {
      pos = skipDeclaration(svg, lt)
    } else if (/^<(?:[\w.-]+:)?svg[\s/>]/.test(svg.slice(lt, lt + 64))) {
      const end = endOfTag(svg, lt)
      return end < 0 ? undefined : { start: lt, end }
    } else {
      return undefined
    }
  }
  return undefined
}

// DOCTYPE may hold an internal subset in brackets.
function skipDeclaration(svg: string, lt: number): number {
  let depth = 0
  for (let i = lt + 2; i < svg.length; i++) {
    const ch = svg[i]
    if (ch === '[') depth++
    else if (ch === ']') depth--
    else if (ch === '>' && depth <= 0) return i + 1
  }
  return svg.length
}

/** Index just after the `>` closing the tag that starts at `lt`, honouring quoted attribute values. */
function endOfTag(s: string, lt: number): number {
  let quote: string | undefined
  for (let i = lt + 1; i < s.length; i++) {
    const ch = s[i]
    if (quote) {
      if (ch === quote) quote = undefined
    } else if (ch === '"' || ch === "'") quote = ch
    else if (ch === '>') return i + 1
  }
  return -1
}

function findCredentialElement(
  svg: string,
  prefix: string,
): { start: number; end: number; startTag: string; body: string } | undefined {
  const open = new RegExp(`<${prefix.replace(/[.-]/g, '\\$&')}:credential[\\s/>]`, 'g')
  const m = open.exec(svg)
  if (!m) return undefined
  const tagEnd = endOfTag(svg, m.index)
  if (tagEnd < 0) return undefined
  const startTag = svg.slice(m.index, tagEnd)
  if (startTag.endsWith('/>')) return { start: m.index, end: tagEnd, startTag, body: '' }
  const closeTag = `</${prefix}:credential>`
  // The body may hold CDATA containing anything except "]]>", so skip CDATA while looking for the close tag.
  let pos = tagEnd
  while (pos < svg.length) {
    const cdata = svg.indexOf('<![CDATA[', pos)
    const close = svg.indexOf(closeTag, pos)
    if (close < 0) return undefined
    if (cdata >= 0 && cdata < close) {
      const cend = svg.indexOf(']]>', cdata + 9)
      if (cend < 0) return undefined
      pos = cend + 3
      continue
    }
    return { start: m.index, end: close + closeTag.length, startTag, body: svg.slice(tagEnd, close) }
  }
  return undefined
}

function removeSvgCredential(svg: string): string {
  const root = findSvgStartTag(svg)
  if (!root) return svg
  const prefix = namespacePrefix(svg.slice(root.start, root.end))
  if (!prefix) return svg
  let out = svg
  for (let el = findCredentialElement(out, prefix); el; el = findCredentialElement(out, prefix)) {
    out = out.slice(0, el.start) + out.slice(el.end)
  }
  return out
}

/** Element content: CDATA sections verbatim, text with entities decoded. */
function decodeXmlContent(body: string): string {
  let out = ''
  let pos = 0
  while (pos < body.length) {
    const cdata = body.indexOf('<![CDATA[', pos)
    if (cdata < 0) {
      out += decodeXmlText(body.slice(pos))
      break
    }
    out += decodeXmlText(body.slice(pos, cdata))
    const end = body.indexOf(']]>', cdata + 9)
    if (end < 0)
      throw new TesseraError('check_failed', 'The baked SVG credential has an unterminated CDATA section')
    out += body.slice(cdata + 9, end)
    pos = end + 3
  }
  return out
}

function decodeXmlText(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16))
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10))
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[e] ?? ''
  })
}
