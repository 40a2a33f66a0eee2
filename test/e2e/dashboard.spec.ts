import fs from 'node:fs'
import path from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { test, expect, type TesseraServer } from './fixtures'
import { callApi } from './helpers/api'
import { AppPage } from './pages/app-page'

const ROOT = path.join(import.meta.dirname, '..', '..')
const RUBRIC = path.join(ROOT, 'resources', 'examples', 'forklift-operation.rubric.json')
const LEARNERS = path.join(ROOT, 'resources', 'examples', 'learners.csv')

async function expectNoSeriousViolations(page: Page, where: string): Promise<void> {
  const r = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze()
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(bad.map((v) => `${where} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
}

/** 9 learners, the forklift rubric, two finalized assessments (a pass and a fail) and a draft today. */
async function seed(server: TesseraServer): Promise<void> {
  await callApi(server, 'learners.importCommit', {
    csvBase64: fs.readFileSync(LEARNERS).toString('base64'),
    fileName: 'learners.csv',
  })
  const { rubric } = await callApi(server, 'rubrics.import', { text: fs.readFileSync(RUBRIC, 'utf8') })
  const detail = await callApi(server, 'rubrics.get', { rubricId: rubric.id })
  const criteria: { id: string; levels: { id: string }[] }[] = detail.version.content.criteria
  const learners = (await callApi(server, 'learners.list', {})).items
  const assessor = await callApi(server, 'assessors.add', { name: 'R. Okafor' })
  const assess = async (learnerId: string, pick: (levels: { id: string }[]) => string, finalize: boolean) => {
    const a = await callApi(server, 'assessments.create', {
      learnerId,
      rubricId: rubric.id,
      assessorId: assessor.id,
      assessedOn: new Date().toISOString().slice(0, 10),
    })
    await callApi(server, 'assessments.saveDraft', {
      id: a.id,
      scores: criteria.map((c) => ({ criterionId: c.id, levelId: pick(c.levels) })),
    })
    if (finalize) await callApi(server, 'assessments.finalize', { id: a.id })
  }
  await assess(learners[0]!.id, (l) => l.at(-1)!.id, true) // top marks: a pass
  await assess(learners[1]!.id, (l) => l[0]!.id, true) // lowest marks: a fail
  await assess(learners[2]!.id, (l) => l[1]!.id, false) // a draft waiting
}

test('the dashboard shows the counts and accessible charts; axe passes in English and Arabic', async ({
  app: page,
  server,
}, testInfo) => {
  test.setTimeout(180_000) // axe on a page with charts, twice, on a slow machine
  const ui = new AppPage(page)
  await ui.setUp({ name: 'Northside Skills Trust' })
  await seed(server)
  await page.reload()
  const count = (key: string) => page.locator(`[data-count="${key}"] .stat-value`)
  await expect(count('learners')).toHaveText('9')
  await expect(count('draftsWaiting')).toHaveText('1')
  await expect(count('assessmentsThisWeek')).toHaveText('3')
  await expect(count('credentialsIssued')).toHaveText(/^\d+$/)
  await expect(count('unsynced')).toHaveText(/^\d+$/)
  await expect(page.getByText('1 of 2 finalized assessments passed (50 %).')).toBeVisible()
  // The charts' text alternative: a table a screen reader reads.
  await expect(page.getByRole('table', { name: 'Pass rate by achievement' })).toContainText('50 %')
  await expect(
    page.getByRole('table', { name: 'Criteria learners most often miss' }).locator('tbody tr').first(),
  ).toBeAttached()
  await expect(page.locator('.recharts-surface').first()).toBeVisible()
  await page.screenshot({ path: testInfo.outputPath('dashboard-en.png'), fullPage: true })
  await expectNoSeriousViolations(page, 'dashboard en')
  await page.evaluate("localStorage.setItem('tessera.language', 'ar')")
  await page.reload()
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
  await expect(page.locator('.recharts-surface').first()).toBeVisible()
  await page.screenshot({ path: testInfo.outputPath('dashboard-ar.png'), fullPage: true })
  await expectNoSeriousViolations(page, 'dashboard ar')
})

for (const viewport of [
  { width: 1024, height: 600 },
  { width: 1920, height: 1080 },
]) {
  test(`start, learners and rubrics with data at ${viewport.width}x${viewport.height}`, async ({
    app: page,
    server,
  }, testInfo) => {
    test.setTimeout(120_000)
    await page.setViewportSize(viewport)
    const ui = new AppPage(page)
    await ui.setUp({ name: 'Northside Skills Trust' })
    await seed(server)
    const shot = async (name: string) => {
      await page.screenshot({ path: testInfo.outputPath(`${viewport.width}x${viewport.height}-${name}.png`) })
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      )
      expect(overflow, `${name} is wider than the window`).toBeLessThanOrEqual(0)
    }
    for (const lang of ['en', 'ar'] as const) {
      if (lang === 'ar') {
        await page.evaluate("localStorage.setItem('tessera.language', 'ar')")
      }
      await page.reload()
      await ui.navLink('start').click()
      await expect(page.locator('.recharts-surface').first()).toBeVisible()
      await shot(`${lang}-start`)
      await ui.navLink('learners').click()
      await page.locator('.learner-row-button').first().click()
      await expect(page.locator('#learner-detail-title')).toBeVisible()
      await shot(`${lang}-learners`)
      await page.locator('.screen-actions .btn-secondary').click() // Import CSV
      await page.locator('#import-file').setInputFiles(LEARNERS)
      await expect(page.getByTestId('import-counts')).toBeVisible()
      await shot(`${lang}-learners-import`)
      await ui.navLink('rubrics').click()
      await expect(page.getByTestId('rubric-list')).toBeVisible()
      await shot(`${lang}-rubrics`)
      await page.getByTestId('rubric-list').locator('tbody .btn').first().click()
      await expect(page.getByTestId('rubric-versions')).toBeVisible()
      await shot(`${lang}-rubric-versions`)
      await page.locator('.rubric-show .btn-primary').click()
      await expect(page.locator('.rubric-editor')).toBeVisible()
      await shot(`${lang}-rubric-editor`)
    }
  })
}
