import type { TesseraBridge } from '../contract/bridge'

declare global {
  interface Window {
    /** Present only inside the Electron app (set by the preload); absent in browser mode. */
    tessera?: TesseraBridge
  }
}

export {}
