import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { BACKUP_UPLOAD_CHUNK_BYTES } from '../../src/contract/ops/backup'
import { backupsFolderOf } from '../../src/core/sync/backup'
import { openInitializedTessera } from '../helpers/temp-db'

const learnerNames = async (t: Awaited<ReturnType<typeof openInitializedTessera>>): Promise<string[]> =>
  (await t.call('learners.list', {})).items.map((l) => l.givenName).sort()

describe('backups from the app: folder, inspect, upload, restore while open', () => {
  it('backup.create without a path writes into the backups folder, which backup.list shows', async () => {
    const t = await openInitializedTessera()
    const made = await t.call('backup.create', {})
    expect(path.dirname(made.file)).toBe(backupsFolderOf(t.ctx.database.file))
    expect(path.basename(made.file)).toMatch(/^tessera-backup-\d{8}T\d{6}Z\.db$/)
    const second = await t.call('backup.create', {})
    expect(second.file).not.toBe(made.file)
    const list = await t.call('backup.list', {})
    expect(list.backups.map((b) => b.file).sort()).toEqual([made.file, second.file].sort())
    expect(list.backups[0]?.bytes).toBe(fs.statSync(list.backups[0]!.file).size)
  })

  it('inspect tells what a backup holds', async () => {
    const t = await openInitializedTessera()
    await t.call('learners.add', { givenName: 'Amina', familyName: 'Diallo' })
    const made = await t.call('backup.create', {})
    const seen = await t.call('backup.inspect', { name: path.basename(made.file) })
    expect(seen).toMatchObject({
      organization: 'Northside Skills Trust',
      deviceId: t.ctx.deviceId,
      schemaVersion: made.schemaVersion,
      bytes: made.bytes,
      counts: { learners: 1, rubrics: 0, assessments: 0, credentials: 0 },
    })
    expect(seen.lastChangeAt).not.toBeNull()
    await expect(t.call('backup.inspect', { name: '../tessera.db' })).rejects.toMatchObject({
      code: 'validation',
    })
    await expect(t.call('backup.inspect', { name: 'missing.db' })).rejects.toMatchObject({
      code: 'not_found',
    })
  })

  it('restores over the open database: data replaced, a .bak kept, the same object keeps working', async () => {
    const t = await openInitializedTessera()
    await t.call('learners.add', { givenName: 'Amina' })
    const made = await t.call('backup.create', {})
    await t.call('learners.add', { givenName: 'Bongani' })
    expect(await learnerNames(t)).toEqual(['Amina', 'Bongani'])

    const r = await t.call('backup.restore', { name: path.basename(made.file) })
    expect(r.databaseFile).toBe(t.ctx.database.file)
    expect(r.previousKeptAs).toMatch(/\.bak$/)
    expect(await learnerNames(t)).toEqual(['Amina'])
    // The kept copy still holds the replaced data.
    const Database = (await import('better-sqlite3')).default
    const bak = new Database(r.previousKeptAs!, { readonly: true })
    try {
      expect(bak.prepare(`SELECT given_name FROM learner ORDER BY given_name`).pluck().all()).toEqual([
        'Amina',
        'Bongani',
      ])
    } finally {
      bak.close()
    }
    // Writes go to the restored database.
    await t.call('learners.add', { givenName: 'Chen' })
    expect(await learnerNames(t)).toEqual(['Amina', 'Chen'])
  })

  it('waits for calls in flight before closing, and calls made meanwhile reach the restored database', async () => {
    const t = await openInitializedTessera()
    await t.call('learners.add', { givenName: 'Amina' })
    const made = await t.call('backup.create', {})
    const during = [
      t.call('learners.add', { givenName: 'Before' }),
      t.call('backup.restore', { name: path.basename(made.file) }),
      t.call('learners.list', {}),
    ]
    const [, restored] = await Promise.all(during)
    expect(restored).toMatchObject({ schemaVersion: made.schemaVersion })
    expect(await learnerNames(t)).toEqual(['Amina'])
  })

  it('refuses a bad upload and a bad file: the open database stays byte-identical and working', async () => {
    const t = await openInitializedTessera()
    await t.call('learners.add', { givenName: 'Amina' })
    const dbFile = t.ctx.database.file
    t.ctx.database.sqlite.pragma('wal_checkpoint(TRUNCATE)')
    const before = fs.readFileSync(dbFile)

    const junk = Buffer.from('this is not a database '.repeat(100))
    await expect(
      t.call('backup.upload', {
        uploadId: 'upload-junk-1',
        fileName: 'junk.db',
        offset: 0,
        base64: junk.toString('base64'),
        done: true,
      }),
    ).rejects.toMatchObject({ code: 'check_failed' })
    // Nothing is left behind in the folder.
    expect(fs.readdirSync(backupsFolderOf(dbFile))).toEqual([])

    // A file placed in the folder by hand that is not a database is refused by restore too.
    fs.writeFileSync(path.join(backupsFolderOf(dbFile), 'broken.db'), junk)
    await expect(t.call('backup.restore', { name: 'broken.db' })).rejects.toMatchObject({
      code: 'check_failed',
    })
    expect(fs.readFileSync(dbFile).equals(before)).toBe(true)
    expect(fs.readdirSync(path.dirname(dbFile)).filter((f) => f.endsWith('.bak'))).toEqual([])
    expect(await learnerNames(t)).toEqual(['Amina'])
  })

  it('receives a backup in pieces (with a retried piece) and restores it', async () => {
    const source = await openInitializedTessera()
    await source.call('learners.add', { givenName: 'Dawit' })
    const made = await source.call('backup.create', {})
    const bytes = fs.readFileSync(made.file)

    const t = await openInitializedTessera()
    await t.call('learners.add', { givenName: 'Amina' })
    const piece = Math.ceil(bytes.length / 3)
    expect(piece).toBeLessThan(BACKUP_UPLOAD_CHUNK_BYTES)
    const send = (offset: number, done = false) =>
      t.call('backup.upload', {
        uploadId: 'upload-pieces-1',
        fileName: 'Field laptop 3.db',
        offset,
        base64: bytes.subarray(offset, offset + piece).toString('base64'),
        done,
      })
    expect((await send(0)).received).toBe(piece)
    await send(0) // retried after a lost answer: overwrites, does not append twice
    await expect(send(piece * 2)).rejects.toMatchObject({ code: 'validation' })
    await send(piece)
    const last = await send(piece * 2, true)
    expect(last.received).toBe(bytes.length)
    expect(last.backup?.name).toMatch(/^uploaded-Field-laptop-3-.*\.db$/)
    expect(fs.readFileSync(last.backup!.file).equals(bytes)).toBe(true)

    const seen = await t.call('backup.inspect', { name: last.backup!.name })
    expect(seen.counts.learners).toBe(1)
    await t.call('backup.restore', { name: last.backup!.name })
    expect(await learnerNames(t)).toEqual(['Dawit'])
  })
})
