import {
  IPC_PROGRESS_CHANNEL,
  ipcChannelFor,
  unknownOperation,
  type ProgressMessage,
  type TesseraBridge,
} from '../contract/bridge'
import type { Result } from '../contract/errors'

/** The part of `ipcRenderer` the bridge uses (a fake in tests). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
}

const OP_NAMES_ARG = '--tessera-ops='

/** The op list the main process passed in `webPreferences.additionalArguments` (see src/main/window.ts). */
export function opNamesFromArgv(argv: readonly string[]): string[] {
  const arg = argv.find((a) => a.startsWith(OP_NAMES_ARG))
  return arg ? arg.slice(OP_NAMES_ARG.length).split(',').filter(Boolean) : []
}

/**
 * Builds `window.tessera`: `invoke` only for ops of the contract, each on its own `tessera:<op>`
 * channel (VS Code's `validateIPC`), and `onProgress`. No raw ipcRenderer, no other channel, no
 * Node: the page gets two functions and plain data. Input is not validated here — the main process
 * does that, because it is the trust boundary and this file must stay dependency-free.
 */
export function createBridge(ipc: IpcRendererLike, allowedOps: readonly string[]): TesseraBridge {
  const allowed = new Set(allowedOps)
  return {
    invoke(op, input, callId) {
      if (typeof op !== 'string' || !allowed.has(op)) return Promise.resolve(unknownOperation(String(op)))
      const args: unknown[] = typeof callId === 'string' ? [input, callId] : [input]
      return ipc.invoke(ipcChannelFor(op), ...args) as Promise<Result<unknown>>
    },
    onProgress(listener) {
      if (typeof listener !== 'function') throw new TypeError('onProgress needs a function')
      const wrapped = (_event: unknown, message: unknown): void => listener(message as ProgressMessage)
      ipc.on(IPC_PROGRESS_CHANNEL, wrapped)
      return () => {
        ipc.removeListener(IPC_PROGRESS_CHANNEL, wrapped)
      }
    },
  }
}
