import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { expect, test } from '@playwright/test'

/**
 * The offline verifier kit in a real browser, opened from file:// as an employer would open it from
 * a USB stick: no server, no network. The credentials are issued by the real CLI beforehand. Needs
 * no UI build (it does not use the `server` fixture).
 */

const repoRoot = path.resolve(import.meta.dirname, '..', '..')
const PASSPHRASE = 'e2e verifier-kit passphrase'

interface Kit {
  dir: string
  html: string
  json: string
  png: string
  jwt: string
  revokedJson: string
  tampered: string
  qrToken: string
}

function tessera(db: string, ...args: string[]): string {
  return execFileSync(process.execPath, ['bin/tessera.mjs', '--db', db, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, TESSERA_PASSPHRASE: PASSPHRASE, TESSERA_DB: '', CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

function makeKit(): Kit {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-kit-'))
  const db = path.join(dir, 'tessera.db')
  tessera(db, 'init', '--org-name', 'Northside Skills Trust', '--org-url', 'https://northside.example')
  const rubric = JSON.parse(
    tessera(db, '--json', 'rubrics', 'import', 'resources/examples/first-aid.rubric.json'),
  ) as {
    rubric: { id: string; version: { content: { criteria: { id: string; levels: { id: string }[] }[] } } }
  }
  const scores = path.join(dir, 'scores.json')
  fs.writeFileSync(
    scores,
    JSON.stringify({
      format: 'tessera.scores',
      formatVersion: 1,
      assessedOn: '2026-03-14',
      scores: rubric.rubric.version.content.criteria.map((c) => ({
        criterion: c.id,
        level: c.levels.at(-1)!.id,
      })),
    }),
  )
  const issue = (given: string, family: string) => {
    const learner = JSON.parse(
      tessera(db, '--json', 'learners', 'add', '--given', given, '--family', family),
    ) as { id: string }
    const a = JSON.parse(
      tessera(
        db,
        '--json',
        'assess',
        '--learner',
        learner.id,
        '--rubric',
        rubric.rubric.id,
        '--assessor',
        'R. Okafor',
        '--scores',
        scores,
        '--finalize',
      ),
    ) as { id: string }
    const out = JSON.parse(
      tessera(db, '--json', 'issue', '--assessment', a.id, '--out', path.join(dir, 'badges')),
    ) as {
      credentials: { id: string; files: { json: string; jwt: string; png: string } }[]
    }
    return out.credentials[0]!
  }
  const good = issue('Amina', 'Yusuf')
  const revoked = issue('Ζωή', 'Παπαδοπούλου')
  tessera(db, 'revoke', revoked.id, '--reason', 'issued in error')
  tessera(db, 'verifier-kit', '--out', path.join(dir, 'usb'))
  const tampered = path.join(dir, 'tampered.json')
  fs.writeFileSync(tampered, fs.readFileSync(good.files.json, 'utf8').replace('Amina Yusuf', 'Anna Yusuf'))
  const shown = JSON.parse(tessera(db, '--json', 'credentials', 'show', good.id)) as { qrToken: string }
  return {
    dir,
    html: path.join(dir, 'usb', 'tessera-verifier.html'),
    json: good.files.json,
    png: good.files.png,
    jwt: good.files.jwt,
    revokedJson: revoked.files.json,
    tampered,
    qrToken: shown.qrToken,
  }
}

let kit: Kit

test.beforeAll(() => {
  test.setTimeout(180_000)
  kit = makeKit()
})

test.afterAll(() => fs.rmSync(kit.dir, { recursive: true, force: true }))

test('the offline verifier kit verifies our badges from file:// and names the failing check of a bad one', async ({
  page,
}) => {
  const offSite: string[] = []
  page.on('request', (r) => {
    if (!/^(file|data|blob):/.test(r.url())) offSite.push(r.url())
  })
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))

  await page.goto(pathToFileURL(kit.html).href)
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    'Northside Skills Trust: credential verifier',
  )

  const results = page.locator('#results .result')
  const latest = results.first()

  // A badge we issued: verified, every check named.
  await page.setInputFiles('#file', kit.json)
  await expect(results).toHaveCount(1)
  await expect(latest).toHaveAttribute('data-verified', 'true')
  await expect(latest.getByRole('heading')).toContainText('Verified')
  await expect(latest).toContainText('Amina Yusuf')
  await expect(latest.locator('[data-check="proof"]')).toHaveAttribute('data-status', 'passed')
  await expect(latest.locator('[data-check="issuer"]')).toHaveAttribute('data-status', 'passed')
  await expect(latest.locator('[data-check="status"]')).toContainText('Not revoked')

  // A tampered copy: not verified, and the proof check says why.
  await page.setInputFiles('#file', kit.tampered)
  await expect(results).toHaveCount(2)
  await expect(latest).toHaveAttribute('data-verified', 'false')
  await expect(latest.getByRole('heading')).toContainText('Not verified')
  await expect(latest.locator('[data-check="proof"]')).toHaveAttribute('data-status', 'failed')
  await expect(latest.locator('[data-check="proof"]')).toContainText('The signature does not match')

  // The baked PNG and the VC-JWT verify too; a revoked badge fails on status (from the embedded list).
  await page.setInputFiles('#file', [kit.png, kit.jwt])
  await expect(results).toHaveCount(4)
  await expect(page.locator('.result[data-verified="true"]')).toHaveCount(3)
  await page.setInputFiles('#file', kit.revokedJson)
  await expect(results).toHaveCount(5)
  await expect(latest).toHaveAttribute('data-verified', 'false')
  await expect(latest.locator('[data-check="status"]')).toHaveAttribute('data-status', 'failed')
  await expect(latest.locator('[data-check="status"]')).toContainText('Revoked')

  // Scanned or typed QR text.
  await page.getByLabel(/QR code/).fill(kit.qrToken)
  await page.getByRole('button', { name: 'Verify text' }).click()
  await expect(results).toHaveCount(6)
  await expect(latest).toHaveAttribute('data-verified', 'true')
  await expect(latest).toContainText('Amina Yusuf')

  // Dropped onto the page.
  const buffer = fs.readFileSync(kit.tampered)
  const dataTransfer = await page.evaluateHandle(
    (bytes) => {
      // Runs in the page; typed loosely because this file is type-checked without the DOM library.
      const dom = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } }
        File: new (parts: Uint8Array[], name: string, options: { type: string }) => unknown
      }
      const dt = new dom.DataTransfer()
      dt.items.add(new dom.File([new Uint8Array(bytes)], 'dropped.json', { type: 'application/json' }))
      return dt
    },
    [...buffer],
  )
  await page.dispatchEvent('#drop', 'drop', { dataTransfer })
  await expect(results).toHaveCount(7)
  await expect(latest).toHaveAttribute('data-source', 'dropped.json')
  await expect(latest.locator('[data-check="proof"]')).toHaveAttribute('data-status', 'failed')

  expect(offSite).toEqual([])
  expect(errors).toEqual([])
})
