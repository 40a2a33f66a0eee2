import PDFDocument from 'pdfkit'
import { describe, expect, it } from 'vitest'
import { logoSource, prepareLogo } from '../../src/core/pdf/logo-image'
import { DEFAULT_FONT_KEY, pdfFontSource } from '../../src/core/pdf/fonts'
import { makeLogoPng } from './fixtures'

/**
 * A logo prepared once per process must give the same PDF bytes as pdfkit decoding it in the document:
 * same image and soft-mask streams, dictionaries and object order. Two documents with a fixed creation
 * date are compared whole.
 */

type Doc = typeof PDFDocument

async function pdfWith(draw: (doc: Doc) => void, pages = 1): Promise<Buffer> {
  const doc: Doc = new PDFDocument({
    autoFirstPage: false,
    font: pdfFontSource(DEFAULT_FONT_KEY) as unknown as string,
    info: { CreationDate: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) },
  })
  const chunks: Buffer[] = []
  const done = new Promise<void>((resolve) => doc.on('end', resolve))
  doc.on('data', (c: Buffer) => chunks.push(c))
  for (let i = 0; i < pages; i++) {
    doc.addPage({ size: 'A4', layout: 'landscape', margin: 0 })
    draw(doc)
    doc.text(`page ${i + 1}`, 40, 300)
  }
  doc.end()
  await done
  return Buffer.concat(chunks)
}

const dataUrl = (png: Uint8Array): string => `data:image/png;base64,${Buffer.from(png).toString('base64')}`

describe('prepared logo', () => {
  for (const [what, png] of [
    ['an RGBA logo', makeLogoPng()],
    ['a small odd-sized one', makeLogoPng(37, 23)],
  ] as const) {
    it(`writes the bytes pdfkit writes for ${what}`, async () => {
      const url = dataUrl(png)
      const options = {
        fit: [160, 44] as [number, number],
        align: 'center' as const,
        valign: 'center' as const,
      }
      const own = await pdfWith((doc) => doc.image(url, 100, 40, options))
      await prepareLogo(url, png)
      const prepared = await pdfWith((doc) => {
        const source = logoSource(doc, url)
        expect(typeof source).toBe('object') // the prepared image, not the URL
        doc.image(source as PDFKit.Mixins.ImageSrc, 100, 40, options)
      })
      expect(prepared.equals(own)).toBe(true)
    })
  }

  it('embeds one image per document however many pages show it', async () => {
    const png = makeLogoPng(50, 30)
    const url = dataUrl(png)
    await prepareLogo(url, png)
    const pdf = await pdfWith((doc) => doc.image(logoSource(doc, url) as PDFKit.Mixins.ImageSrc, 10, 10), 3)
    const text = pdf.toString('latin1')
    expect(text.match(/\/Subtype \/Image/g) ?? []).toHaveLength(2) // the image and its soft mask
    // Every page's resources name the same image object.
    const refs = text.match(/\/I1 \d+ 0 R/g) ?? []
    expect(refs).toHaveLength(3)
    expect(new Set(refs).size).toBe(1)
  })

  it('leaves an image it cannot prepare to pdfkit', async () => {
    const notPng = new Uint8Array([1, 2, 3])
    await prepareLogo('data:image/png;base64,AQID', notPng)
    await pdfWith((doc) =>
      expect(logoSource(doc, 'data:image/png;base64,AQID')).toBe('data:image/png;base64,AQID'),
    )
  })
})
