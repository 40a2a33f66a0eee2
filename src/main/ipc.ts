import { IPC_PROGRESS_CHANNEL, ipcChannelFor, type ProgressMessage } from '../contract/bridge'
import type { Result } from '../contract/errors'
import { opNames } from '../contract/ops'
import type { ProgressEvent } from '../contract/progress'
import { isAppUrl } from './app-url'

/** The parts of an `IpcMainInvokeEvent` the handlers use, so tests can pass plain objects. */
export interface InvokeEventLike {
  senderFrame: { url: string; parent: unknown } | null
  sender: { send(channel: string, ...args: unknown[]): void; isDestroyed?(): boolean }
}

/** The part of `ipcMain` used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void
  removeHandler(channel: string): void
}

export interface DispatchLike {
  dispatch(
    op: string,
    input: unknown,
    call?: { progress?: (e: ProgressEvent) => void },
  ): Promise<Result<unknown>>
}

export type SenderValidator = (event: InvokeEventLike) => boolean

/**
 * Checklist item 17: only the app's own top-level page may call the services — not an iframe, not
 * a page that somehow navigated elsewhere (VS Code's `validateEvent`).
 */
export function createSenderValidator(devServerUrl?: string): SenderValidator {
  return (event) => {
    const frame = event.senderFrame
    return frame !== null && frame.parent === null && isAppUrl(frame.url, devServerUrl)
  }
}

const forbiddenSender: Result<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'This call did not come from the Tessera window and was refused' },
}

const validCallId = (v: unknown): string | null =>
  typeof v === 'string' && v.length > 0 && v.length <= 64 ? v : null

/**
 * One `ipcMain.handle` per contract op on channel `tessera:<op>`. Each checks the sender, then hands
 * the raw input to `dispatch`, which validates it with the op's schema (main is the trust boundary)
 * and returns a `Result`, so typed errors cross IPC as data. Progress goes back to the calling page
 * only. Returns a function that removes the handlers.
 */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  tessera: DispatchLike,
  validateSender: SenderValidator,
): () => void {
  const channels = opNames.map((op) => {
    const channel = ipcChannelFor(op)
    ipcMain.handle(channel, async (event, input, rawCallId) => {
      if (!validateSender(event)) return forbiddenSender
      const callId = validCallId(rawCallId)
      const progress = (e: ProgressEvent): void => {
        if (event.sender.isDestroyed?.()) return
        const message: ProgressMessage = { op, callId, event: e }
        event.sender.send(IPC_PROGRESS_CHANNEL, message)
      }
      return tessera.dispatch(op, input, { progress })
    })
    return channel
  })
  return () => channels.forEach((c) => ipcMain.removeHandler(c))
}
