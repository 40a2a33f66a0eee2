import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test, expect } from '@playwright/test'
import { startServer, stop } from './fixtures'
import { callApi, seriousAxeFindings } from './helpers/api'
import { seedFinalizedAssessment } from './helpers/seed'
import { AppPage } from './pages/app-page'

const PASSPHRASE = 'blue kettle on the hill'

/** `tessera serve` as a trainer runs it: no TESSERA_PASSPHRASE, so the page must ask for it. */
const serveWithoutPassphrase = (dbFile: string) => startServer(dbFile, { passphrase: null })

test('the passphrase is chosen at setup and asked for again after a restart before issuing', async ({
  page,
}) => {
  test.setTimeout(120_000)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-passphrase-'))
  const dbFile = path.join(dir, 'tessera.db')
  let running = await serveWithoutPassphrase(dbFile)
  try {
    const ui = new AppPage(page)
    await page.goto(running.server.url)

    // First-run setup: the confirmation must match.
    await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Tessera' })).toBeVisible()
    await expect(page.getByText(/it cannot be recovered/)).toBeVisible()
    await page.getByLabel('Organization name').fill('Northside Skills Trust')
    await page.getByLabel('Passphrase', { exact: false }).first().fill(PASSPHRASE)
    await page.getByLabel(/Type the passphrase again/).fill('blue kettle on the hil')
    await page.getByRole('button', { name: 'Set up Tessera' }).click()
    await expect(page.locator('#setup-passphraseConfirm-error')).toHaveText(/two passphrases are different/)
    await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Tessera' })).toBeVisible()
    expect((await callApi(running.server, 'system.status', {})).initialized).toBe(false)
    expect(await seriousAxeFindings(page)).toEqual([])

    await page.getByLabel(/Type the passphrase again/).fill(PASSPHRASE)
    await page.getByRole('button', { name: 'Set up Tessera' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Start' })).toBeVisible()

    // A passing assessment to issue, made through the API (the screens that make it are tested elsewhere).
    await seedFinalizedAssessment(running.server, { passing: true })

    // A restart on the same database: the passphrase was held in memory only.
    await stop(running.child)
    running = await serveWithoutPassphrase(dbFile)
    expect((await callApi(running.server, 'session.status', {})).unlocked).toBe(false)
    await page.goto(running.server.url)
    await expect(page.getByRole('heading', { level: 1, name: 'Start' })).toBeVisible()
    await ui.open('credentials')
    await expect(page.getByRole('combobox', { name: /Finalized assessment/ })).toContainText('Kofi Mensah')
    await page.getByRole('button', { name: 'Issue the credential' }).click()

    const dialog = page.getByRole('dialog', { name: 'Unlock the issuer keys' })
    await expect(dialog).toBeVisible()
    const field = dialog.getByLabel('Passphrase')
    await expect(field).toBeFocused()
    await field.fill('red kettle on the hill')
    await dialog.getByRole('button', { name: 'Unlock' }).click()
    await expect(dialog.getByText(/does not open the issuer keys/)).toBeVisible()
    expect(await seriousAxeFindings(page)).toEqual([])
    await expect(dialog).toBeVisible()
    expect((await callApi(running.server, 'credentials.list', { limit: 10, offset: 0 })).items).toHaveLength(
      0,
    )

    await field.fill(PASSPHRASE)
    await dialog.getByRole('button', { name: 'Unlock' }).click()
    await expect(dialog).toBeHidden()
    await expect(page.getByRole('heading', { level: 2, name: /Kofi Mensah/ })).toBeVisible()
    expect((await callApi(running.server, 'credentials.list', { limit: 10, offset: 0 })).items).toHaveLength(
      1,
    )
  } finally {
    await stop(running.child)
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('cancelling the unlock dialog leaves the original error on the screen', async ({ page }) => {
  test.setTimeout(90_000)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-passphrase-'))
  const dbFile = path.join(dir, 'tessera.db')
  let running = await serveWithoutPassphrase(dbFile)
  try {
    await callApi(running.server, 'system.init', {
      organization: { name: 'Northside Skills Trust' },
      passphrase: PASSPHRASE,
    })
    await seedFinalizedAssessment(running.server, { passing: true })
    await stop(running.child)
    running = await serveWithoutPassphrase(dbFile)
    await page.goto(running.server.url)
    const ui = new AppPage(page)
    await ui.open('credentials')
    await expect(page.getByRole('combobox', { name: /Finalized assessment/ })).toContainText('Kofi Mensah')
    const issue = page.getByRole('button', { name: 'Issue the credential' })
    await issue.click()
    const dialog = page.getByRole('dialog', { name: 'Unlock the issuer keys' })
    await expect(dialog).toBeVisible()
    await page.keyboard.press('Escape')
    await expect(dialog).toBeHidden()
    await expect(
      page.getByRole('alert').filter({ hasText: /passphrase for the issuer keys is needed/ }),
    ).toBeVisible()
    expect((await callApi(running.server, 'credentials.list', { limit: 10, offset: 0 })).items).toHaveLength(
      0,
    )
  } finally {
    await stop(running.child)
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
