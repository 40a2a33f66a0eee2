import { test, expect } from './fixtures'
import { AppPage } from './pages/app-page'

test('first-run setup can be done with the keyboard alone', async ({ app, page }) => {
  const ui = new AppPage(app)
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Tessera' })).toBeVisible()

  await page.keyboard.press('Tab')
  await expect(page.getByRole('link', { name: 'Skip to main content' })).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.locator('main')).toBeFocused()

  // Submitting the empty form moves focus to the error summary; its entry leads to the field.
  await page.keyboard.press('Tab')
  await expect(page.getByLabel('Organization name')).toBeFocused()
  await page.keyboard.press('Enter')
  const summary = page.locator('.error-banner')
  await expect(summary).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(summary.getByRole('button', { name: /Organization name/ })).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByLabel('Organization name')).toBeFocused()

  await page.keyboard.type('Keyboard Training Centre')
  await page.keyboard.press('Tab')
  await expect(page.getByLabel('Web address')).toBeFocused()
  await page.keyboard.type('https://keyboard.example')
  await page.keyboard.press('Tab')
  await expect(page.getByLabel('Contact email')).toBeFocused()
  await page.keyboard.type('desk@keyboard.example')
  await page.keyboard.press('Tab')
  await expect(page.getByLabel('Description')).toBeFocused()
  await page.keyboard.type('Only keys were used.')
  await page.keyboard.press('Tab')
  await expect(page.getByLabel('Choose a logo…')).toBeFocused()
  await page.keyboard.press('Tab')
  const submit = page.getByRole('button', { name: 'Set up Tessera' })
  await expect(submit).toBeFocused()
  await expect(submit).toHaveCSS('outline-style', 'solid')
  await page.keyboard.press('Enter')

  // The dashboard's heading takes focus so the next Tab continues from the new screen.
  await expect(page.getByRole('heading', { level: 1, name: 'Start' })).toBeFocused()
  await expect(page.locator('.org-card')).toContainText('Keyboard Training Centre')

  // Navigation works from the keyboard too.
  await ui.navLink('settings').focus()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeFocused()
})
