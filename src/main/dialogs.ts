import type { BrowserWindow, Dialog, FileFilter } from 'electron'
import { formatIssuePath, type ApiError, type Result } from '../contract/errors'

/** The part of Electron's `dialog` used by the shell (injected so the flows run in tests without Electron). */
export type DialogLike = Pick<Dialog, 'showSaveDialog' | 'showOpenDialog' | 'showMessageBox' | 'showErrorBox'>

export interface FileQuestion {
  title: string
  defaultPath?: string
  filters?: FileFilter[]
}

/** Asks where to save; null when the user cancels. */
export async function askSavePath(
  dialog: DialogLike,
  win: BrowserWindow | null,
  q: FileQuestion,
): Promise<string | null> {
  const options = {
    title: q.title,
    defaultPath: q.defaultPath,
    filters: q.filters,
    properties: ['createDirectory', 'showOverwriteConfirmation'] as const,
  }
  const r = win
    ? await dialog.showSaveDialog(win, { ...options, properties: [...options.properties] })
    : await dialog.showSaveDialog({ ...options, properties: [...options.properties] })
  return r.canceled || !r.filePath ? null : r.filePath
}

/** Asks for one existing file; null when the user cancels. */
export async function askOpenPath(
  dialog: DialogLike,
  win: BrowserWindow | null,
  q: FileQuestion,
): Promise<string | null> {
  const options = {
    title: q.title,
    defaultPath: q.defaultPath,
    filters: q.filters,
    properties: ['openFile' as const],
  }
  const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
  return r.canceled ? null : (r.filePaths[0] ?? null)
}

/** An error for a person: the message, then each issue with where it is. */
export function describeError(e: ApiError): string {
  return [
    e.message,
    ...(e.issues ?? []).map((i) => `• ${i.path.length ? formatIssuePath(i.path) + ': ' : ''}${i.message}`),
  ].join('\n')
}

export interface FileActionSpec<T> {
  ask: () => Promise<string | null>
  run: (file: string) => Promise<Result<T>>
  done: (value: T) => string
  failureTitle: string
}

/** Ask for a file, run the op, then tell the user what happened (or why it failed). */
export async function runFileAction<T>(
  dialog: DialogLike,
  win: BrowserWindow | null,
  spec: FileActionSpec<T>,
): Promise<void> {
  const file = await spec.ask()
  if (!file) return
  const r = await spec.run(file)
  if (!r.ok) {
    dialog.showErrorBox(spec.failureTitle, describeError(r.error))
    return
  }
  const options = { type: 'info' as const, title: 'Tessera', message: spec.done(r.value), buttons: ['OK'] }
  if (win) await dialog.showMessageBox(win, options)
  else await dialog.showMessageBox(options)
}
