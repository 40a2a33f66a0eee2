import { createElement as h, type ReactNode } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { TesseraError } from '../../src/contract/errors'
import { bindFields, summaryFields } from '../../src/renderer/src/components/bind-field'
import { DataTable, type Column } from '../../src/renderer/src/components/data-table'
import { OpTable } from '../../src/renderer/src/components/op-table'
import type { OpState } from '../../src/renderer/src/hooks/use-op'

/* The shared table and field wiring the screens use, on server-rendered markup (see components.test.ts). */
const html = (node: ReactNode): string => renderToStaticMarkup(node)

interface Device {
  id: string
  name: string
  fingerprint: string
}
const devices: Device[] = [
  { id: 'd1', name: 'Field laptop 3', fingerprint: 'AB:CD' },
  { id: 'd2', name: 'حاسوب ميداني', fingerprint: 'EF:01' },
]
const columns: Column<Device>[] = [
  { key: 'name', header: 'Name', rowHeader: true, cell: (d) => d.name },
  { key: 'fp', header: 'Fingerprint', className: 'mono', dir: 'ltr', cell: (d) => d.fingerprint },
]

describe('DataTable', () => {
  it('names a row by its row-header cell, sets a column’s direction and class, and marks the open row', () => {
    const out = html(
      h(DataTable<Device>, {
        caption: 'Devices',
        columns,
        rows: devices,
        rowKey: (d) => d.id,
        isCurrent: (d) => d.id === 'd2',
        testId: 'devices',
      }),
    )
    expect(out).toContain('<table class="table" data-testid="devices">')
    expect(out).toContain('<tr><th scope="row">Field laptop 3</th><td class="mono" dir="ltr">AB:CD</td></tr>')
    expect(out).toContain('<tr aria-current="true"><th scope="row">حاسوب ميداني</th>')
    expect(out).toMatch(/role="region" aria-label="Devices" tabindex="0"/)
  })

  it('named by the heading of its section: a focusable group of that name, no caption, no second region', () => {
    const out = html(
      h(DataTable<Device>, { labelledBy: 'devices-title', columns, rows: devices, rowKey: (d) => d.id }),
    )
    expect(out).toMatch(/role="group" aria-labelledby="devices-title" tabindex="0"/)
    expect(out).not.toContain('<caption')
    expect(out).not.toContain('role="region"')
  })
})

describe('OpTable', () => {
  const table = (state: OpState<{ items: Device[] }>): string =>
    html(
      h(OpTable<{ items: Device[] }, Device>, {
        state,
        rows: (v) => v.items,
        loading: 'Loading…',
        failed: (e) => `Could not load: ${e.message}`,
        empty: 'No devices yet.',
        labelledBy: 'devices-title',
        columns,
        rowKey: (d) => d.id,
      }),
    )

  it('says it is loading, then the error, the empty message or the rows', () => {
    expect(table({ status: 'loading' })).toBe('<p class="muted">Loading…</p>')
    expect(table({ status: 'error', error: new TesseraError('internal', 'disk full') })).toBe(
      '<p class="field-error">Could not load: disk full</p>',
    )
    expect(table({ status: 'ok', value: { items: [] } })).toBe(
      '<div class="table-empty">No devices yet.</div>',
    )
    expect(table({ status: 'ok', value: { items: devices } })).toContain('Field laptop 3')
  })
})

describe('bindFields', () => {
  it('gives each field its prefixed id, label, value, change handler and error', () => {
    const changed: string[] = []
    const field = bindFields<'givenName' | 'email'>({
      idPrefix: 'learner-add',
      label: (f) => `label:${f}`,
      hint: (f) => (f === 'email' ? 'Where to write' : undefined),
      values: { givenName: 'Amina', email: '' },
      set: (f) => (v) => changed.push(`${f}=${v}`),
      errors: { email: 'is not a valid email address' },
    })
    const email = field('email')
    expect(email).toMatchObject({
      id: 'learner-add-email',
      label: 'label:email',
      hint: 'Where to write',
      value: '',
      error: 'is not a valid email address',
    })
    expect(field('givenName')).toMatchObject({ hint: undefined, error: undefined })
    email.onChange('a@b.example')
    expect(changed).toEqual(['email=a@b.example'])
    expect(summaryFields(['email'], 'learner-add', (f) => `label:${f}`)).toEqual({
      email: { label: 'label:email', id: 'learner-add-email' },
    })
  })
})
