import { describe, expect, it } from 'vitest'
import { TesseraError } from '../../src/contract/errors'
import { openInitializedTessera, openTempTessera } from '../helpers/temp-db'

describe('system', () => {
  it('starts uninitialized, then init creates the organization and an audit entry', async () => {
    const t = openTempTessera()
    expect((await t.call('system.status', {})).initialized).toBe(false)
    await t.call('system.init', {
      organization: { name: '  Northside Skills Trust ', email: 'certs@northside.example' },
    })
    const status = await t.call('system.status', {})
    expect(status.initialized).toBe(true)
    expect(status.organization?.name).toBe('Northside Skills Trust')
    expect(status.deviceId).toMatch(/^[0-9a-f-]{36}$/)
    const audit = t.ctx.database.sqlite.prepare('SELECT action, actor FROM audit_log').all()
    expect(audit).toEqual([
      { action: 'organization.create', actor: 'test-user' },
      { action: 'key.create', actor: 'test-user' },
      { action: 'key.create', actor: 'test-user' },
    ])
  })

  it('refuses a second init and invalid input with field paths', async () => {
    const t = await openInitializedTessera()
    await expect(t.call('system.init', { organization: { name: 'Other' } })).rejects.toMatchObject({
      code: 'conflict',
    })
    const r = await t.dispatch('organization.update', { name: '', email: 'not-an-email' })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('validation')
      expect(r.error.issues?.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['name', 'email']))
    }
  })

  it('doctor passes on a healthy database', async () => {
    const t = await openInitializedTessera()
    await t.call('assessors.add', { name: 'R. Okafor' })
    const report = await t.call('system.doctor', {})
    expect(report.ok).toBe(true)
    expect(report.checks.map((c) => c.name)).toEqual(['integrity', 'foreign-keys', 'audit-chain'])
  })

  it('unknown operations are typed errors', async () => {
    const t = openTempTessera()
    const r = await t.dispatch('nope.nothing', {})
    expect(r).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'Unknown operation "nope.nothing"' },
    })
    await expect(t.call('organization.get', {})).rejects.toBeInstanceOf(TesseraError)
  })
})
