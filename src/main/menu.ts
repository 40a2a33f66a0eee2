import type { MenuItemConstructorOptions } from 'electron'

export interface MenuActions {
  backupDatabase(): void
  exportResultsCsv(): void
  openDataFolder(): void
  about(): void
}

export interface MenuContext {
  isMac: boolean
  /** Development build: adds reload and developer tools. */
  isDev: boolean
}

/**
 * The application menu as plain data (built into a `Menu` by the caller). File holds the actions
 * that need a native file dialog; the UI itself never touches the file system.
 */
export function menuTemplate(actions: MenuActions, ctx: MenuContext): MenuItemConstructorOptions[] {
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Back Up Database…', accelerator: 'CmdOrCtrl+Shift+B', click: () => actions.backupDatabase() },
      {
        label: 'Export Results as CSV…',
        accelerator: 'CmdOrCtrl+Shift+E',
        click: () => actions.exportResultsCsv(),
      },
      { type: 'separator' },
      { label: 'Open Data Folder', click: () => actions.openDataFolder() },
      { type: 'separator' },
      ctx.isMac ? { role: 'close' } : { role: 'quit' },
    ],
  }
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  }
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      ...(ctx.isDev
        ? ([
            { role: 'reload' },
            { role: 'toggleDevTools' },
            { type: 'separator' },
          ] as MenuItemConstructorOptions[])
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  }
  const window: MenuItemConstructorOptions = {
    label: '&Window',
    submenu: [
      { role: 'minimize' },
      ...(ctx.isMac
        ? ([{ role: 'zoom' }, { role: 'front' }] as MenuItemConstructorOptions[])
        : [{ role: 'close' } as MenuItemConstructorOptions]),
    ],
  }
  const help: MenuItemConstructorOptions = {
    label: '&Help',
    role: 'help',
    submenu: [{ label: 'About Tessera', click: () => actions.about() }],
  }
  const appMenu: MenuItemConstructorOptions[] = ctx.isMac
    ? [
        {
          label: 'Tessera',
          submenu: [
            { role: 'about' },
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        },
      ]
    : []
  return [...appMenu, file, edit, view, window, help]
}
