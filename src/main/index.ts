import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, safeStorage, session, shell } from 'electron'
import { opNames } from '../contract/ops'
import { openTessera, type Tessera } from '../core/app'
import { toApiError } from '../core/dispatch'
import { APP_ENTRY_URL, APP_SCHEME } from './app-url'
import { desktopDbFile } from './db-file'
import { keychainSession, safeStorageSecrets } from './safe-storage'
import { sessionSecrets } from '../core/services/session-secrets'
import { askSavePath, describeError, runFileAction } from './dialogs'
import { createSenderValidator, registerIpcHandlers } from './ipc'
import { menuTemplate } from './menu'
import { resolveNativeBinding } from './native-binding'
import { APP_SCHEME_PRIVILEGES, handleAppRequest } from './protocol'
import { hardenSession, hardenWebContents } from './security'
import { windowOptions } from './window'

/*
 * The desktop shell: lifecycle and wiring only. Every decision (window options, URL checks,
 * permissions, IPC sender checks, native module path, menu) is a function of its own module,
 * tested under plain Node; this file just hands them Electron's objects.
 */

const here = path.dirname(fileURLToPath(import.meta.url))
const rendererDir = path.join(here, '..', 'renderer')
const preloadPath = path.join(here, '..', 'preload', 'index.cjs')
/** Set by `electron-vite dev` only; ignored in a packaged app. */
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined

app.setName('Tessera')
app.enableSandbox()
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])

let tessera: Tessera | undefined
let mainWindow: BrowserWindow | null = null
let unregisterIpc: (() => void) | undefined

let failed = false

/** Tells the person why the app cannot run (e.g. the database is open in the CLI) and quits. */
function fail(title: string, e: unknown): never {
  if (!failed) {
    failed = true
    dialog.showErrorBox(title, describeError(toApiError(e)))
    app.exit(1)
  }
  throw e
}

function openDatabase(): Tessera {
  if (app.isPackaged) process.env.TESSERA_RESOURCES ??= path.join(process.resourcesPath, 'resources')
  const dbFile = desktopDbFile(process.argv, process.env, app.getPath('userData'))
  const nativeBinding = resolveNativeBinding({
    electronVersion: process.versions.electron,
    isPackaged: app.isPackaged,
    appPath: app.getAppPath(),
    resourcesPath: process.resourcesPath,
    exists: (f) => fs.existsSync(f),
  })
  // The person types the passphrase in the UI (first-run setup, the unlock dialog): the session holds
  // it in memory and the OS keychain remembers it for the next start. TESSERA_PASSPHRASE serves scripts.
  const typed = sessionSecrets({ hostPassphrase: process.env.TESSERA_PASSPHRASE })
  const keychain = safeStorageSecrets({
    safeStorage,
    file: path.join(app.getPath('userData'), 'issuer-passphrase.bin'),
    fallback: typed,
  })
  return openTessera({
    dbFile,
    nativeBinding,
    secrets: keychain,
    session: keychainSession(typed, keychain),
  })
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(windowOptions({ preloadPath, opNames }))
  win.once('ready-to-show', () => win.show())
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null
  })
  void win.loadURL(devServerUrl ?? APP_ENTRY_URL)
  return win
}

function installMenu(t: Tessera): void {
  const today = new Date().toISOString().slice(0, 10)
  const documents = app.getPath('documents')
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(
        {
          backupDatabase: () =>
            void runFileAction(dialog, mainWindow, {
              ask: () =>
                askSavePath(dialog, mainWindow, {
                  title: 'Back up the database',
                  defaultPath: path.join(documents, `tessera-backup-${today}.db`),
                  filters: [{ name: 'Tessera database', extensions: ['db'] }],
                }),
              run: (outFile) => t.dispatch('backup.create', { outFile }),
              done: (v) => {
                const b = v as { file: string; bytes: number }
                return `Backup written to ${b.file} (${(b.bytes / 1024 / 1024).toFixed(1)} MB).`
              },
              failureTitle: 'The backup failed',
            }),
          exportResultsCsv: () =>
            void runFileAction(dialog, mainWindow, {
              ask: () =>
                askSavePath(dialog, mainWindow, {
                  title: 'Export results',
                  defaultPath: path.join(documents, `tessera-results-${today}.csv`),
                  filters: [{ name: 'CSV', extensions: ['csv'] }],
                }),
              run: (outFile) => t.dispatch('reports.results', { format: 'csv', outFile }),
              done: (v) => {
                const r = v as { rows: number; file: string | null }
                return `${r.rows} rows written to ${r.file ?? ''}.`
              },
              failureTitle: 'The export failed',
            }),
          openDataFolder: () => void shell.openPath(path.dirname(t.ctx.database.file)),
          about: () =>
            void dialog.showMessageBox({
              type: 'info',
              title: 'About Tessera',
              message: `Tessera ${app.getVersion()}`,
              detail: `Database: ${t.ctx.database.file}\nDevice: ${t.ctx.deviceId}\nElectron ${process.versions.electron}`,
            }),
        },
        { isMac: process.platform === 'darwin', isDev: !app.isPackaged },
      ),
    ),
  )
}

if (!app.requestSingleInstanceLock()) {
  // Another Tessera window already holds this database; it is brought to the front instead.
  app.quit()
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })

  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, (url) => void shell.openExternal(url), devServerUrl)
  })

  app
    .whenReady()
    .then(() => {
      try {
        tessera = openDatabase()
      } catch (e) {
        fail('Tessera cannot open its database', e)
      }
      hardenSession(session.defaultSession, devServerUrl)
      protocol.handle(APP_SCHEME, (request) => handleAppRequest(request, rendererDir))
      unregisterIpc = registerIpcHandlers(ipcMain, tessera, createSenderValidator(devServerUrl))
      installMenu(tessera)
      mainWindow = createWindow()
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow()
      })
    })
    .catch((e: unknown) => fail('Tessera cannot start', e))

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  app.on('will-quit', () => {
    unregisterIpc?.()
    tessera?.close()
    tessera = undefined
  })
}
