import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { Page, TestInfo } from '@playwright/test'
import { test, expect } from './fixtures'
import { callApi, seriousAxeFindings } from './helpers/api'
import { seedFinalizedAssessment } from './helpers/seed'
import { AppPage, type ScreenKey } from './pages/app-page'

const files = path.join(import.meta.dirname, 'files')
const LEARNERS_CSV = path.join(import.meta.dirname, '..', '..', 'resources', 'examples', 'learners.csv')
const RUBRIC = path.join(files, 'welding.rubric.json')
const PHOTO = path.join(files, 'logo.png')

/** A screenshot of the screen as it is now, at the small and the large supported window sizes. */
async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  for (const size of [
    { width: 1024, height: 600 },
    { width: 1920, height: 1080 },
  ]) {
    await page.setViewportSize(size)
    const file = testInfo.outputPath(`${name}-${size.width}x${size.height}.png`)
    await page.screenshot({ path: file, fullPage: false })
    await testInfo.attach(`${name}-${size.width}x${size.height}`, { path: file, contentType: 'image/png' })
  }
  await page.setViewportSize({ width: 1280, height: 800 })
}

async function saveDownload(page: Page, testInfo: TestInfo, button: string): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ])
  const file = testInfo.outputPath(download.suggestedFilename())
  await download.saveAs(file)
  return file
}

test('the whole flow of a new user: setup, learners, rubric, assess, issue, verify, revoke', async ({
  app: page,
  server,
}, testInfo) => {
  test.setTimeout(180_000)
  const ui = new AppPage(page)
  const open = async (screen: ScreenKey): Promise<void> => ui.open(screen)

  // First-run setup.
  await ui.setUp({ name: 'Northside Skills Trust', email: 'office@northside.example' })

  // Learners from CSV (the Learners screen).
  await open('learners')
  await page.getByRole('button', { name: 'Import CSV' }).click()
  await page.getByLabel('CSV file', { exact: true }).setInputFiles(LEARNERS_CSV)
  await page.getByRole('button', { name: 'Import 9 learners' }).click()
  await expect(page.getByText('Import finished.').first()).toBeVisible()

  // A rubric, imported from a rubric file on the Rubrics screen.
  await open('rubrics')
  await page.locator('#rubric-import').setInputFiles(RUBRIC)
  await expect(page.getByText('Fillet weld practical').first()).toBeVisible()

  // Assess Amina Diallo with an evidence photo; autosave; reload; finalize.
  await open('assess')
  await shoot(page, testInfo, 'assess-start')
  await page.getByLabel('Find a learner').fill('diallo')
  await expect(page.getByRole('combobox', { name: /^Learner/ }).locator('option')).toHaveCount(1)
  await page.getByRole('combobox', { name: /^Assessor/ }).selectOption({ label: 'Someone new…' })
  await page.getByLabel(/New assessor's name/).fill('Grace Okafor')
  await page.getByRole('button', { name: 'Start assessing' }).click()
  await expect(page.getByRole('heading', { name: /Safety and PPE/ })).toBeVisible()
  await page.keyboard.press('2')
  await page.keyboard.press('n')
  await page.keyboard.press('3')
  await page.getByLabel('Comment on this criterion').fill('Even bead.')
  await page.getByLabel('Add evidence file…').setInputFiles(PHOTO)
  await expect(page.getByText('“logo.png” was added.')).toBeVisible()
  await expect(page.getByRole('status').filter({ hasText: /Saved at/ })).toBeVisible()
  await shoot(page, testInfo, 'assess-scoring')
  expect(await seriousAxeFindings(page)).toEqual([])
  await page.reload()
  await expect(page.getByRole('heading', { name: /Safety and PPE/ })).toBeVisible()
  await expect(page.getByRole('radio', { name: /Safe.*Full PPE/ })).toBeChecked()
  await page.getByRole('button', { name: '2. Review and sign off' }).click()
  await expect(page.locator('.assess-verdict')).toHaveText(/PASS/)
  await shoot(page, testInfo, 'assess-review')
  expect(await seriousAxeFindings(page)).toEqual([])
  await page.getByRole('button', { name: 'Sign off and finalize' }).click()
  await page.getByRole('button', { name: 'Sign off as Grace Okafor' }).click()
  await expect(page.getByText(/Signed off by Grace Okafor/)).toBeVisible()

  // Issue, then the PDF and the badge.
  await page.getByRole('button', { name: 'Issue the credential' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Credentials' })).toBeVisible()
  await expect(page.getByRole('combobox', { name: /Finalized assessment/ })).toHaveValue(/.+/)
  await page.getByRole('button', { name: 'Issue the credential' }).click()
  await expect(page.getByRole('heading', { level: 2, name: /Amina Diallo — Fillet welding/ })).toBeVisible()
  await expect(page.locator('iframe.cred-pdf')).toBeVisible()
  await shoot(page, testInfo, 'credentials')
  expect(await seriousAxeFindings(page)).toEqual([])

  const pdf = await saveDownload(page, testInfo, 'Save the PDF certificate')
  expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-')
  expect(execFileSync('pdftotext', [pdf, '-']).toString()).toContain('Amina Diallo')
  const json = await saveDownload(page, testInfo, 'Save badge (JSON)')
  const badge = JSON.parse(fs.readFileSync(json, 'utf8')) as { proof?: unknown; credentialSubject?: unknown }
  expect(badge.proof).toBeTruthy()
  const png = await saveDownload(page, testInfo, 'Save badge image (PNG)')
  expect(fs.readFileSync(png).subarray(1, 4).toString()).toBe('PNG')

  // Verify the badge.
  await open('verify')
  await page.locator('#verify-file').setInputFiles(json)
  await expect(page.getByRole('heading', { level: 2, name: /^Verified$/ })).toBeVisible()
  await expect(page.locator('.verify-check-passed').first()).toBeVisible()
  await shoot(page, testInfo, 'verify-ok')
  // On a netbook-sized window the verdict, below the inputs, is scrolled into view and focused.
  await page.setViewportSize({ width: 1024, height: 600 })
  await page.locator('#verify-file').setInputFiles(png)
  const verdict = page.getByRole('heading', { level: 2, name: /^Verified$/ })
  await expect(verdict).toBeInViewport()
  await expect(verdict).toBeFocused()
  await page.setViewportSize({ width: 1280, height: 800 })

  // Revoke, and Verify shows it.
  await open('credentials')
  await page.getByRole('button', { name: 'Open the credential of Amina Diallo' }).click()
  await page.getByRole('button', { name: 'Revoke…' }).click()
  const dialog = page.getByRole('dialog', { name: 'Revoke this credential?' })
  await dialog.getByRole('button', { name: 'Revoke', exact: true }).click()
  await expect(dialog.getByText('Give a reason: it is kept in the record.')).toBeVisible()
  await dialog.getByLabel(/Reason/).fill('Issued to the wrong cohort by mistake.')
  await dialog.getByRole('button', { name: 'Revoke', exact: true }).click()
  await expect(page.getByText(/Revoked on .*wrong cohort/)).toBeVisible()

  await open('verify')
  await page.locator('#verify-file').setInputFiles(json)
  await expect(page.getByRole('heading', { level: 2, name: /Not verified — revoked/ })).toBeVisible()
  await expect(page.locator('.verify-check-failed').filter({ hasText: 'Revocation status' })).toBeVisible()
  await shoot(page, testInfo, 'verify-revoked')
  expect(await seriousAxeFindings(page)).toEqual([])

  const stored = await callApi(server, 'credentials.list', { limit: 10, offset: 0 })
  expect(stored.items).toHaveLength(1)
  expect(stored.items[0]?.revocationReason).toBe('Issued to the wrong cohort by mistake.')
})

test('a failing assessment cannot be issued, and the screen says why', async ({ app: page, server }) => {
  const ui = new AppPage(page)
  await ui.setUp({ name: 'Northside Skills Trust' })
  await seedFinalizedAssessment(server, { passing: false })
  await ui.open('credentials')
  await expect(page.getByRole('combobox', { name: /Finalized assessment/ })).toContainText('Kofi Mensah')
  await expect(page.getByRole('combobox', { name: /Finalized assessment/ })).toContainText('(failed)')
  await page.getByRole('button', { name: 'Issue the credential' }).click()
  await expect(page.getByRole('alert').filter({ hasText: /did not pass/ })).toBeVisible()
  const stored = await callApi(server, 'credentials.list', { limit: 10, offset: 0 })
  expect(stored.items).toHaveLength(0)
})
