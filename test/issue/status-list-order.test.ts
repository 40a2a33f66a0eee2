import { describe, expect, it } from 'vitest'
import { nextListValidFrom } from '../../src/core/services/status-lists'
import { openInitializedTessera } from '../helpers/temp-db'
import { finalizedAssessment, issueWorld } from './fixtures'

/**
 * A status list's validFrom has whole seconds, and whoever holds copies of a list (other
 * installations, third-party verifiers) keeps the one with the latest validFrom. Copies re-signed
 * within one second (two revocations in a row, a revocation then a key rotation) must therefore still
 * be dated strictly in the order they were signed.
 */
describe('status list copies signed within one second', () => {
  it('are dated one second apart, and another installation keeps the last one signed', async () => {
    const clock = new Date('2026-03-20T10:00:00.250Z') // frozen: everything below happens "at once"
    const ours = await issueWorld({ now: () => clock })
    const first = await ours.t.call('credentials.issue', { assessmentId: await finalizedAssessment(ours) })
    const second = await ours.t.call('credentials.issue', { assessmentId: await finalizedAssessment(ours) })
    const copy = async () => (await ours.t.call('credentials.statusList', {})).lists[0]!.credential!
    const copies = [await copy()]

    // Another installation that trusts this issuer and holds its list.
    const theirs = await openInitializedTessera()
    const exported = await ours.t.call('keys.exportPublic', {})
    await theirs.call('keys.importPublic', { document: exported.document })

    await ours.t.call('credentials.revoke', { id: first.credential.id, reason: 'issued in error' })
    copies.push(await copy())
    await ours.t.call('credentials.revoke', { id: second.credential.id, reason: 'issued in error' })
    copies.push(await copy())
    // A rotation re-signs the list with the new key: the same bits, so only its date can order it.
    const rotated = await ours.t.call('keys.rotate', { reason: 'key compromise drill' })
    copies.push(await copy())

    const dates = copies.map((c) => String(c.validFrom))
    expect(dates[0]).toMatch(/^2026-03-20T10:00:0\dZ$/)
    for (let i = 1; i < dates.length; i++)
      expect(Date.parse(dates[i]!), `${dates[i]} after ${dates[i - 1]}`).toBe(
        Date.parse(dates[i - 1]!) + 1000,
      )
    expect(copies.at(-1)!.issuer).toBe(rotated.issuerId)

    // The other installation gets the copies in the order signed, then an older one late: it keeps
    // the last one signed (signed by the new key, once it trusts that key).
    for (const c of copies.slice(1, 3)) await theirs.call('credentials.importStatusList', { credential: c })
    await theirs.call('keys.importPublic', {
      document: (await ours.t.call('keys.exportPublic', {})).document,
    })
    await theirs.call('credentials.importStatusList', { credential: copies[3]! })
    await theirs.call('credentials.importStatusList', { credential: copies[1]! })
    const held = (await theirs.call('credentials.statusList', {})).lists.find((l) => !l.owned)!
    expect(held.credential).toEqual(copies[3])
    expect(held.issuerId).toBe(rotated.issuerId)
    // The copy it holds verifies (its proof is dated with it) and says both are revoked.
    for (const credential of [first, second]) {
      const v = await theirs.call('credentials.verify', {
        source: { kind: 'text', text: credential.artefacts.json },
      })
      expect(v.checks.find((c) => c.name === 'status')?.message).toMatch(/Revoked by the issuer/)
    }
  })

  it('keep the current time when it is later than the copy replaced, whatever its milliseconds', () => {
    const signed = (validFrom: string): string => JSON.stringify({ validFrom })
    const at = (iso: string): string =>
      nextListValidFrom(new Date(iso), signed('2026-03-20T10:00:00Z')).toISOString()
    expect(at('2026-03-20T10:00:01.000Z')).toBe('2026-03-20T10:00:01.000Z')
    expect(at('2026-03-20T10:05:00.999Z')).toBe('2026-03-20T10:05:00.999Z')
    expect(at('2026-03-20T10:00:00.999Z')).toBe('2026-03-20T10:00:01.000Z')
    expect(at('2026-03-20T10:00:00.000Z')).toBe('2026-03-20T10:00:01.000Z')
    // The clock went back: still after the copy held.
    expect(at('2026-03-19T08:00:00.000Z')).toBe('2026-03-20T10:00:01.000Z')
    expect(nextListValidFrom(new Date('2026-03-20T10:00:00.500Z'), null).toISOString()).toBe(
      '2026-03-20T10:00:00.500Z',
    )
    expect(nextListValidFrom(new Date('2026-03-20T10:00:00.500Z'), '{ not json').toISOString()).toBe(
      '2026-03-20T10:00:00.500Z',
    )
  })
})
