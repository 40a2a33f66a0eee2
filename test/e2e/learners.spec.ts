import path from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import { test, expect } from './fixtures'
import { AppPage } from './pages/app-page'

const EXAMPLE_CSV = path.join(import.meta.dirname, '..', '..', 'resources', 'examples', 'learners.csv')
const BAD_CSV = path.join(import.meta.dirname, 'files', 'learners-bad.csv')

test('import learners from a CSV, search without accents, open and edit one', async ({
  app: page,
}, testInfo) => {
  const ui = new AppPage(page)
  await ui.setUp({ name: 'Northside Skills Trust' })
  await ui.open('learners')
  await expect(page.getByTestId('learner-count')).toHaveText('0 learners')

  await page.getByRole('button', { name: 'Import CSV' }).click()
  await page.getByLabel('CSV file', { exact: true }).setInputFiles(EXAMPLE_CSV)
  await expect(page.getByTestId('import-counts')).toContainText('9 new learners')
  await page.screenshot({ path: testInfo.outputPath('learners-import-preview.png'), fullPage: true })
  await page.getByRole('button', { name: 'Import 9 learners' }).click()
  await expect(page.getByText('Import finished.').first()).toBeVisible()
  await page.getByRole('button', { name: 'Back to the list' }).click()
  await expect(page.getByTestId('learner-count')).toHaveText('9 learners')

  await page.getByLabel('Search learners').fill('nguyen')
  await expect(page.getByTestId('learner-count')).toHaveText('1 learner found')
  await page.getByRole('button', { name: /Thị Hồng Nguyễn/ }).click()
  await expect(page.getByRole('heading', { level: 2, name: 'Thị Hồng Nguyễn' })).toBeVisible()

  await page.getByRole('button', { name: 'Edit' }).click()
  await page.getByLabel('Email').fill('not an email')
  await page.getByRole('button', { name: 'Save changes' }).click()
  await expect(page.locator('#learner-edit-email-error, .field-error').first()).toBeVisible()
  await page.getByLabel('Email').fill('hong.nguyen@example.org')
  await page.getByRole('button', { name: 'Save changes' }).click()
  await expect(page.getByText('Version 2')).toBeVisible()
  await expect(page.getByText('hong.nguyen@example.org').first()).toBeVisible()
})

test('a CSV with bad rows reports each problem with its row number; leaving them out imports the good row', async ({
  app: page,
}) => {
  const ui = new AppPage(page)
  await ui.setUp({ name: 'Northside Skills Trust' })
  await ui.open('learners')
  await page.getByRole('button', { name: 'Import CSV' }).click()
  await page.getByLabel('CSV file', { exact: true }).setInputFiles(BAD_CSV)
  const problems = page.getByTestId('import-problems')
  await expect(problems).toBeVisible()
  // Row 3 (header = row 1) has no given name; row 4 a bad email.
  await expect(problems.locator('tr', { hasText: 'required' }).first()).toContainText('3')
  await expect(problems.locator('tr', { hasText: 'not a valid email address' })).toContainText('4')
  await expect(page.getByRole('heading', { name: '1 duplicate' })).toBeVisible()
  await expect(page.getByText(/Cannot import yet/)).toBeVisible()

  // Leaving the bad rows out lets the good one in.
  await page.getByLabel('Import the good rows and leave out the bad ones').check()
  await expect(page.getByRole('button', { name: 'Import 1 learner' })).toBeVisible()
  await page.getByRole('button', { name: 'Import 1 learner' }).click()
  await expect(page.getByText('Import finished.').first()).toBeVisible()
})

for (const lang of ['en', 'ar'] as const) {
  test(`learners screen has no serious accessibility violations (${lang})`, async ({ app: page }) => {
    const ui = new AppPage(page)
    await ui.setUp({ name: 'Northside Skills Trust' })
    if (lang === 'ar') {
      await page.evaluate("localStorage.setItem('tessera.language', 'ar')")
      await page.reload()
    }
    await ui.navLink('learners').click()
    await page.locator('button.btn-secondary').first().click() // Import CSV
    await page.locator('#import-file').setInputFiles(EXAMPLE_CSV)
    await expect(page.getByTestId('import-counts')).toBeVisible()
    const check = async () => {
      const r = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
        .analyze()
      const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
    }
    await check()
    await page.locator('.learner-import .form-actions .btn-primary').click()
    await page.locator('.import-result .btn').click()
    await page.locator('.learner-row-button').first().click()
    await expect(page.locator('#learner-detail-title')).toBeVisible()
    await check()
  })
}
