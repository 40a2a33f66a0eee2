import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'
import { AppPage, SCREENS } from './pages/app-page'

/** axe-core with the WCAG 2.1 A/AA rules; serious and critical findings fail the test. */
async function expectNoSeriousViolations(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze()
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  const report = serious
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`)
    .join('\n')
  expect(serious, `${where}:\n${report}`).toEqual([])
}

for (const language of ['en', 'ar'] as const) {
  test(`axe finds no serious or critical problems on any screen (${language})`, async ({ app, page }) => {
    test.setTimeout(180_000) // ten screens, each analysed or photographed
    const ui = new AppPage(app)
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    page.on('pageerror', (e) => errors.push(e.message))
    if (language === 'ar') {
      await page.getByRole('combobox', { name: 'Language' }).selectOption('ar')
      await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
    }
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
    await expectNoSeriousViolations(page, 'setup')
    await page.locator('form button[type="submit"]').click()
    await expect(page.locator('.error-banner')).toBeVisible()
    await expectNoSeriousViolations(page, 'setup with errors')
    await page.locator('#setup-name').fill('Northside Skills Trust')
    await page.locator('form button[type="submit"]').click()
    await expect(ui.navLink('start')).toHaveAttribute('aria-current', 'page')
    for (const screen of SCREENS) {
      await ui.open(screen)
      await expectNoSeriousViolations(page, screen)
    }
    // The strict CSP allows everything the app does: no violations or script errors on any screen.
    expect(errors).toEqual([])
  })
}
