import { test, expect } from './fixtures'
import { AppPage } from './pages/app-page'

test('Arabic renders right-to-left: dir=rtl on <html> and the navigation on the right', async ({
  app,
  page,
}) => {
  const ui = new AppPage(app)
  const width = page.viewportSize()?.width ?? 1280
  await ui.setUp({ name: 'Northside Skills Trust' })
  const navBefore = await ui.navLink('start').boundingBox()
  expect(navBefore!.x + navBefore!.width).toBeLessThan(width / 2)

  await ui.open('settings')
  await page.getByRole('combobox', { name: 'Language of the app' }).selectOption('ar')
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar')
  await expect(ui.navLink('start')).toHaveText('البداية')

  const nav = await ui.navLink('start').boundingBox()
  expect(nav!.x).toBeGreaterThan(width / 2)
  // Content mirrors too: the heading starts at the right edge of the content area.
  const heading = await ui.heading().boundingBox()
  const content = await page.locator('main').boundingBox()
  expect(content!.x + content!.width - (heading!.x + heading!.width)).toBeLessThan(64)

  // Remembered after a reload, and the setup screen of a new database follows it too.
  await page.reload()
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
})

test('the first-run screen can switch to Arabic before setup', async ({ app, page }) => {
  await page.getByRole('combobox', { name: 'Language' }).selectOption('ar')
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
  await expect(page.getByRole('heading', { level: 1, name: 'مرحبًا بك في Tessera' })).toBeVisible()
  await page.getByLabel('اسم المؤسسة').fill('مركز الأمل للتدريب المهني')
  await page.getByRole('button', { name: 'إعداد Tessera' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'البداية' })).toBeVisible()
  await expect(page.locator('.topbar-org')).toHaveText('مركز الأمل للتدريب المهني')
  void app
})
