import { describe, expect, it } from 'vitest'
import { IPC_PROGRESS_CHANNEL, type ProgressMessage } from '../../src/contract/bridge'
import { opNames } from '../../src/contract/ops'
import { createSenderValidator, registerIpcHandlers } from '../../src/main/ipc'
import { createBridge } from '../../src/preload/bridge'
import { openInitializedTessera, openTempTessera } from '../helpers/temp-db'
import { fakeIpc } from './fake-electron'

const csv = (text: string): string => Buffer.from(text, 'utf8').toString('base64')

describe('registerIpcHandlers', () => {
  it('registers exactly one handler per contract op, on tessera:<op>, and removes them all again', () => {
    const tessera = openTempTessera()
    const ipc = fakeIpc()
    const unregister = registerIpcHandlers(ipc.ipcMain, tessera, createSenderValidator())
    expect(ipc.channels().sort()).toEqual(opNames.map((op) => `tessera:${op}`).sort())
    unregister()
    expect(ipc.channels()).toEqual([])
  })

  it.each([
    ['another origin', { url: 'https://evil.example/index.html', parent: null }],
    ['a look-alike host', { url: 'app://tessera.evil/index.html', parent: null }],
    ['credentials in the URL', { url: 'app://evil@tessera/index.html', parent: null }],
    ['a file:// page', { url: 'file:///home/user/index.html', parent: null }],
    ['an iframe of the app', { url: 'app://tessera/index.html', parent: {} }],
    ['no frame at all (navigated away or destroyed)', null],
  ])('refuses calls from %s, and does not run them', async (_what, frame) => {
    const tessera = openTempTessera()
    const ipc = fakeIpc()
    registerIpcHandlers(ipc.ipcMain, tessera, createSenderValidator())
    ipc.sender = frame
    const r = await ipc.ipcRenderer.invoke('tessera:system.init', { organization: { name: 'Intruder Ltd' } })
    expect(r).toEqual({
      ok: false,
      error: { code: 'forbidden', message: expect.stringContaining('refused') },
    })
    expect((await tessera.call('system.status', {})).initialized).toBe(false)
  })

  it('accepts the dev server origin only when it is given', async () => {
    const tessera = openTempTessera()
    const dev = { url: 'http://localhost:5173/', parent: null }
    const strict = fakeIpc()
    registerIpcHandlers(strict.ipcMain, tessera, createSenderValidator())
    strict.sender = dev
    expect(await strict.ipcRenderer.invoke('tessera:system.status', {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    })
    const devIpc = fakeIpc()
    registerIpcHandlers(devIpc.ipcMain, tessera, createSenderValidator('http://localhost:5173'))
    devIpc.sender = dev
    expect(await devIpc.ipcRenderer.invoke('tessera:system.status', {})).toMatchObject({ ok: true })
  })

  it('has no handler for an unknown op, and the preload bridge refuses it before sending anything', async () => {
    const tessera = openTempTessera()
    const ipc = fakeIpc()
    registerIpcHandlers(ipc.ipcMain, tessera, createSenderValidator())
    await expect(ipc.ipcRenderer.invoke('tessera:system.dropEverything', {})).rejects.toThrow(
      /No handler registered/,
    )
    const bridge = createBridge(ipc.ipcRenderer, opNames)
    expect(await bridge.invoke('system.dropEverything', {})).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'Unknown operation "system.dropEverything"' },
    })
    // Not even a channel outside the tessera: prefix can be reached through the bridge.
    expect(await bridge.invoke('../../evil', {})).toMatchObject({ ok: false, error: { code: 'not_found' } })
  })

  it('validates input with the contract schema in main and returns the field paths', async () => {
    const tessera = openTempTessera()
    const ipc = fakeIpc()
    registerIpcHandlers(ipc.ipcMain, tessera, createSenderValidator())
    const r = await ipc.ipcRenderer.invoke('tessera:system.init', {
      organization: { name: ' ', email: 'nope', url: 'javascript:alert(1)' },
    })
    expect(r).toMatchObject({ ok: false, error: { code: 'validation' } })
    const paths = (r as { error: { issues: { path: unknown[] }[] } }).error.issues.map((i) => i.path)
    expect(paths).toEqual(
      expect.arrayContaining([
        ['organization', 'name'],
        ['organization', 'email'],
        ['organization', 'url'],
      ]),
    )
    expect(await ipc.ipcRenderer.invoke('tessera:system.status', 'not an object')).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    })
  })

  it('passes typed errors through intact: code, message, issues and details', async () => {
    const tessera = await openInitializedTessera()
    const ipc = fakeIpc()
    registerIpcHandlers(ipc.ipcMain, tessera, createSenderValidator())
    const direct = await tessera.dispatch('system.init', { organization: { name: 'Again' } })
    expect(direct.ok).toBe(false)
    expect(await ipc.ipcRenderer.invoke('tessera:system.init', { organization: { name: 'Again' } })).toEqual(
      direct,
    )
    const missing = await ipc.ipcRenderer.invoke('tessera:learners.get', { id: 'no-such-learner' })
    expect(missing).toEqual(await tessera.dispatch('learners.get', { id: 'no-such-learner' }))
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } })
  })

  it('sends progress to the calling page only, tagged with the op and the caller’s call id', async () => {
    const tessera = await openInitializedTessera()
    const ipc = fakeIpc()
    registerIpcHandlers(ipc.ipcMain, tessera, createSenderValidator())
    const r = await ipc.ipcRenderer.invoke(
      'tessera:learners.importCommit',
      { csvBase64: csv('given_name,family_name\nAmina,Diallo\nKofi,Mensah\n') },
      'call-7',
    )
    expect(r).toMatchObject({ ok: true })
    const progress = ipc.sent
      .filter(([ch]) => ch === IPC_PROGRESS_CHANNEL)
      .map(([, m]) => m as ProgressMessage)
    expect(progress.length).toBeGreaterThan(0)
    for (const m of progress)
      expect(m).toMatchObject({
        op: 'learners.importCommit',
        callId: 'call-7',
        event: { step: expect.any(String) },
      })
    expect(ipc.sent.every(([ch]) => ch === IPC_PROGRESS_CHANNEL)).toBe(true)
  })
})
