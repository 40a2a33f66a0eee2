import fs from 'node:fs'
import AxeBuilder from '@axe-core/playwright'
import path from 'node:path'
import { test, expect } from './fixtures'
import { AppPage } from './pages/app-page'

test('Settings edits the organization, and the change is saved', async ({ app, page }) => {
  const ui = new AppPage(app)
  await ui.setUp({ name: 'Northside Skills Trust', email: 'office@northside.example' })
  await ui.open('settings')
  const form = page.locator('form')
  await expect(form.getByLabel('Organization name')).toHaveValue('Northside Skills Trust')

  await form.getByLabel('Contact email').fill('broken@')
  await form.getByRole('button', { name: 'Save' }).click()
  await expect(form.getByLabel('Contact email')).toHaveAttribute('aria-invalid', 'true')
  await expect(form.getByLabel('Contact email')).toHaveAccessibleDescription(/Enter a valid email address/)

  await form.getByLabel('Organization name').fill('Northside Skills & Trades Trust')
  await form.getByLabel('Contact email').fill('hello@northside.example')
  await form.getByLabel('Description').fill('Evening classes in welding.')
  await form.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByRole('status').getByText('The organization was saved.')).toBeVisible()
  await expect(page.locator('.topbar-org')).toHaveText('Northside Skills & Trades Trust')
  await expect(form.getByLabel('Contact email')).not.toHaveAttribute('aria-invalid', 'true')

  await page.reload()
  await ui.open('settings')
  await expect(page.locator('form').getByLabel('Organization name')).toHaveValue(
    'Northside Skills & Trades Trust',
  )
  await expect(page.locator('form').getByLabel('Contact email')).toHaveValue('hello@northside.example')
  await expect(page.locator('form').getByLabel('Description')).toHaveValue('Evening classes in welding.')
  await ui.open('start')
  await expect(page.locator('.org-card')).toContainText('Evening classes in welding.')
})

test('the language choice is applied at once and remembered', async ({ app, page }) => {
  const ui = new AppPage(app)
  await ui.setUp({ name: 'Northside Skills Trust' })
  await ui.open('settings')
  await page.getByRole('combobox', { name: 'Language of the app' }).selectOption('fr')
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr')
  await expect(page.getByRole('heading', { level: 1, name: 'Paramètres' })).toBeVisible()
  await expect(ui.navLink('learners')).toHaveText('Apprenants')
  await page.reload()
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr')
  await expect(ui.navLink('start')).toHaveText('Accueil')
})

test('keys: rotate with a confirmation, then export the public keys as a JSON download', async ({
  app,
  page,
}) => {
  const ui = new AppPage(app)
  await ui.setUp({ name: 'Northside Skills Trust' })
  await ui.open('settings')
  const keys = page.getByRole('region', { name: 'Issuer keys of this organization' })
  await expect(keys.locator('tbody tr')).toHaveCount(1)
  await expect(keys.locator('tbody tr').first()).toContainText('Current')

  await page.getByRole('button', { name: 'Rotate keys…' }).click()
  const dialog = page.getByRole('dialog', { name: 'Rotate the signing keys?' })
  await expect(dialog).toContainText('credentials already issued keep verifying')
  await dialog.getByRole('button', { name: 'Rotate keys', exact: true }).click()
  await expect(dialog).toBeHidden()
  await expect(keys.locator('tbody tr')).toHaveCount(2)
  await expect(keys.locator('tbody tr').nth(0)).toContainText('Current')
  await expect(keys.locator('tbody tr').nth(1)).toContainText('Retired')

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export public keys' }).click(),
  ])
  expect(download.suggestedFilename()).toBe('northside-skills-trust.public-keys.json')
  const file = await download.path()
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    format: string
    issuers: { current?: boolean }[]
  }
  expect(doc.format).toBe('tessera.public-keys')
  expect(doc.issuers).toHaveLength(2)
})

test('backup, change, restore: the change is gone; a bad file is refused', async ({ app, page, server }) => {
  const ui = new AppPage(app)
  await ui.setUp({ name: 'Northside Skills Trust' })
  await ui.open('settings')

  await page.getByRole('button', { name: 'Make a backup now' }).click()
  await expect(page.getByRole('status').getByText('The backup was made.')).toBeVisible()
  const backups = page.getByRole('region', { name: 'Backups in the folder' })
  await expect(backups.locator('tbody tr')).toHaveCount(1)
  const name = (await backups.locator('tbody tr td').first().innerText()).trim()
  expect(name).toMatch(/^tessera-backup-\d{8}T\d{6}Z\.db$/)
  const backupFile = path.join(path.dirname(server.dbFile), 'tessera-backups', name)
  expect(fs.statSync(backupFile).size).toBeGreaterThan(0)

  const form = page.locator('form')
  await form.getByLabel('Organization name').fill('Renamed After The Backup')
  await form.getByRole('button', { name: 'Save' }).click()
  await expect(page.locator('.topbar-org')).toHaveText('Renamed After The Backup')

  // A file that is not a database: a clear error, nothing changed.
  await page.getByLabel('Backup file to restore').setInputFiles({
    name: 'notes.db',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from('not a database at all '.repeat(200)),
  })
  await expect(page.locator('.error-banner')).toContainText('notes.db is not a readable SQLite database')
  await expect(backups.locator('tbody tr')).toHaveCount(1)
  await expect(page.locator('.topbar-org')).toHaveText('Renamed After The Backup')

  await backups.getByRole('button', { name: `Restore ${name}…` }).click()
  const dialog = page.getByRole('dialog', { name: 'Restore a backup?' })
  const contents = dialog.getByRole('definition')
  await expect(dialog.getByText('This backup was checked and holds:')).toBeVisible()
  await expect(contents.filter({ hasText: 'Northside Skills Trust' })).toHaveCount(1)
  const replace = dialog.getByRole('button', { name: 'Replace the data with this backup' })
  await expect(replace).toBeDisabled()
  await dialog.getByLabel('I understand that the current data will be replaced').check()
  await replace.click()
  await expect(dialog).toBeHidden()
  await expect(page.getByRole('status').getByText(/The backup was restored/)).toBeVisible()
  await expect(page.locator('.topbar-org')).toHaveText('Northside Skills Trust')
  await expect(page.locator('form').getByLabel('Organization name')).toHaveValue('Northside Skills Trust')
  // The replaced database was kept beside it.
  expect(fs.readdirSync(path.dirname(server.dbFile)).some((f) => f.endsWith('.bak'))).toBe(true)

  // A backup from elsewhere is uploaded into the folder and shown before anything is replaced.
  await page.getByLabel('Backup file to restore').setInputFiles(backupFile)
  await expect(dialog.getByText('This backup was checked and holds:')).toBeVisible()
  await dialog.getByRole('button', { name: 'Close' }).click()
  await expect(backups.locator('tbody tr')).toHaveCount(2)
})

test('in Arabic the keys, backups and the restore dialog read right-to-left with no serious axe findings', async ({
  app,
  page,
}) => {
  const ui = new AppPage(app)
  await ui.setUp({ name: 'Northside Skills Trust' })
  await ui.open('settings')
  await page.getByRole('combobox', { name: 'Language of the app' }).selectOption('ar')
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
  await expect(page.getByRole('heading', { level: 2, name: 'مفاتيح التوقيع' })).toBeVisible()
  await page.getByRole('button', { name: 'إنشاء نسخة احتياطية الآن' }).click()
  await page.getByRole('button', { name: /^استعادة tessera-backup-/ }).click()
  const dialog = page.getByRole('dialog', { name: 'هل تريد استعادة نسخة احتياطية؟' })
  await expect(dialog.getByText('Northside Skills Trust')).toBeVisible()
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze()
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
})
