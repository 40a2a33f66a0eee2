import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test as base, expect, type Browser, type Download, type Page } from '@playwright/test'
import { startServer, stop, type TesseraServer } from '../fixtures'
import { AppPage } from '../pages/app-page'

export interface Installation {
  server: TesseraServer
  page: Page
  ui: AppPage
}

/**
 * Two real `tessera serve` processes on two temporary databases: the central office (hub) and a field
 * laptop, each with its own browser page. Files move between them the way a person moves them: saved
 * from one page (a download) and chosen in the other (a file input), kept in `files`.
 */
export const test = base.extend<{ hub: Installation; field: Installation; files: string }>({
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

export { expect }

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
export async function saveDownload(page: Page, click: () => Promise<void>, dir: string): Promise<string> {
  const [download] = (await Promise.all([page.waitForEvent('download'), click()])) as [Download, void]
  const file = path.join(dir, download.suggestedFilename())
  await download.saveAs(file)
  return file
}

/** Opens the Sync screen of an installation. */
export async function openSync(i: Installation): Promise<void> {
  await i.page.goto(i.server.url)
  await i.ui.open('sync')
  await expect(i.page.getByRole('heading', { level: 1, name: 'Sync' })).toBeVisible()
}
