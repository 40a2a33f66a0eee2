import { EventEmitter } from 'node:events'
import type { InvokeEventLike, IpcMainLike } from '../../src/main/ipc'
import type { IpcRendererLike } from '../../src/preload/bridge'

/**
 * A stand-in for Electron's ipcMain/ipcRenderer pair, in process. Like Electron, a call to a channel
 * without a handler fails, and every argument and result is copied with the structured-clone
 * algorithm (what Electron's IPC serialization uses), so nothing passes by reference.
 */
export interface FakeIpc {
  ipcMain: IpcMainLike
  ipcRenderer: IpcRendererLike
  channels(): string[]
  /** The frame the next calls come from (default: the app's top-level page). */
  sender: { url: string; parent: unknown } | null
  /** Every message main sent to the page: [channel, payload]. */
  sent: [string, unknown][]
}

export const APP_FRAME = { url: 'app://tessera/index.html', parent: null }

export function fakeIpc(): FakeIpc {
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>()
  const page = new EventEmitter()
  const fake: FakeIpc = {
    sender: APP_FRAME,
    sent: [],
    channels: () => [...handlers.keys()],
    ipcMain: {
      handle(channel, listener) {
        if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
        handlers.set(channel, listener)
      },
      removeHandler(channel) {
        handlers.delete(channel)
      },
    },
    ipcRenderer: {
      async invoke(channel, ...args) {
        const handler = handlers.get(channel)
        if (!handler)
          throw new Error(
            `Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`,
          )
        const event: InvokeEventLike = {
          senderFrame: fake.sender,
          sender: {
            send(ch, ...payload) {
              const copy = structuredClone(payload)
              fake.sent.push([ch, copy[0]])
              page.emit(ch, {}, ...copy)
            },
          },
        }
        return structuredClone(await handler(event, ...structuredClone(args)))
      },
      on(channel, listener) {
        page.on(channel, listener)
        return this
      },
      removeListener(channel, listener) {
        page.removeListener(channel, listener)
        return this
      },
    },
  }
  return fake
}
