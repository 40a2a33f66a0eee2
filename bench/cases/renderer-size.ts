import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import type { BenchCase } from './context'
import { buildRenderer } from './renderer-build'

/**
 * All renderer JavaScript a user's machine receives (every chunk, lazily loaded ones included),
 * gzipped as a web server would send it. Also the part needed for the first screen: the entry
 * script and the chunks index.html preloads.
 */
export const rendererSizeCase: BenchCase = {
  id: 'renderer-size',
  async run(ctx) {
    const dir = await buildRenderer(path.join(ctx.workDir, 'renderer'))
    const files: { file: string; raw: number; gz: number }[] = []
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name)
        if (e.isDirectory()) walk(p)
        else if (/\.(m?js)$/.test(e.name)) {
          const bytes = fs.readFileSync(p)
          files.push({
            file: path.relative(dir, p),
            raw: bytes.length,
            gz: zlib.gzipSync(bytes, { level: 9 }).length,
          })
        }
      }
    }
    walk(dir)
    const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8')
    const initialNames = [...html.matchAll(/(?:src|href)="\/?([^"]+\.m?js)"/g)].map((m) => m[1]!)
    const initial = files.filter((f) => initialNames.includes(f.file))
    const totalGz = files.reduce((s, f) => s + f.gz, 0) / 1024
    const largest = [...files].sort((a, b) => b.gz - a.gz)[0]
    return [
      {
        id: 'renderer-size',
        name: 'renderer JavaScript shipped (gzip)',
        unit: 'KB_gzip',
        target: '< 600 KB gzipped',
        value: totalGz,
        met: totalGz < 600,
        params: { files: files.length },
        extra: {
          'raw KB': files.reduce((s, f) => s + f.raw, 0) / 1024,
          'first screen KB gzip': initial.reduce((s, f) => s + f.gz, 0) / 1024,
          'largest chunk': `${largest?.file ?? '-'} (${((largest?.gz ?? 0) / 1024).toFixed(1)} KB gzip)`,
        },
      },
    ]
  },
}
