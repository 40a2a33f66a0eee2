/**
 * png-js 2 (pdfkit's PNG decoder, installed with pdfkit), the members logo-image.ts uses. It ships no types.
 */
declare module 'png-js' {
  export default class PNG {
    constructor(data: Uint8Array)
    width: number
    height: number
    bits: number
    colors: number
    colorSpace: string
    hasAlphaChannel: boolean
    interlaceMethod: number
    palette: number[]
    transparency: { grayscale?: number; rgb?: number[]; indexed?: number[] }
    decodePixels(fn: (pixels: Uint8Array) => void): void
  }
}
