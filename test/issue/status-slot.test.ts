import { describe, expect, it } from 'vitest'
import { STATUS_LIST_MIN_ENTRIES } from '../../src/core/credentials/status-list'
import { finalizedAssessment, issueWorld, type IssueWorld } from './fixtures'

/**
 * Every credential gets a random free slot of this installation's newest revocation list, and a new
 * list is started when it is full. Slots are found by probing, not by counting the list's
 * credentials (reserveStatusSlot), so the full and nearly-full lists are made here directly.
 */

interface Slot {
  status_list_id: string
  status_index: number
}

const slotOf = (w: IssueWorld, credentialId: string): Slot =>
  w.t.ctx.database.sqlite
    .prepare('SELECT status_list_id, status_index FROM credential WHERE id = ?')
    .get(credentialId) as Slot

const ownedLists = (w: IssueWorld): string[] =>
  (
    w.t.ctx.database.sqlite
      .prepare(`SELECT id FROM status_list WHERE owned = 1 ORDER BY created_at`)
      .all() as { id: string }[]
  ).map((r) => r.id)

/**
 * Takes every slot of `listId` but `free` with copies of credential `templateId` (revoked, so the
 * one-active-credential-per-assessment rule lets them share its assessment).
 */
function fillList(w: IssueWorld, templateId: string, listId: string, free: number[]): void {
  const sqlite = w.t.ctx.database.sqlite
  sqlite.exec('CREATE TEMP TABLE keep_free (i INTEGER PRIMARY KEY)')
  const keep = sqlite.prepare('INSERT INTO keep_free VALUES (?)')
  for (const i of free) keep.run(i)
  sqlite
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
       INSERT INTO credential
         SELECT 'filler-' || n.i, c.device_id, c.created_at, c.updated_at, c.assessment_id, c.learner_id,
           c.achievement_id, c.rubric_version_id, c.issuer_id, c.issued_at, c.awarded_at, c.valid_from,
           c.valid_until, ?, n.i, '{}', 'filler', 'filler-' || n.i, NULL, c.created_at, 'test filler'
         FROM n, credential c
         WHERE c.id = ?
           AND n.i NOT IN (SELECT i FROM keep_free)
           AND NOT EXISTS (SELECT 1 FROM credential t WHERE t.status_list_id = ? AND t.status_index = n.i)`,
    )
    .run(STATUS_LIST_MIN_ENTRIES, listId, templateId, listId)
  sqlite.exec('DROP TABLE keep_free')
}

describe('status list slots', () => {
  it('finds the last free slot of a nearly full list, then starts a new list when it is full', async () => {
    const w = await issueWorld()
    const first = await w.t.call('credentials.issue', { assessmentId: await finalizedAssessment(w) })
    const firstSlot = slotOf(w, first.credential.id)
    expect(ownedLists(w)).toEqual([firstSlot.status_list_id])

    // One slot left, somewhere a few random probes would rarely hit.
    const lastFree = firstSlot.status_index === 77_777 ? 77_778 : 77_777
    fillList(w, first.credential.id, firstSlot.status_list_id, [lastFree])
    const second = await w.t.call('credentials.issue', { assessmentId: await finalizedAssessment(w) })
    expect(slotOf(w, second.credential.id)).toEqual({
      status_list_id: firstSlot.status_list_id,
      status_index: lastFree,
    })
    expect(ownedLists(w)).toHaveLength(1)

    // Full now: the next credential opens a second list, and the one after stays in it.
    const third = await w.t.call('credentials.issue', { assessmentId: await finalizedAssessment(w) })
    const lists = ownedLists(w)
    expect(lists).toHaveLength(2)
    expect(slotOf(w, third.credential.id).status_list_id).toBe(lists[1])
    const fourth = await w.t.call('credentials.issue', { assessmentId: await finalizedAssessment(w) })
    expect(slotOf(w, fourth.credential.id).status_list_id).toBe(lists[1])
    expect(ownedLists(w)).toHaveLength(2)

    // Both lists are held, counted and signed.
    const published = await w.t.call('credentials.statusList', { refresh: true })
    const byId = new Map(published.lists.map((l) => [l.id, l]))
    expect(byId.get(lists[0]!)).toMatchObject({ owned: true, issued: STATUS_LIST_MIN_ENTRIES })
    expect(byId.get(lists[1]!)).toMatchObject({ owned: true, issued: 2, revoked: 0 })
    for (const id of lists) expect(byId.get(id)!.credential).not.toBeNull()
  }, 120_000)
})
