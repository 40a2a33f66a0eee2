import path from 'node:path'
import { test, expect } from './fixtures'
import { AppPage } from './pages/app-page'

const LOGO = path.join(import.meta.dirname, 'files', 'logo.png')

test('first-run setup through the UI leads to a dashboard showing the organization', async ({
  app,
  page,
  server,
}, testInfo) => {
  const opened = Date.now()
  const ui = new AppPage(app)
  await expect(page.getByLabel('Organization name')).toBeEditable()
  // Reported, not asserted: from spawning `tessera serve` to a usable first screen.
  testInfo.annotations.push({
    type: 'first screen usable (ms)',
    description: String(server.startupMs + (Date.now() - opened)),
  })
  console.log(
    `tessera serve start → URL: ${server.startupMs} ms; URL → setup form usable: ${Date.now() - opened} ms`,
  )

  await ui.setUp({
    name: '  Coopérative Al-Amal — الأمل  ',
    url: 'https://al-amal.example',
    email: 'contact@al-amal.example',
    description: 'Agricultural mechanics.',
    logo: LOGO,
  })
  await expect(page.getByText('Coopérative Al-Amal — الأمل is set up. Welcome!')).toBeVisible()
  await expect(page.locator('.topbar-org')).toHaveText('Coopérative Al-Amal — الأمل')
  const card = page.locator('.org-card')
  await expect(card).toContainText('Coopérative Al-Amal — الأمل')
  await expect(card).toContainText('https://al-amal.example')
  await expect(card).toContainText('contact@al-amal.example')
  await expect(card.getByRole('img', { name: 'Logo of Coopérative Al-Amal — الأمل' })).toBeVisible()
  await expect(page.locator('[data-count="learners"] .stat-value')).toHaveText('0')

  // It is really in the database: a reload shows the dashboard, not the setup form.
  await page.reload()
  await expect(page.getByRole('heading', { level: 1, name: 'Start' })).toBeVisible()
  await expect(page.locator('.topbar-org')).toHaveText('Coopérative Al-Amal — الأمل')
})

test('setup errors are shown next to their fields and in a summary that leads to them', async ({
  app,
  page,
}) => {
  const name = page.getByLabel('Organization name')
  await page.getByRole('button', { name: 'Set up Tessera' }).click()
  const summary = page.getByRole('alert').filter({ hasText: 'Please correct the fields below.' })
  await expect(summary).toBeFocused()
  await expect(name).toHaveAttribute('aria-invalid', 'true')
  await expect(name).toHaveAccessibleDescription(/This field is required\./)

  // A server-side check (the email format) comes back as a typed error with its field path.
  await name.fill('Northside Skills Trust')
  await page.getByLabel('Contact email').fill('not-an-email')
  await page.getByLabel('Web address').fill('ftp://files.example')
  await page.getByRole('button', { name: 'Set up Tessera' }).click()
  await expect(page.getByLabel('Contact email')).toHaveAccessibleDescription(/Enter a valid email address/)
  await expect(page.getByLabel('Web address')).toHaveAccessibleDescription(
    /Enter a web address starting with https:\/\//,
  )
  await expect(name).not.toHaveAttribute('aria-invalid', 'true')
  await summary.getByRole('button', { name: /Contact email/ }).click()
  await expect(page.getByLabel('Contact email')).toBeFocused()

  await page.getByLabel('Contact email').fill('office@northside.example')
  await page.getByLabel('Web address').fill('')
  await page.getByRole('button', { name: 'Set up Tessera' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Start' })).toBeVisible()
  await expect(new AppPage(app).navLink('start')).toHaveAttribute('aria-current', 'page')
})

test('the access token is taken from the address once, and a page without it explains what to do', async ({
  app,
  page,
  server,
  browser,
}) => {
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Tessera' })).toBeVisible()
  expect(page.url()).not.toContain('token')
  await page.reload() // sessionStorage keeps it for this tab
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Tessera' })).toBeVisible()

  const stranger = await browser.newPage()
  await stranger.goto(server.origin + '/')
  await expect(stranger.getByRole('heading', { name: 'Open Tessera from its own address' })).toBeVisible()
  await stranger.goto(server.origin + '/#token=wrong-token')
  await stranger.reload()
  await expect(stranger.getByRole('heading', { name: 'Open Tessera from its own address' })).toBeVisible()
  await stranger.close()
  void app
})
