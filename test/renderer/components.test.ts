import { createElement as h, type ReactNode } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { Button } from '../../src/renderer/src/components/button'
import { DataTable } from '../../src/renderer/src/components/data-table'
import { Dialog } from '../../src/renderer/src/components/dialog'
import { ErrorBanner } from '../../src/renderer/src/components/error-banner'
import { fieldErrors, placeIssues } from '../../src/renderer/src/components/form-errors'
import { ProgressBar } from '../../src/renderer/src/components/progress-bar'
import { Select } from '../../src/renderer/src/components/select'
import { TextField } from '../../src/renderer/src/components/text-field'
import { ToastProvider } from '../../src/renderer/src/components/toast'
import { TesseraError } from '../../src/contract/errors'

/*
 * The component kit's accessibility wiring, checked on server-rendered markup (no DOM needed).
 * Without i18n set up, `t` returns the key, which is fine here. Behaviour in a real browser is
 * covered by the Playwright tests (test/e2e).
 */
const html = (node: ReactNode): string => renderToStaticMarkup(node)
const t = ((key: string) => `t:${key}`) as never

describe('the component kit', () => {
  it('TextField binds label, hint and error text to the input', () => {
    const out = html(
      h(TextField, {
        id: 'org-email',
        label: 'Email',
        hint: 'Where to write',
        error: 'Not an email',
        value: 'x',
        onChange: () => undefined,
        required: true,
      }),
    )
    expect(out).toContain('<label class="field-label" for="org-email">Email')
    expect(out).toMatch(
      /<input[^>]*id="org-email"[^>]*aria-invalid="true"[^>]*aria-describedby="org-email-hint org-email-error"/,
    )
    expect(out).toContain('id="org-email-hint"')
    expect(out).toContain('id="org-email-error"')
    expect(out).toMatch(/aria-required="true"/)
    expect(out).toMatch(/dir="auto"/) // names in any script
    const clean = html(h(TextField, { id: 'n', label: 'Name', value: '', onChange: () => undefined }))
    expect(clean).not.toMatch(/aria-invalid|aria-describedby/)
  })

  it('Select is labelled and marks each option’s language', () => {
    const out = html(
      h(Select, {
        id: 'lang',
        label: 'Language',
        value: 'ar',
        onChange: () => undefined,
        options: [{ value: 'ar', label: 'العربية', lang: 'ar' }],
      }),
    )
    expect(out).toContain('for="lang"')
    expect(out).toMatch(/<option value="ar" lang="ar" selected="">العربية<\/option>/)
  })

  it('ProgressBar exposes its value to assistive tech', () => {
    const out = html(h(ProgressBar, { label: 'Importing', done: 30, total: 120 }))
    expect(out).toMatch(
      /role="progressbar" aria-label="Importing" aria-valuemin="0" aria-valuemax="120" aria-valuenow="30"/,
    )
    expect(html(h(ProgressBar, { label: 'x', done: 500, total: 120 }))).toContain('aria-valuenow="120"')
  })

  it('DataTable has a caption and column headers, and a focusable scroll region', () => {
    const out = html(
      h(DataTable<{ id: string; n: number }>, {
        caption: 'Learners',
        rows: [{ id: 'a', n: 3 }],
        rowKey: (r) => r.id,
        columns: [
          { key: 'id', header: 'Id', cell: (r) => r.id },
          { key: 'n', header: 'Score', cell: (r) => r.n, numeric: true },
        ],
      }),
    )
    expect(out).toContain('<caption>Learners</caption>')
    expect(out).toContain('<th scope="col" class="numeric">Score</th>')
    expect(out).toMatch(/role="region" aria-label="Learners" tabindex="0"/)
    expect(
      html(h(DataTable, { caption: 'x', rows: [], rowKey: () => 1, columns: [], empty: 'No learners yet' })),
    ).toContain('No learners yet')
  })

  it('Dialog is a native dialog named by its title', () => {
    const out = html(
      h(Dialog, { open: false, title: 'Delete?', onClose: () => undefined, children: 'Sure?' }),
    )
    const id = /aria-labelledby="([^"]+)"/.exec(out)?.[1]
    expect(out).toMatch(/^<dialog/)
    expect(out).toContain(`<h2 id="${id}" class="dialog-title">Delete?</h2>`)
  })

  it('Toast regions are live regions from the start: polite status and assertive alert', () => {
    const out = html(h(ToastProvider, { children: 'app' }))
    expect(out).toContain('<div role="status" aria-live="polite"></div>')
    expect(out).toContain('<div role="alert" aria-live="assertive"></div>')
  })

  it('Button keeps focus while busy (aria-disabled, not disabled)', () => {
    const out = html(h(Button, { busy: true, children: 'Save' }))
    expect(out).toMatch(/aria-busy="true" aria-disabled="true"/)
    expect(out).not.toMatch(/ disabled=""/)
  })

  it('ErrorBanner lists field problems as buttons and other errors as their message', () => {
    const error = new TesseraError('validation', 'Invalid input', {
      issues: [
        { path: ['organization', 'email'], message: 'is not a valid email address' },
        { path: ['organization', 'somethingElse'], message: 'odd' },
      ],
    })
    const placed = placeIssues(error, ['organization'], ['name', 'email'], t)
    expect(placed).toEqual([
      { field: 'email', message: 't:validation.email' },
      { field: null, message: 'odd' },
    ])
    expect(fieldErrors(placed)).toEqual({ email: 't:validation.email' })
    const out = html(
      h(ErrorBanner, { error, issues: placed, fields: { email: { label: 'Email', id: 'setup-email' } } }),
    )
    expect(out).toMatch(/role="alert" tabindex="-1"/)
    expect(out).toContain('<button type="button" class="link-button">Email: t:validation.email</button>')
    expect(out).toContain('<li>odd</li>')
    const conflict = html(h(ErrorBanner, { error: new TesseraError('conflict', 'Already set up') }))
    expect(conflict).toContain('Already set up')
  })
})
