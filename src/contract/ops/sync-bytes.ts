import { z } from 'zod'
import { defineOps } from '../define'
import { base64, optionalText } from '../schemas/common'
import { SYNC_UI_MAX_BYTES } from '../sync-limits'
import { syncOps } from './sync'

/**
 * The sync ops for a UI whose files are on the person's side (a browser talking to `tessera serve`,
 * or the desktop window): bundles, receipts and enrollment files travel as base64 bytes instead of
 * paths the core process reads and writes. They run the same services as the file ops.
 */

export { SYNC_UI_MAX_BYTES }

const fileBytes = z.object({
  /** A name to suggest when the person saves it. */
  fileName: z.string(),
  dataBase64: z.string(),
})
export type SyncFileBytes = z.output<typeof fileBytes>

const bundleIn = base64.max(Math.ceil(SYNC_UI_MAX_BYTES / 3) * 4 + 4, 'is larger than the app can carry')

export const syncBytesOps = defineOps({
  'sync.exportBytes': {
    summary:
      'sync.export for the UI: the signed (and, once paired, encrypted) bundle comes back as bytes to save',
    progress: true,
    input: syncOps['sync.export'].input.omit({ outFile: true }),
    output: syncOps['sync.export'].output.omit({ file: true }).extend({ file: fileBytes }),
  },
  'sync.importBytes': {
    summary: 'sync.import for the UI: a bundle as bytes; at a hub the signed receipt comes back as bytes',
    progress: true,
    input: z.object({
      dataBase64: bundleIn,
      trustDevice: z.boolean().default(false),
    }),
    output: syncOps['sync.import'].output
      .omit({ receiptFile: true })
      .extend({ receipt: fileBytes.nullable() }),
  },
  'sync.importReceiptBytes': {
    summary: 'sync.importReceipt for the UI: a receipt signed by the hub, as bytes',
    input: z.object({ dataBase64: base64.max(Math.ceil(SYNC_UI_MAX_BYTES / 3) * 4 + 4) }),
    output: syncOps['sync.importReceipt'].output,
  },
  'sync.hubEnrollBytes': {
    summary: 'sync.hubEnrollFile for the UI: make this installation the hub; the enrollment file as bytes',
    input: z.object({ name: optionalText(200) }).default({ name: null }),
    output: syncOps['sync.hubEnrollFile'].output.omit({ file: true }).extend({ file: fileBytes }),
  },
  'sync.hubJoinBytes': {
    summary:
      'sync.hubJoin for the UI: pair this field device with the hub of an enrollment file given as bytes',
    input: z.object({ dataBase64: bundleIn, name: optionalText(200) }),
    output: syncOps['sync.hubJoin'].output,
  },
})
