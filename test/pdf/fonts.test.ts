import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type FaceStyle, fontKey, fontkitFont, pickFont } from '../../src/core/pdf/fonts'
import { analyse, type Script } from '../../src/core/pdf/script-runs'
import { resourcePath } from '../../src/core/node/resources'
import { NAMES, sampleCertificate } from './fixtures'

const STYLES: FaceStyle[] = ['serif', 'serif-bold', 'sans', 'sans-bold']
const SCRIPTS: Script[] = ['latin', 'arabic', 'hebrew', 'devanagari', 'ethiopic', 'han', 'hangul', 'other']
const fontsDir = resourcePath('fonts')
const shipped = fs.readdirSync(fontsDir).filter((f) => /\.(ttf|otf)$/.test(f))

describe('shipped fonts', () => {
  it('are all used, and every face the layout asks for is shipped', () => {
    const used = new Set(
      STYLES.flatMap((style) => SCRIPTS.map((script) => fontKey(style, script).replace(/#bold$/, ''))),
    )
    expect([...used].sort()).toEqual([...shipped].sort())
  })

  it('each name their source and licence in resources/fonts/README.md, which ships the licence texts', () => {
    const readme = fs.readFileSync(path.join(fontsDir, 'README.md'), 'utf8')
    for (const file of shipped) {
      const row = readme.split('\n').find((l) => l.includes(`\`${file}\``))
      expect(row, file).toBeDefined()
      expect(row, file).toMatch(/fonts-(noto-core|droid-fallback|nanum)/)
      expect(row, file).toMatch(/OFL-1\.1|Apache-2\.0/)
    }
    for (const ofl of ['OFL.txt', 'OFL-Nanum.txt']) {
      const text = fs.readFileSync(path.join(fontsDir, ofl), 'utf8')
      expect(text).toContain('SIL OPEN FONT LICENSE')
      expect(text).toContain('Version 1.1 - 26 February 2007')
    }
    expect(fs.readFileSync(path.join(fontsDir, 'LICENSE-Apache-2.0.txt'), 'utf8')).toContain('Apache License')
  })

  it('stay within the size budget for a committed repository (10 MiB)', () => {
    const total = shipped.reduce((sum, f) => sum + fs.statSync(path.join(fontsDir, f)).size, 0)
    expect(total).toBeLessThan(10 * 1024 * 1024)
  })

  it.each(Object.entries(NAMES))(
    '%s: every character of the name gets a face that has its glyph',
    (_script, name) => {
      for (const style of STYLES) {
        const p = analyse(name, (cp, script) => pickFont(style, cp, script))
        for (let i = 0; i < name.length; i++) {
          const cp = name.codePointAt(i)!
          if (cp >= 0xdc00 && cp <= 0xdfff) continue
          expect(fontkitFont(p.fonts[i]!).hasGlyphForCodePoint(cp), `${style} ${name[i]}`).toBe(true)
        }
      }
    },
  )

  it('falls back to another face for punctuation a script face lacks', () => {
    // Noto Sans Hebrew has no parentheses and Droid Sans Fallback no Latin digits.
    const hebrew = analyse('שרה (כהן)', (cp, s) => pickFont('sans', cp, s))
    expect(hebrew.fonts[4]).toBe(fontKey('sans', 'latin'))
    expect(hebrew.fonts[5]).toBe(fontKey('sans', 'hebrew'))
    const han = analyse('王小明 2', (cp, s) => pickFont('sans', cp, s))
    expect(han.fonts[4]).toBe(fontKey('sans', 'latin'))
  })
})

describe('font loading', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('reads each font file once per process, and not again for later documents', async () => {
    vi.resetModules()
    const read = vi.spyOn(fs, 'readFileSync')
    const { renderCertificates } = await import('../../src/core/pdf/certificate')
    const fontReads = () => read.mock.calls.map(([p]) => String(p)).filter((p) => p.startsWith(fontsDir))
    const everyScript = Object.values(NAMES).map((learnerName) => sampleCertificate({ learnerName }, 4))

    await renderCertificates(everyScript)
    const first = fontReads()
    expect(first.length).toBeGreaterThanOrEqual(8)
    expect(new Set(first).size).toBe(first.length)

    read.mockClear()
    await renderCertificates(everyScript)
    await renderCertificates([sampleCertificate({ learnerName: NAMES.korean })])
    expect(fontReads()).toEqual([])
  })
})
