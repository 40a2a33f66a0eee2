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
