import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeError, runFileAction, type DialogLike } from '../../src/main/dialogs'
import { menuTemplate, type MenuActions } from '../../src/main/menu'
import { keychainUsable, safeStorageSecrets, type SafeStorageLike } from '../../src/main/safe-storage'
import { tempDir } from '../helpers/temp-db'

type MenuItemConstructorOptions = ReturnType<typeof menuTemplate>[number]

function recordingActions(): { actions: MenuActions; calls: string[] } {
  const calls: string[] = []
  const record = (name: string) => () => void calls.push(name)
  return {
    calls,
    actions: {
      backupDatabase: record('backup'),
      exportResultsCsv: record('export'),
      openDataFolder: record('folder'),
      about: record('about'),
    },
  }
}

const items = (m: MenuItemConstructorOptions): MenuItemConstructorOptions[] =>
  Array.isArray(m.submenu) ? m.submenu : []

describe('menuTemplate', () => {
  it('has File, Edit, View, Window and Help, and File runs the file actions', () => {
    const { actions, calls } = recordingActions()
    const menu = menuTemplate(actions, { isMac: false, isDev: false })
    expect(menu.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Window', '&Help'])
    for (const item of [...items(menu[0]!), ...items(menu[4]!)]) (item.click as (() => void) | undefined)?.()
    expect(calls).toEqual(['backup', 'export', 'folder', 'about'])
  })

  it('offers developer tools only in development, and the app menu only on macOS', () => {
    const { actions } = recordingActions()
    const roles = (m: MenuItemConstructorOptions[]): unknown[] =>
      m.flatMap((x) => items(x).map((i) => i.role))
    expect(roles(menuTemplate(actions, { isMac: false, isDev: false }))).not.toContain('toggleDevTools')
    expect(roles(menuTemplate(actions, { isMac: false, isDev: true }))).toContain('toggleDevTools')
    expect(menuTemplate(actions, { isMac: true, isDev: false })[0]!.label).toBe('Tessera')
  })
})

describe('runFileAction', () => {
  function fakeDialog(answer: string | null) {
    const shown: string[] = []
    const dialog = {
      showSaveDialog: async () => ({ canceled: answer === null, filePath: answer ?? '' }),
      showOpenDialog: async () => ({ canceled: answer === null, filePaths: answer ? [answer] : [] }),
      showMessageBox: async (o: { message: string }) => {
        shown.push(`info: ${o.message}`)
        return { response: 0, checkboxChecked: false }
      },
      showErrorBox: (title: string, content: string) => void shown.push(`error: ${title}: ${content}`),
    } as unknown as DialogLike
    return { dialog, shown }
  }

  it('does nothing when the person cancels', async () => {
    const { dialog, shown } = fakeDialog(null)
    let ran = false
    await runFileAction(dialog, null, {
      ask: async () => null,
      run: async () => ((ran = true), { ok: true, value: 1 }),
      done: () => 'done',
      failureTitle: 'failed',
    })
    expect(ran).toBe(false)
    expect(shown).toEqual([])
  })

  it('reports success, or the error with its field issues', async () => {
    const ok = fakeDialog('/tmp/b.db')
    await runFileAction(ok.dialog, null, {
      ask: async () => '/tmp/b.db',
      run: async (f) => ({ ok: true, value: f }),
      done: (v) => `wrote ${v}`,
      failureTitle: 'failed',
    })
    expect(ok.shown).toEqual(['info: wrote /tmp/b.db'])
    const bad = fakeDialog('/tmp/b.db')
    await runFileAction(bad.dialog, null, {
      ask: async () => '/x',
      run: async () => ({
        ok: false,
        error: {
          code: 'validation',
          message: 'Bad file',
          issues: [{ path: ['outFile'], message: 'is required' }],
        },
      }),
      done: () => '',
      failureTitle: 'The backup failed',
    })
    expect(bad.shown).toEqual(['error: The backup failed: Bad file\n• outFile: is required'])
    expect(describeError({ code: 'conflict', message: 'Busy' })).toBe('Busy')
  })
})

describe('safeStorageSecrets (seam for the issuer-key task)', () => {
  const keychain = (backend: string, available = true): SafeStorageLike & { stored: string[] } => {
    const stored: string[] = []
    return {
      stored,
      isEncryptionAvailable: () => available,
      getSelectedStorageBackend: () => backend as never,
      encryptString: (s: string) => {
        stored.push(s)
        return Buffer.from(`enc:${s}`)
      },
      decryptString: (b: Buffer) => {
        const s = b.toString()
        if (!s.startsWith('enc:')) throw new Error('not ours')
        return s.slice(4)
      },
    }
  }
  const asking = (answer: string) => {
    const asked: string[] = []
    return {
      asked,
      provider: { passphrase: async (purpose: 'unlock' | 'create') => (asked.push(purpose), answer) },
    }
  }

  it('remembers the passphrase the person chose, encrypted, and unlocks without asking again', async () => {
    const file = path.join(tempDir(), 'keys', 'issuer-passphrase.bin')
    const s = keychain('gnome_libsecret')
    const person = asking('correct horse battery staple')
    const secrets = safeStorageSecrets({ safeStorage: s, file, fallback: person.provider })
    expect(await secrets.passphrase('create')).toBe('correct horse battery staple')
    expect(fs.readFileSync(file, 'utf8')).toBe('enc:correct horse battery staple')
    expect(await secrets.passphrase('unlock')).toBe('correct horse battery staple')
    expect(person.asked).toEqual(['create'])
  })

  it('stores nothing where the keychain gives no real protection', async () => {
    const file = path.join(tempDir(), 'issuer-passphrase.bin')
    const person = asking('pw')
    for (const s of [keychain('basic_text'), keychain('gnome_libsecret', false)]) {
      expect(keychainUsable(s, 'linux')).toBe(false)
      await safeStorageSecrets({ safeStorage: s, file, fallback: person.provider }).passphrase('create')
    }
    expect(fs.existsSync(file)).toBe(false)
    expect(person.asked).toEqual(['create', 'create'])
  })
})
