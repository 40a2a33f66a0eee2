import path from 'node:path'
import { test, expect } from './fixtures'
import { callApi } from './helpers/api'
import { AppPage } from './pages/app-page'
import fs from 'node:fs'

const files = path.join(import.meta.dirname, 'files')

/** Learners and the rubric are not what this file tests: they are seeded through the API. */
async function seed(server: Parameters<typeof callApi>[0]): Promise<void> {
  await callApi(server, 'learners.add', { givenName: 'Amina', familyName: 'Haddad' })
  await callApi(server, 'learners.add', { givenName: 'Lucas', familyName: 'Moreau' })
  await callApi(server, 'rubrics.import', {
    text: fs.readFileSync(path.join(files, 'welding.rubric.json'), 'utf8'),
  })
}

test('an assessment is scored with the keyboard, autosaved, resumed after a reload and signed off', async ({
  app,
  page,
  server,
}) => {
  const ui = new AppPage(app)
  await ui.setUp({ name: 'Northside Skills Trust' })
  await seed(server)
  await ui.open('assess')

  await page.getByLabel('Find a learner').fill('hadd')
  await expect(page.getByRole('combobox', { name: /^Learner/ })).toHaveValue(/.+/)
  await expect(page.getByRole('combobox', { name: /^Learner/ }).locator('option')).toHaveCount(1)
  await page.getByRole('combobox', { name: /^Assessor/ }).selectOption({ label: 'Someone new…' })
  await page.getByLabel(/New assessor's name/).fill('Grace Okafor')
  await page.getByLabel('Place').fill('Workshop 2')
  await page.getByRole('button', { name: 'Start assessing' }).click()

  await expect(page.getByRole('heading', { name: /Safety and PPE/ })).toBeVisible()
  await expect(page.getByText('Keyboard: 1–9 pick a level')).toBeVisible()
  // Keyboard: "2" picks the second level, "n" moves on.
  await page.keyboard.press('2')
  await expect(page.getByRole('radio', { name: /Safe.*Full PPE/ })).toBeChecked()
  await page.keyboard.press('n')
  await expect(page.getByRole('heading', { name: /Weld bead quality/ })).toBeVisible()
  await page.getByText('Good', { exact: true }).click()
  await page.getByLabel('Comment on this criterion').fill('Even bead, tidy start and stop.')
  await expect(page.getByRole('status').filter({ hasText: /Saved at/ })).toBeVisible()

  await page.getByLabel('Add evidence file…').setInputFiles(path.join(files, 'logo.png'))
  await expect(page.getByText('“logo.png” was added.')).toBeVisible()

  await page.reload()
  await expect(page.getByRole('heading', { name: /Safety and PPE/ })).toBeVisible()
  await expect(page.getByRole('radio', { name: /Safe.*Full PPE/ })).toBeChecked()
  await expect(page.locator('.assess-evidence-list')).toContainText('logo.png')
  await page.keyboard.press('n')
  await expect(page.getByLabel('Comment on this criterion')).toHaveValue('Even bead, tidy start and stop.')

  await page.getByRole('button', { name: 'Review the outcome' }).click()
  await expect(page.locator('.assess-verdict')).toHaveText(/PASS/)
  await expect(page.getByText('4 of 4 points')).toBeVisible()
  await page.getByRole('button', { name: 'Sign off and finalize' }).click()
  const dialog = page.getByRole('dialog', { name: 'Sign off this assessment?' })
  await expect(dialog).toContainText('Grace Okafor signs off the assessment of Amina Haddad')
  await dialog.getByRole('button', { name: 'Sign off as Grace Okafor' }).click()
  await expect(page.getByText(/Signed off by Grace Okafor/)).toBeVisible()
  await expect(page.getByRole('button', { name: 'Issue the credential' })).toBeVisible()

  const stored = await callApi(server, 'assessments.list', { state: 'finalized', limit: 10, offset: 0 })
  expect(stored.items).toHaveLength(1)
  expect(stored.items[0]?.passed).toBe(true)
})

test('a failed critical criterion is explained in the review', async ({ app, page, server }) => {
  const ui = new AppPage(app)
  await ui.setUp({ name: 'Northside Skills Trust' })
  await seed(server)
  await ui.open('assess')
  await page.getByRole('combobox', { name: /^Assessor/ }).selectOption({ label: 'Someone new…' })
  await page.getByLabel(/New assessor's name/).fill('Grace Okafor')
  await page.getByRole('button', { name: 'Start assessing' }).click()
  await expect(page.getByRole('heading', { name: /Safety and PPE/ })).toBeVisible()
  await page.keyboard.press('1')
  await page.keyboard.press('n')
  await page.keyboard.press('3')
  await page.getByRole('button', { name: 'Review the outcome' }).click()
  await expect(page.locator('.assess-verdict')).toHaveText(/FAIL/)
  await expect(
    page.getByText('“Safety and PPE” is critical: it reached “Unsafe” but needs at least “Safe”.'),
  ).toBeVisible()
})
