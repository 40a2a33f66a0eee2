import { describe, expect, it } from 'vitest'
import { opNames } from '../../src/contract/ops'
import { desktopDbFile } from '../../src/main/db-file'
import { NativeBindingMissing, resolveNativeBinding } from '../../src/main/native-binding'
import { windowOptions } from '../../src/main/window'
import { opNamesFromArgv } from '../../src/preload/bridge'
import path from 'node:path'

describe('windowOptions', () => {
  const options = windowOptions({ preloadPath: '/app/out/preload/index.cjs', opNames })
  const web = options.webPreferences!

  it('spells out every security setting', () => {
    expect(web).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    })
    expect(web).not.toHaveProperty('enableBlinkFeatures')
    expect(web).not.toHaveProperty('preloadURL')
  })

  it('loads the CommonJS preload (a sandboxed preload cannot be an ES module)', () => {
    expect(web.preload).toBe('/app/out/preload/index.cjs')
  })

  it('hands the contract’s op list to the preload through its process arguments', () => {
    expect(
      opNamesFromArgv(['/usr/bin/electron', '--type=renderer', ...(web.additionalArguments ?? [])]),
    ).toEqual(opNames)
    expect(opNamesFromArgv(['/usr/bin/electron'])).toEqual([])
  })

  it('fits the smallest supported screen (1024x600)', () => {
    expect(options.minWidth).toBeLessThanOrEqual(1024)
    expect(options.minHeight).toBeLessThanOrEqual(600)
  })
})

describe('desktopDbFile', () => {
  it('takes --db FILE or --db=FILE, then TESSERA_DB, then <userData>/tessera.db', () => {
    expect(desktopDbFile(['electron', '.', '--db', 'x/a.db'], {}, '/u')).toBe(path.resolve('x/a.db'))
    expect(desktopDbFile(['tessera', '--db=/data/b.db'], { TESSERA_DB: '/env.db' }, '/u')).toBe('/data/b.db')
    expect(desktopDbFile(['tessera'], { TESSERA_DB: '/env.db' }, '/u')).toBe('/env.db')
    expect(desktopDbFile(['tessera', '--db'], {}, '/u')).toBe(path.join('/u', 'tessera.db'))
  })
})

describe('resolveNativeBinding', () => {
  const base = {
    isPackaged: false,
    appPath: '/src/tessera',
    resourcesPath: '/opt/Tessera/resources',
    exists: () => true,
  }

  it('leaves better-sqlite3 alone under plain Node (tests, CLI)', () => {
    expect(resolveNativeBinding({ ...base, electronVersion: undefined })).toBeUndefined()
  })

  it('uses the separate Electron build in development', () => {
    expect(resolveNativeBinding({ ...base, electronVersion: '45.5.0' })).toBe(
      '/src/tessera/.native/electron/better_sqlite3.node',
    )
  })

  it('uses the unpacked copy in a packaged app', () => {
    expect(resolveNativeBinding({ ...base, electronVersion: '45.5.0', isPackaged: true })).toBe(
      '/opt/Tessera/resources/app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    )
  })

  it('says how to build it when it is missing', () => {
    expect(() => resolveNativeBinding({ ...base, electronVersion: '45.5.0', exists: () => false })).toThrow(
      NativeBindingMissing,
    )
    expect(() => resolveNativeBinding({ ...base, electronVersion: '45.5.0', exists: () => false })).toThrow(
      /npm run rebuild:electron.*npm run start:web/,
    )
  })
})
