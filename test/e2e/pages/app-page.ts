import { expect, type Locator, type Page } from '@playwright/test'

export const SCREENS = [
  'start',
  'learners',
  'rubrics',
  'assess',
  'credentials',
  'verify',
  'sync',
  'settings',
] as const
export type ScreenKey = (typeof SCREENS)[number]

/** The app as a user sees it: navigation, headings, the setup form. */
export class AppPage {
  constructor(readonly page: Page) {}

  navLink(screen: ScreenKey): Locator {
    return this.page.locator(`nav a[data-nav="${screen}"]`)
  }

  heading(): Locator {
    return this.page.getByRole('heading', { level: 1 })
  }

  async open(screen: ScreenKey): Promise<void> {
    await this.navLink(screen).click()
    await expect(this.navLink(screen)).toHaveAttribute('aria-current', 'page')
    await expect(this.heading()).toBeVisible()
  }

  /** First-run setup through the form, then wait for the dashboard. */
  async setUp(org: {
    name: string
    url?: string
    email?: string
    description?: string
    logo?: string
  }): Promise<void> {
    const p = this.page
    await expect(p.getByRole('heading', { level: 1, name: 'Welcome to Tessera' })).toBeVisible()
    await p.getByLabel('Organization name').fill(org.name)
    if (org.url) await p.getByLabel('Web address').fill(org.url)
    if (org.email) await p.getByLabel('Contact email').fill(org.email)
    if (org.description) await p.getByLabel('Description').fill(org.description)
    if (org.logo) await p.getByLabel('Choose a logo…').setInputFiles(org.logo)
    await p.getByRole('button', { name: 'Set up Tessera' }).click()
    await expect(this.navLink('start')).toHaveAttribute('aria-current', 'page')
    await expect(p.getByRole('heading', { level: 1, name: 'Start' })).toBeVisible()
  }
}
