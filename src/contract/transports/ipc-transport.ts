import type { TesseraBridge } from '../bridge'
import type { Transport } from '../client'

let nextCallId = 0

/** The renderer side of Electron IPC: calls go through the preload's `window.tessera` bridge. */
export function ipcTransport(bridge: TesseraBridge): Transport {
  return {
    async invoke(op, input, onProgress) {
      if (!onProgress) return bridge.invoke(op, input)
      const callId = `c${++nextCallId}`
      const unsubscribe = bridge.onProgress((m) => {
        if (m.callId === callId) onProgress(m.event)
      })
      try {
        return await bridge.invoke(op, input, callId)
      } finally {
        unsubscribe()
      }
    },
  }
}
