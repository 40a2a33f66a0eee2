import { z } from 'zod'

/** Shared field schemas. Strings are NFC-normalised and trimmed at the boundary. */

export const id = z.string().min(1, 'is required').max(200)
export const uuid = z.uuid({ message: 'must be a UUID' })

export const text = (max = 2000) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .transform((s) => s.normalize('NFC').trim())

export const requiredText = (max = 500) =>
  z
    .string()
    .transform((s) => s.normalize('NFC').trim())
    .pipe(z.string().min(1, 'is required').max(max, `must be at most ${max} characters`))

export const optionalText = (max = 2000) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .transform((s) => {
      const t = s.normalize('NFC').trim()
      return t === '' ? null : t
    })
    .nullish()
    .transform((v) => v ?? null)

export const email = z
  .email({ message: 'is not a valid email address' })
  .max(320)
  .nullish()
  .transform((v) => v ?? null)

export const url = z
  .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
  .nullish()
  .transform((v) => v ?? null)

/** YYYY-MM-DD */
export const isoDate = z.iso.date({ message: 'must be a date like 2026-03-14' })
export const isoDateTime = z.iso.datetime({ offset: true, message: 'must be an ISO date-time' })

/** Binary payloads cross every transport as base64 so JSON works everywhere. */
export const base64 = z.base64({ message: 'must be base64' })

export const imageFile = z.object({
  mediaType: z.enum(['image/png', 'image/jpeg', 'image/svg+xml'], {
    message: 'must be a PNG, JPEG or SVG image',
  }),
  dataBase64: base64,
})

export const page = z.object({
  limit: z.number().int().min(1).max(1000).default(50),
  offset: z.number().int().min(0).default(0),
})

export const empty = z.object({}).strict().default({})
