import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { TesseraError } from '../../contract/errors'
import { SYNC_UI_MAX_BYTES, type syncBytesOps } from '../../contract/ops/sync-bytes'
import type { ServiceContext } from './context'
import type { FeatureHandlers } from './handlers'
import { syncHandlers } from './sync'

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`

function tooLargeForApp(bytes: number, what: 'export' | 'import'): TesseraError {
  return new TesseraError(
    'validation',
    `This bundle is ${mb(bytes)}, larger than the ${mb(SYNC_UI_MAX_BYTES)} the app can carry. ` +
      (what === 'export'
        ? 'Export without evidence (photos stay on this device as hashes), or use the command line: tessera export --out FILE.'
        : 'Import it with the command line on this computer: tessera import FILE --receipt RECEIPT.'),
    { details: { bytes, limit: SYNC_UI_MAX_BYTES } },
  )
}

/**
 * A private folder for one call's file, removed afterwards whatever happens. The file services stay
 * the one implementation of verification and writing; these ops only move bytes in and out.
 */
async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-sync-ui-')) // mode 0700
  try {
    return await body(dir)
  } catch (e) {
    throw withoutTempPaths(e, dir)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** Messages of the file services name the file; here that is a temporary path the person never saw. */
function withoutTempPaths(e: unknown, dir: string): unknown {
  if (!(e instanceof TesseraError) || !e.message.includes(dir)) return e
  const message = e.message.replace(
    new RegExp(`${escapeRegExp(dir)}[/\\\\][\\w.-]+`, 'g'),
    (_m, at: number) => (at === 0 ? 'The file' : 'the file'),
  )
  return new TesseraError(e.code, message, {
    ...(e.issues ? { issues: e.issues } : {}),
    ...(e.details ? { details: e.details } : {}),
  })
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function decode(dataBase64: string, what: 'export' | 'import'): Buffer {
  const bytes = Buffer.from(dataBase64, 'base64')
  if (bytes.length === 0) throw new TesseraError('validation', 'The file is empty')
  if (bytes.length > SYNC_UI_MAX_BYTES) throw tooLargeForApp(bytes.length, what)
  return bytes
}

const day = (iso: string) => iso.slice(0, 10)
const shortId = (id: string) => id.replace(/-/g, '').slice(-8)

export function syncBytesHandlers(ctx: ServiceContext): FeatureHandlers<typeof syncBytesOps> {
  const sync = syncHandlers(ctx)
  const today = () => day(ctx.now().toISOString())

  return {
    'sync.exportBytes': (input, call) =>
      withTempDir(async (dir) => {
        const outFile = path.join(dir, 'bundle')
        const { file: _file, ...summary } = await sync['sync.export']({ ...input, outFile }, call)
        if (summary.bytes > SYNC_UI_MAX_BYTES) throw tooLargeForApp(summary.bytes, 'export')
        const kind = summary.type === 'hub-update' ? 'update' : 'export'
        return {
          ...summary,
          file: {
            fileName: `tessera-${kind}-${today()}-${shortId(summary.bundleId)}.bundle`,
            dataBase64: fs.readFileSync(outFile).toString('base64'),
          },
        }
      }),

    'sync.importBytes': ({ dataBase64, trustDevice }, call) =>
      withTempDir(async (dir) => {
        const file = path.join(dir, 'bundle')
        const receiptFile = path.join(dir, 'receipt')
        fs.writeFileSync(file, decode(dataBase64, 'import'), { mode: 0o600 })
        const { receiptFile: written, ...report } = await sync['sync.import'](
          { file, receiptFile, trustDevice },
          call,
        )
        return {
          ...report,
          receipt: written
            ? {
                fileName: `tessera-receipt-${today()}-${shortId(report.bundleId)}.receipt`,
                dataBase64: fs.readFileSync(written).toString('base64'),
              }
            : null,
        }
      }),

    'sync.importReceiptBytes': ({ dataBase64 }, call) =>
      withTempDir(async (dir) => {
        const file = path.join(dir, 'receipt')
        fs.writeFileSync(file, decode(dataBase64, 'import'), { mode: 0o600 })
        return sync['sync.importReceipt']({ file }, call)
      }),

    'sync.hubEnrollBytes': ({ name }, call) =>
      withTempDir(async (dir) => {
        const outFile = path.join(dir, 'enrollment')
        const { file: _file, ...summary } = await sync['sync.hubEnrollFile']({ outFile, name }, call)
        return {
          ...summary,
          file: {
            fileName: `tessera-hub-enrollment-${today()}.bundle`,
            dataBase64: fs.readFileSync(outFile).toString('base64'),
          },
        }
      }),

    'sync.hubJoinBytes': ({ dataBase64, name }, call) =>
      withTempDir(async (dir) => {
        const file = path.join(dir, 'enrollment')
        fs.writeFileSync(file, decode(dataBase64, 'import'), { mode: 0o600 })
        return sync['sync.hubJoin']({ file, name }, call)
      }),
  }
}
