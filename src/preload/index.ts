import { contextBridge, ipcRenderer } from 'electron'
import { createBridge, opNamesFromArgv } from './bridge'

// Sandboxed preload: bundled to one CommonJS file whose only runtime import is `electron`.
contextBridge.exposeInMainWorld('tessera', createBridge(ipcRenderer, opNamesFromArgv(process.argv)))
