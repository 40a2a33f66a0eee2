import zlib from 'node:zlib'
import PNG from 'png-js'
import type PDFDocument from 'pdfkit'

/**
 * The organization's logo, prepared once per process instead of once per certificate.
 *
 * Why: for a PNG with an alpha channel (the usual logo) pdfkit inflates the image, splits colour from
 * alpha and deflates both again in every document: a zlib round trip on the thread pool and some 2 ms of
 * deflate for each certificate of a batch, for the same bytes every time. Here that work is done once
 * (with pdfkit's own decoder, split loop and `zlib.deflateSync` defaults, so the streams are the same
 * bytes) and each document gets an image object that embeds the prepared streams exactly as pdfkit's
 * PNGImage would: same dictionaries, same key order, the soft mask written after the page, as pdfkit's
 * asynchronous decode callback does. Any other image (JPEG, palette, transparency chunk, interlaced, or
 * not yet prepared) goes through pdfkit unchanged.
 */

/** @types/pdfkit's default export is typed as the document instance. */
type Doc = typeof PDFDocument

interface PreparedPng {
  width: number
  height: number
  colorSpace: string
  imgData: Uint8Array
  alpha: Uint8Array
}

/** What pdfkit's `image()` needs of an image object (its PNGImage/JPEG classes have the same members). */
interface PdfImage {
  width: number
  height: number
  label: string
  obj: PdfRef | null
  embed(doc: Doc): void
}

interface PdfRef {
  data: Record<string, unknown>
  end(chunk?: Uint8Array): void
}

interface DocInternals {
  _imageCount: number
  ref(data?: Record<string, unknown>): PdfRef
}

// By data URL: the decode in progress, and its result once settled (null: left to pdfkit).
const preparing = new Map<string, Promise<unknown>>()
const prepared = new Map<string, PreparedPng | null>()
const PREPARED_LIMIT = 4

/** Decodes and splits a PNG logo once (keyed by its data URL); resolves when it can be drawn from the cache. */
export function prepareLogo(url: string, data: Uint8Array): Promise<unknown> {
  let p = preparing.get(url)
  if (!p) {
    p = preparePng(data)
      .catch(() => null)
      .then((png) => {
        prepared.set(url, png)
        if (prepared.size > PREPARED_LIMIT) prepared.delete(prepared.keys().next().value!)
      })
    preparing.set(url, p)
    if (preparing.size > PREPARED_LIMIT) preparing.delete(preparing.keys().next().value!)
  }
  return p
}

async function preparePng(data: Uint8Array): Promise<PreparedPng | null> {
  const image = new PNG(data)
  const plainAlpha =
    image.hasAlphaChannel &&
    image.interlaceMethod !== 1 &&
    image.palette.length === 0 &&
    image.transparency.grayscale == null &&
    !image.transparency.rgb &&
    !image.transparency.indexed
  if (!plainAlpha) return null
  return new Promise<PreparedPng | null>((resolve, reject) => {
    try {
      image.decodePixels((pixels: Uint8Array) => {
        // pdfkit's PNGImage.splitAlphaChannel, unchanged.
        const colorCount = image.colors
        const pixelCount = image.width * image.height
        const imgData = new Uint8Array(pixelCount * colorCount)
        const alphaChannel = new Uint8Array(pixelCount)
        const skip = image.bits === 16 ? 1 : 0
        let i = 0
        let p = 0
        let a = 0
        while (i < pixels.length) {
          for (let c = 0; c < colorCount; c++) {
            imgData[p++] = pixels[i++]!
            i += skip
          }
          alphaChannel[a++] = pixels[i++]!
          i += skip
        }
        resolve({
          width: image.width,
          height: image.height,
          colorSpace: image.colorSpace,
          imgData: zlib.deflateSync(imgData),
          alpha: zlib.deflateSync(alphaChannel),
        })
      })
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)))
    }
  })
}

const perDocument = new WeakMap<Doc, Map<string, PdfImage>>()

/**
 * What to hand `doc.image()` for a logo: the prepared image (one object per document, so a cohort embeds
 * the logo once) or, when it is not prepared, the data URL for pdfkit to decode itself.
 */
export function logoSource(doc: Doc, url: string): PdfImage | string {
  let images = perDocument.get(doc)
  const existing = images?.get(url)
  if (existing) return existing
  const png = prepared.get(url)
  if (!png) return url
  const internals = doc as unknown as DocInternals
  const image: PdfImage = {
    width: png.width,
    height: png.height,
    // pdfkit labels an image when it first opens it in a document.
    label: `I${++internals._imageCount}`,
    obj: null,
    embed(target: Doc) {
      if (this.obj) return
      const d = target as unknown as DocInternals
      const obj = d.ref({
        Type: 'XObject',
        Subtype: 'Image',
        BitsPerComponent: 8,
        Width: png.width,
        Height: png.height,
        Filter: 'FlateDecode',
      })
      obj.data.ColorSpace = png.colorSpace
      this.obj = obj
      // pdfkit finishes an alpha PNG in its decode callback, after the current drawing (and doc.end()).
      setImmediate(() => {
        const sMask = d.ref({
          Type: 'XObject',
          Subtype: 'Image',
          Height: png.height,
          Width: png.width,
          BitsPerComponent: 8,
          Filter: 'FlateDecode',
          ColorSpace: 'DeviceGray',
          Decode: [0, 1],
        })
        sMask.end(png.alpha)
        obj.data.SMask = sMask
        obj.end(png.imgData)
      })
    },
  }
  if (!images) {
    images = new Map()
    perDocument.set(doc, images)
  }
  images.set(url, image)
  return image
}
