import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test as base, expect, type Browser, type Download, type Page } from '@playwright/test'
import { startServer, stop, type TesseraServer } from './fixtures'
import { callApi, seriousAxeFindings } from './helpers/api'
import { AppPage } from './pages/app-page'

const RUBRIC = path.join(import.meta.dirname, 'files', 'welding.rubric.json')

interface Installation {
  server: TesseraServer
  page: Page
  ui: AppPage
}

/**
 * Two real `tessera serve` processes on two temporary databases: the central office (hub) and a field
 * laptop, each with its own browser page. Files move between them the way a person moves them: saved
 * from one page (a download) and chosen in the other (a file input).
 */
const test = base.extend<{ hub: Installation; field: Installation; files: string }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright needs the destructuring pattern
  files: async ({}, use) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-sync-files-'))
    try {
      await use(dir)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  },
  hub: async ({ browser }, use, testInfo) => {
    await withInstallation(browser, 'hub', use, testInfo)
  },
  field: async ({ browser }, use, testInfo) => {
    await withInstallation(browser, 'field', use, testInfo)
  },
})

async function withInstallation(
  browser: Browser,
  name: string,
  use: (i: Installation) => Promise<void>,
  testInfo: { status?: string; expectedStatus: string; attach: (n: string, o: object) => Promise<void> },
): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tessera-e2e-${name}-`))
  const { server, child, output } = await startServer(path.join(dir, 'tessera.db'))
  const context = await browser.newContext({ acceptDownloads: true })
  try {
    const page = await context.newPage()
    await use({ server, page, ui: new AppPage(page) })
  } finally {
    await context.close()
    await stop(child)
    if (testInfo.status !== testInfo.expectedStatus)
      await testInfo.attach(`tessera-serve-${name}.log`, { body: output(), contentType: 'text/plain' })
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** Clicks what makes a download and keeps the file (as the person would, in a folder of theirs). */
async function saveDownload(page: Page, click: () => Promise<void>, dir: string): Promise<string> {
  const [download] = (await Promise.all([page.waitForEvent('download'), click()])) as [Download, void]
  const file = path.join(dir, download.suggestedFilename())
  await download.saveAs(file)
  return file
}

async function openSync(i: Installation): Promise<void> {
  await i.page.goto(i.server.url)
  await i.ui.open('sync')
  await expect(i.page.getByRole('heading', { level: 1, name: 'Sync' })).toBeVisible()
}

/** A learner assessed on the field laptop against the rubric the hub sent with the enrollment file. */
async function assessOnField(server: TesseraServer): Promise<void> {
  const [rubric] = await callApi(server, 'rubrics.list', {})
  if (!rubric) throw new Error('the field device received no rubric from the hub')
  const detail = await callApi(server, 'rubrics.get', { rubricId: rubric.id })
  const learner = await callApi(server, 'learners.add', {
    givenName: 'Amina',
    familyName: 'Yusuf',
    cohorts: [],
  })
  await callApi(server, 'assessments.record', {
    learnerId: learner.id,
    rubricId: rubric.id,
    assessorName: 'Grace Okafor',
    assessedOn: '2026-11-20',
    overallComment: 'Clean, even beads.',
    scores: detail.version.content.criteria.map((c) => ({
      criterion: c.id,
      level: c.levels.at(-1)!.id,
      comment: '',
    })),
    finalize: true,
  })
}

test('field → hub → receipt → field, through the Sync screens of two installations', async ({
  hub,
  field,
  files,
}) => {
  test.setTimeout(180_000)
  await callApi(hub.server, 'system.init', { organization: { name: 'Northside Skills Trust' } })
  await callApi(hub.server, 'rubrics.import', { text: fs.readFileSync(RUBRIC, 'utf8') })
  await callApi(field.server, 'system.init', { organization: { name: 'Northside Skills Trust' } })

  // Hub: becomes the hub and saves the enrollment file.
  await openSync(hub)
  const h = hub.page
  await expect(h.getByTestId('sync-role')).toHaveText('Not set up')
  await h.getByLabel('Name of the hub').fill('Central office')
  const enrollment = await saveDownload(
    h,
    () => h.getByRole('button', { name: 'Make and save the enrollment file' }).click(),
    files,
  )
  await expect(h.getByTestId('sync-role')).toHaveText('Hub (central office)')
  const hubFingerprint = (await h.getByTestId('sync-fingerprint').textContent())?.trim() ?? ''
  expect(hubFingerprint).not.toBe('')

  // Field: joins with the enrollment file and sees the same hub fingerprint.
  await openSync(field)
  const f = field.page
  await f.getByLabel('Name of this device').fill('Field laptop 3')
  await f.locator('#sync-join-file').setInputFiles(enrollment)
  await expect(f.getByText('Paired with the hub "Central office".')).toBeVisible()
  await expect(f.getByTestId('sync-status')).toContainText(hubFingerprint)
  expect(await seriousAxeFindings(f)).toEqual([])

  // Field: an assessment, then the screen says what the hub does not hold yet.
  await assessOnField(field.server)
  await openSync(field)
  await expect(f.getByTestId('sync-verdict')).toContainText('Not yet acknowledged by the hub')
  const fieldFingerprint = (await f.getByTestId('sync-fingerprint').textContent())?.trim() ?? ''

  // Field: exports; the bundle is saved.
  const bundle = await saveDownload(
    f,
    () => f.getByRole('button', { name: 'Export and save the bundle' }).click(),
    files,
  )
  await expect(f.getByTestId('sync-export-result')).toContainText('encrypted for the hub')

  // Hub: a bundle with one flipped byte is refused, and nothing changed.
  const damaged = path.join(files, 'damaged.bundle')
  const bytes = fs.readFileSync(bundle)
  bytes[Math.floor(bytes.length / 2)]! ^= 0x01
  fs.writeFileSync(damaged, bytes)
  await h.locator('#sync-import-file-hub').setInputFiles(damaged)
  await expect(h.getByTestId('sync-import-refused')).toHaveText(
    'The bundle was refused. Nothing was changed.',
  )
  expect((await callApi(hub.server, 'sync.status', {})).bundlesImported).toBe(0)

  // Hub: the real bundle comes from a device it does not know yet: trusted explicitly, by fingerprint.
  await h.locator('#sync-import-file-hub').setInputFiles(bundle)
  const unknown = h.getByTestId('sync-unknown-device')
  await expect(unknown).toContainText('Field laptop 3')
  await expect(unknown).toContainText(fieldFingerprint)
  await unknown.getByRole('button', { name: 'Trust this device and import' }).click()
  const report = h.getByTestId('sync-import-report')
  await expect(report).toContainText('Imported the bundle from "Field laptop 3"')
  await expect(report.getByTestId('sync-counts')).toContainText(/Accepted: [1-9]\d*/)
  await expect(report.getByTestId('sync-counts')).toContainText('Conflicts: 0')
  await expect(report.getByRole('row', { name: /Assessments 1 0 0/ })).toBeVisible()
  await expect(h.getByTestId('sync-devices')).toContainText('Field laptop 3')
  const receipt = await saveDownload(
    h,
    () => report.getByRole('button', { name: 'Save the receipt' }).click(),
    files,
  )
  expect(await seriousAxeFindings(h)).toEqual([])

  // Hub: the same bundle again changes nothing: all duplicates.
  await h.locator('#sync-import-file-hub').setInputFiles(bundle)
  await expect(report).toContainText('was imported before')
  await expect(report.getByTestId('sync-duplicates')).toContainText('are duplicates')

  // Field: takes the receipt back; all data accounted for.
  await f.locator('#sync-receipt-file').setInputFiles(receipt)
  await expect(f.getByTestId('sync-receipt-result')).toContainText('Receipt checked')
  await expect(f.getByTestId('sync-verdict')).toHaveText(/All data accounted for/)
  await expect(f.getByTestId('sync-verdict')).toHaveClass(/sync-verdict-ok/)
  expect((await callApi(field.server, 'sync.status', {})).allAccountedFor).toBe(true)
  expect(await seriousAxeFindings(f)).toEqual([])
})
