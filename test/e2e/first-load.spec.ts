import type { Request } from '@playwright/test'
import { test, expect } from './fixtures'

/*
 * How the first screen loads (browser mode, a new database). Not timed: each checks an order of
 * events that a slower machine cannot change.
 */

const MAIN_BUNDLE = /\/assets\/index-[\w-]+\.js$/
const isStatus = (r: Request): boolean => new URL(r.url()).pathname === '/api/system.status'

test('the first system.status request leaves before the main bundle has arrived, and only once', async ({
  server,
  page,
}) => {
  const statusRequests: Request[] = []
  let statusSent!: () => void
  const statusHasLeft = new Promise<void>((resolve) => (statusSent = resolve))
  page.on('request', (r) => {
    if (!isStatus(r)) return
    statusRequests.push(r)
    statusSent()
  })
  // The main bundle is held back until the status request has been sent: if that request waited
  // for the main bundle, neither would ever come and the welcome screen would not appear.
  await page.route(MAIN_BUNDLE, async (route) => {
    await statusHasLeft
    await route.continue()
  })
  await page.goto(server.url, { waitUntil: 'commit' })
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Tessera' })).toBeVisible()
  // The app took the early request's answer instead of asking again.
  expect(statusRequests).toHaveLength(1)
})

test('English starts without fetching the other languages’ texts', async ({ server, page }) => {
  const scripts: Promise<string>[] = []
  page.on('response', (r) => void (r.request().resourceType() === 'script' && scripts.push(r.text())))
  await page.goto(server.url)
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Tessera' })).toBeVisible()
  const code = await Promise.all(scripts)
  expect(code.some((c) => c.includes('Welcome to Tessera'))).toBe(true)
  expect(
    code.filter((c) => c.includes('Bienvenue dans Tessera') || c.includes('مرحبًا بك في Tessera')),
  ).toEqual([])
})

test('a saved language is loaded before the first render: no English flash', async ({ server, page }) => {
  // A string, as the page's code: this file is compiled without the DOM's types.
  await page.addInitScript(`
    localStorage.setItem('tessera.language', 'fr')
    // The text of the first <h1> ever rendered, whenever that is.
    new MutationObserver(() => {
      const h1 = document.querySelector('h1')
      if (window.firstHeading === undefined && h1 && h1.textContent) window.firstHeading = h1.textContent
    }).observe(document, { childList: true, subtree: true, characterData: true })
  `)
  const scripts: string[] = []
  page.on('request', (r) => void (r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname)))
  await page.goto(server.url)
  await expect(page.getByRole('heading', { level: 1, name: 'Bienvenue dans Tessera' })).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr')
  expect(await page.evaluate('window.firstHeading')).toBe('Bienvenue dans Tessera')
  expect(scripts.filter((s) => /\/assets\/(fr|ar)-[\w-]+\.js$/.test(s))).toEqual([
    expect.stringMatching(/\/assets\/fr-/),
  ])

  // Switching loads Arabic, then switches: right-to-left, and English still fills any gap.
  await page.getByRole('combobox', { name: 'Langue' }).selectOption('ar')
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
  await expect(page.getByRole('heading', { level: 1, name: 'مرحبًا بك في Tessera' })).toBeVisible()
})
