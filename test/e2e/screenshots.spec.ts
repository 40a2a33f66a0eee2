import path from 'node:path'
import { test, expect } from './fixtures'
import { AppPage, SCREENS } from './pages/app-page'

const LOGO = path.join(import.meta.dirname, 'files', 'logo.png')

/**
 * Screenshots of every screen at the smallest (1024x600) and a large (1920x1080) window, in English
 * and Arabic, written under test-results/ for people to look at. The test also checks that nothing
 * overflows the window sideways at either size.
 */
for (const viewport of [
  { width: 1024, height: 600 },
  { width: 1920, height: 1080 },
]) {
  test(`every screen at ${viewport.width}x${viewport.height}`, async ({ app, page }, testInfo) => {
    test.setTimeout(180_000) // ten screens, each analysed or photographed
    await page.setViewportSize(viewport)
    const shot = async (name: string): Promise<void> => {
      const file = testInfo.outputPath(`${viewport.width}x${viewport.height}-${name}.png`)
      await page.screenshot({ path: file })
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      )
      expect(overflow, `${name} is wider than the window`).toBeLessThanOrEqual(0)
    }
    const ui = new AppPage(app)
    await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Tessera' })).toBeVisible()
    await shot('setup')
    await page.getByRole('button', { name: 'Set up Tessera' }).click()
    await expect(page.getByRole('alert').first()).toBeVisible()
    await shot('setup-error')
    await ui.setUp({
      name: 'Northside Skills Trust',
      url: 'https://northside.example',
      email: 'office@northside.example',
      description: 'Welding, plumbing and electrical installation for school leavers.',
      logo: LOGO,
    })
    for (const screen of SCREENS) {
      await ui.open(screen)
      await shot(screen)
    }
    await page.getByRole('combobox', { name: 'Language' }).selectOption('ar')
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
    await shot('settings-ar')
    await ui.open('start')
    await shot('start-ar')
  })
}
