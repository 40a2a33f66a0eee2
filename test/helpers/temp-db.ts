import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach } from 'vitest'
import { openTessera, type OpenTesseraOptions, type Tessera } from '../../src/core/app'
import type { SecretProvider } from '../../src/core/services/context'
import { TEST_PASSPHRASE } from './passphrase'

export { TEST_PASSPHRASE }
/** Supplies TEST_PASSPHRASE for the issuer keys (see passphrase.ts). */
export const testSecrets: SecretProvider = { passphrase: () => Promise.resolve(TEST_PASSPHRASE) }

const dirs: string[] = []
const opened: Tessera[] = []

/** A fresh folder under the OS temp dir, removed after the test. */
export function tempDir(prefix = 'tessera-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  dirs.push(dir)
  return dir
}

/** A real Tessera database file in a temp folder, closed after the test. */
export function openTempTessera(opts: Partial<OpenTesseraOptions> = {}): Tessera {
  const t = openTessera({
    dbFile: path.join(tempDir(), 'tessera.db'),
    actor: 'test-user',
    secrets: testSecrets,
    ...opts,
  })
  opened.push(t)
  return t
}

/** A Tessera with an organization already set up. */
export async function openInitializedTessera(opts: Partial<OpenTesseraOptions> = {}): Promise<Tessera> {
  const t = openTempTessera(opts)
  await t.call('system.init', {
    organization: { name: 'Northside Skills Trust', url: 'https://northside.example' },
  })
  return t
}

afterEach(() => {
  for (const t of opened.splice(0)) t.close()
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})
