import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/temp-db'
import { closeAll, initialized } from './fixtures'

afterEach(closeAll)

/**
 * sync.status keeps its unacknowledged counts until the database changes (planning hashes every
 * record): the counts must follow every change, made by this process or by another connection.
 */
describe('sync.status unacknowledged counts', () => {
  it('follow changes made here and by another connection to the same file', async () => {
    const dbFile = path.join(tempDir(), 'field.db')
    const t = await initialized(dbFile)
    const first = (await t.call('sync.status', {})).unacknowledged
    expect((await t.call('sync.status', {})).unacknowledged).toEqual(first)

    await t.call('learners.add', { givenName: 'Amina', familyName: 'Diallo' })
    const second = (await t.call('sync.status', {})).unacknowledged
    expect(second.byKind.learner ?? 0).toBe((first.byKind.learner ?? 0) + 1)
    expect(second.total).toBeGreaterThan(first.total)

    // Another connection (as a repair tool would) removes the learner: the counts drop back.
    const other = new Database(dbFile)
    try {
      other.pragma('foreign_keys = OFF')
      other.prepare(`DELETE FROM learner WHERE given_name = 'Amina'`).run()
    } finally {
      other.close()
    }
    const third = (await t.call('sync.status', {})).unacknowledged
    expect(third.byKind.learner ?? 0).toBe(first.byKind.learner ?? 0)
  })
})
