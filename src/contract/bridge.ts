import type { Result } from './errors'
import type { ProgressEvent } from './progress'

/**
 * What the Electron preload exposes to the page as `window.tessera`, and nothing more: no raw
 * ipcRenderer, no Node. The main process validates the sender and the input of every call.
 */
export interface TesseraBridge {
  /**
   * Runs an op in the main process. `callId` (any short string the caller picks) is echoed on the
   * progress messages of this call so a caller can tell concurrent calls apart.
   */
  invoke(op: string, input: unknown, callId?: string): Promise<Result<unknown>>
  /** Subscribes to progress of long operations; returns the unsubscribe function. */
  onProgress(listener: (message: ProgressMessage) => void): () => void
}

export interface ProgressMessage {
  op: string
  callId: string | null
  event: ProgressEvent
}

/** Every op travels on its own channel, `tessera:<op>`, so main registers exactly the contract's ops. */
export const IPC_CHANNEL_PREFIX = 'tessera:'
/** Main → renderer: progress of a running op. */
export const IPC_PROGRESS_CHANNEL = 'tessera:progress'
export const ipcChannelFor = (op: string): string => IPC_CHANNEL_PREFIX + op

/** The error every transport returns for an op the contract does not have (same text as dispatch). */
export const unknownOperation = (op: string): Result<never> => ({
  ok: false,
  error: { code: 'not_found', message: `Unknown operation "${op}"` },
})
