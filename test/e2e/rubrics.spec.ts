import fs from 'node:fs'
import path from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'
import { callApi } from './helpers/api'
import { AppPage } from './pages/app-page'

const EXAMPLE = path.join(
  import.meta.dirname,
  '..',
  '..',
  'resources',
  'examples',
  'forklift-operation.rubric.json',
)

async function expectNoSeriousViolations(page: Page): Promise<void> {
  const r = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze()
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
}

test('create a rubric in the editor, fix a cell error, edit in place, then a new version once used', async ({
  app: page,
  server,
}, testInfo) => {
  const ui = new AppPage(page)
  await ui.setUp({ name: 'Northside Skills Trust' })
  await ui.open('rubrics')
  await page.getByRole('button', { name: 'New rubric' }).click()
  await page.getByLabel('Achievement name').fill('Safe ladder use')
  await page.getByLabel('Criterion 1: title', { exact: true }).fill('Inspects the ladder')
  await page.getByRole('button', { name: 'Add a criterion' }).click()
  await page.getByLabel('Criterion 1, level 2: points').fill('-1')
  await page.getByLabel('Criterion 2: title', { exact: true }).fill('Three points of contact')
  await page.getByLabel('Criterion 2 is critical').check()
  await page.getByRole('button', { name: 'Add a level' }).click()
  await page.getByLabel('Criterion 1, level 4: label').fill('Outstanding')
  await page.getByLabel('Criterion 2, level 4: label').fill('Outstanding')
  // The live preview follows the grid.
  await expect(page.locator('.rubric-preview')).toContainText('Three points of contact')
  await page.getByRole('button', { name: 'Save rubric' }).click()
  // The error is placed on its cell.
  await expect(page.locator('#c0-l1-points-error')).toBeVisible()
  await expect(page.getByLabel('Criterion 1, level 2: points')).toHaveAttribute('aria-invalid', 'true')
  await expect(page.locator('.error-banner')).toContainText('Criterion 1 › Level 2 › points')
  await page.screenshot({ path: testInfo.outputPath('rubric-editor-error.png'), fullPage: true })
  await page.getByLabel('Criterion 1, level 2: points').fill('1')
  await page.getByRole('button', { name: 'Save rubric' }).click()
  await expect(page.getByRole('heading', { level: 2, name: 'Safe ladder use' })).toBeVisible()
  await expect(page.getByTestId('rubric-versions').locator('li.version-item')).toHaveCount(1)

  // Unused: edited in place, still one version.
  await page.getByRole('button', { name: 'Edit', exact: true }).click()
  await page.getByLabel('Criterion 1: weight').fill('2')
  await page.getByRole('button', { name: 'Save rubric' }).click()
  await expect(page.getByText(/changed in place/).first()).toBeVisible()
  await expect(page.getByTestId('rubric-versions').locator('li.version-item')).toHaveCount(1)

  // Used for scoring: the next edit makes version 2, with what changed.
  const [rubric] = await callApi(server, 'rubrics.list', {})
  if (!rubric) throw new Error('the rubric made above is not listed')
  const learner = await callApi(server, 'learners.add', { givenName: 'Amina', familyName: 'Diallo' })
  const assessor = await callApi(server, 'assessors.add', { name: 'R. Okafor' })
  await callApi(server, 'assessments.create', {
    learnerId: learner.id,
    rubricId: rubric.id,
    assessorId: assessor.id,
    assessedOn: '2026-03-14',
  })
  await page.getByRole('button', { name: 'Edit', exact: true }).click()
  await page.getByLabel('Criterion 2: title', { exact: true }).fill('Keeps three points of contact')
  await page.getByLabel('Change note').fill('Clearer wording')
  await page.getByRole('button', { name: 'Save rubric' }).click()
  const versions = page.getByTestId('rubric-versions').locator('li.version-item')
  await expect(versions).toHaveCount(2)
  await expect(versions.first()).toContainText('Version 2')
  await expect(versions.first()).toContainText('Clearer wording')
  await expect(versions.first().locator('.change-list')).toContainText('Keeps three points of contact')
  await page.screenshot({ path: testInfo.outputPath('rubric-versions.png'), fullPage: true })
})

test('on a 1024x600 screen, a grid cell reached from the keyboard is not hidden by the Save bar', async ({
  app: page,
}) => {
  const ui = new AppPage(page)
  await ui.setUp({ name: 'Northside Skills Trust' })
  await page.setViewportSize({ width: 1024, height: 600 })
  await ui.open('rubrics')
  await page.getByRole('button', { name: 'New rubric' }).click()
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Add a criterion' }).click()
  const bar = page.locator('.sticky-actions')
  // Walk the grid with Tab, as an assessor without a mouse does: every focused field stays in sight.
  await page.getByLabel('Criterion 1: title', { exact: true }).focus()
  let checked = 0
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab')
    const focused = page.locator(':focus')
    if (!(await focused.evaluate((el) => el.closest('.rubric-grid') !== null))) continue
    const box = await focused.boundingBox()
    const barBox = await bar.boundingBox()
    expect(box, 'the focused cell has a box').not.toBeNull()
    expect(barBox, 'the Save bar has a box').not.toBeNull()
    if (box && barBox && barBox.y < 600) expect(box.y + box.height).toBeLessThanOrEqual(barBox.y + 1)
    checked++
  }
  expect(checked).toBeGreaterThan(20)
})

test('import an example rubric file and export it again', async ({ app: page }, testInfo) => {
  const ui = new AppPage(page)
  await ui.setUp({ name: 'Northside Skills Trust' })
  await ui.open('rubrics')
  await page.locator('#rubric-import').setInputFiles(EXAMPLE)
  await expect(page.getByTestId('rubric-versions')).toBeVisible()
  await page.getByRole('button', { name: 'Back to the list' }).click()
  await expect(page.getByTestId('rubric-list').locator('tbody tr')).toHaveCount(1)
  const download = page.waitForEvent('download')
  await page
    .getByTestId('rubric-list')
    .getByRole('button', { name: /^Export/ })
    .click()
  const file = await download
  expect(file.suggestedFilename()).toMatch(/\.rubric\.json$/)
  const saved = testInfo.outputPath(file.suggestedFilename())
  await file.saveAs(saved)
  const exported = JSON.parse(fs.readFileSync(saved, 'utf8'))
  const original = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'))
  expect(exported.achievement.name).toBe(original.achievement.name)
  expect(exported.criteria?.length ?? exported.content?.criteria?.length).toBeGreaterThan(0)
})

for (const lang of ['en', 'ar'] as const) {
  test(`rubric screens have no serious accessibility violations (${lang})`, async ({ app: page }) => {
    const ui = new AppPage(page)
    await ui.setUp({ name: 'Northside Skills Trust' })
    if (lang === 'ar') {
      await page.evaluate("localStorage.setItem('tessera.language', 'ar')")
      await page.reload()
    }
    await ui.navLink('rubrics').click()
    await page.locator('#rubric-import').setInputFiles(EXAMPLE)
    await expect(page.getByTestId('rubric-versions')).toBeVisible()
    await expectNoSeriousViolations(page)
    await page.locator('.rubric-show .btn-primary').click() // Edit
    await expect(page.locator('.rubric-editor')).toBeVisible()
    await expectNoSeriousViolations(page)
  })
}
