import type { BrowserWindowConstructorOptions } from 'electron'

export interface WindowOptionsInput {
  /** Absolute path of the built preload script (CommonJS: a sandboxed preload cannot be ESM). */
  preloadPath: string
  /** Path of the window icon (Linux/Windows); optional. */
  iconPath?: string
  /** The main process's op list, handed to the preload (which may not import the contract). */
  opNames: readonly string[]
}

/** Small enough for 1024x600 netbook screens (the smallest we support), with room for the title bar. */
export const MIN_WIDTH = 800
export const MIN_HEIGHT = 540

/**
 * The main window's options. Every security-relevant web preference is spelled out even when it is
 * Electron's default, so review and grep see it (checklist items 2-4, 6, 9-12).
 */
export function windowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    title: 'Tessera',
    width: 1280,
    height: 800,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    show: false,
    backgroundColor: '#f7f7f5',
    ...(input.iconPath ? { icon: input.iconPath } : {}),
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      additionalArguments: [opNamesArgument(input.opNames)],
    },
  }
}

/**
 * The preload reads the allowed op names from its process arguments (VS Code passes its window
 * configuration the same way), so the sandboxed preload needs no copy of the contract.
 */
export const OP_NAMES_ARG = '--tessera-ops=' // read by src/preload/bridge.ts `opNamesFromArgv`
export const opNamesArgument = (ops: readonly string[]): string => OP_NAMES_ARG + ops.join(',')
