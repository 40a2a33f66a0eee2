import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** Thin wrappers over the Debian PDF tools (poppler-utils, qpdf, zbar-tools) that the PDF tests inspect with. */

const run = (cmd: string, args: string[]): string =>
  execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 })

let dir: string | undefined
/** Writes PDF bytes to a fresh temporary file and returns its path. */
export function writeTemp(bytes: Uint8Array, name: string): string {
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-pdf-'))
  const file = path.join(dir, name)
  fs.writeFileSync(file, bytes)
  return file
}

export const pdftotext = (file: string, page?: number, ...extra: string[]): string =>
  run('pdftotext', [...(page ? ['-f', String(page), '-l', String(page)] : []), ...extra, file, '-'])

/** pdfinfo's "Key: value" lines as a map; with `pages`, also "Page    n size" lines. */
export function pdfinfo(file: string, pages?: number): Map<string, string> {
  const out = run('pdfinfo', [...(pages ? ['-f', '1', '-l', String(pages)] : []), file])
  return new Map(
    out
      .split('\n')
      .filter((l) => l.includes(':'))
      .map((l) => [
        l.slice(0, l.indexOf(':')).replace(/\s+/g, ' ').trim(),
        l.slice(l.indexOf(':') + 1).trim(),
      ]),
  )
}

export interface FontRow {
  name: string
  type: string
  embedded: boolean
  subset: boolean
}

/** pdffonts' table. Column positions come from the dashed rule under the header. */
export function pdffonts(file: string): FontRow[] {
  const lines = run('pdffonts', [file]).split('\n')
  const rule = lines[1] ?? ''
  const cols: [number, number][] = []
  for (const m of rule.matchAll(/-+/g)) cols.push([m.index, m.index + m[0].length])
  const cell = (line: string, i: number) => line.slice(cols[i]![0], cols[i]![1] + 1).trim()
  return lines
    .slice(2)
    .filter((l) => l.trim())
    .map((l) => ({
      name: cell(l, 0),
      type: cell(l, 1),
      embedded: cell(l, 3) === 'yes',
      subset: cell(l, 4) === 'yes',
    }))
}

export function qpdfCheck(file: string): { status: number | null; output: string } {
  const r = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' })
  return { status: r.status, output: `${r.stdout}${r.stderr}` }
}

/** The document catalog as qpdf's JSON shows it (strings as "u:…", names as "/…"). */
export function catalog(file: string): Record<string, unknown> {
  const json = JSON.parse(run('qpdf', ['--json', file])) as {
    qpdf: [unknown, Record<string, { value: never }>]
  }
  const objects = json.qpdf[1]
  const root = (objects.trailer!.value as { '/Root': string })['/Root']
  return objects[`obj:${root}`]!.value
}

/** Renders one page to PNG at `dpi` and returns the PNG path. */
export function renderPng(file: string, page: number, dpi: number): string {
  const prefix = file.replace(/\.pdf$/, `-p${page}-${dpi}`)
  run('pdftoppm', [
    '-r',
    String(dpi),
    '-png',
    '-singlefile',
    '-f',
    String(page),
    '-l',
    String(page),
    file,
    prefix,
  ])
  return `${prefix}.png`
}

/** Renders page 1 to a JPEG no larger than `px` pixels and returns its path. */
export function renderJpeg(file: string, px: number): string {
  const prefix = file.replace(/\.pdf$/, '-thumb')
  run('pdftoppm', ['-jpeg', '-scale-to', String(px), '-singlefile', '-f', '1', '-l', '1', file, prefix])
  return `${prefix}.jpg`
}

/** Every QR code zbarimg finds in the image, decoded. */
export function decodeQr(png: string): string[] {
  const r = spawnSync('zbarimg', ['--nodbus', '--quiet', '--raw', png], { encoding: 'utf8' })
  return r.stdout.split('\n').filter((l) => l.length > 0)
}

export interface WordBox {
  text: string
  xMin: number
  yMin: number
  xMax: number
  yMax: number
}

/** Words with their boxes, from `pdftotext -bbox`. */
export function wordBoxes(file: string, page: number): WordBox[] {
  const html = pdftotext(file, page, '-bbox')
  const unescape = (s: string) =>
    s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&')
  return [
    ...html.matchAll(
      /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
    ),
  ].map((m) => ({ xMin: +m[1]!, yMin: +m[2]!, xMax: +m[3]!, yMax: +m[4]!, text: unescape(m[5]!) }))
}

/** Image XObjects listed by `pdfimages -list`: page and object number of each (soft masks left out). */
export function images(file: string): { page: number; object: number }[] {
  return run('pdfimages', ['-list', file])
    .split('\n')
    .slice(2)
    .map((l) => l.trim().split(/\s+/))
    .filter((cols) => cols[2] === 'image')
    .map((cols) => ({ page: Number(cols[0]), object: Number(cols[10]) }))
}
