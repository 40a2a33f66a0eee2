import { describe, expect, it } from 'vitest'
import { fontkitFont, fontKey, type FaceStyle } from '../../src/core/pdf/fonts'
import type { Script } from '../../src/core/pdf/script-runs'
import { fontkitSubset, supportsFastSubset } from '../../src/core/pdf/ttf-subset'

/**
 * The fast subset must write exactly the bytes fontkit's own TTFSubset writes: same glyph order (components
 * of composites appended as met), same tables, same directory. Checked for every shipped face with glyph
 * sets drawn from its cmap (the characters certificates use, composites included) and random glyph ids.
 */

const STYLES: FaceStyle[] = ['serif', 'serif-bold', 'sans', 'sans-bold']
const SCRIPTS: Script[] = ['latin', 'arabic', 'hebrew', 'devanagari', 'ethiopic', 'han', 'hangul']
const FILES = [...new Set(STYLES.flatMap((s) => SCRIPTS.map((sc) => fontKey(s, sc).replace(/#bold$/, ''))))]

/** A small deterministic generator, so a failure can be reproduced. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0
    return s / 2 ** 32
  }
}

const SAMPLE_TEXT =
  'CERTIFICATE OF ACHIEVEMENT This is to certify that Zoë Ångström-Nuñez, Đặng Thị Ánh, Łukasz Żółć ' +
  'has successfully completed 0123456789 / % · — … فاطمة الزهراء שרה כהן शर्मा ሰላም 王小明 김민준'

describe('fast TrueType subset', () => {
  for (const file of FILES) {
    it(`writes fontkit's bytes for ${file}`, () => {
      const font = fontkitFont(file)
      expect(supportsFastSubset(font)).toBe(true)
      const next = random(file.length * 7919)
      const count = (font as unknown as { numGlyphs: number }).numGlyphs
      const sets: number[][] = [[], font.glyphsForString(SAMPLE_TEXT).map((g) => g.id)]
      for (let k = 0; k < 6; k++)
        sets.push(Array.from({ length: 5 + k * 40 }, () => Math.floor(next() * count)))
      for (const ids of sets) {
        const fast = font.createSubset() as unknown as ReturnType<typeof fontkitSubset>
        const reference = fontkitSubset(font)
        for (const id of ids) expect(fast.includeGlyph(id)).toBe(reference.includeGlyph(id))
        expect(Buffer.from(fast.encode()).equals(Buffer.from(reference.encode()))).toBe(true)
      }
    })
  }
})
