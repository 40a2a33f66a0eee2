import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { TesseraError } from '../../src/contract/errors'
import { count, draft, finalized, PNG_1PX, world } from './fixtures'

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64')
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(size - 9, 0x20)])

describe('evidence', () => {
  it('stores the bytes with their SHA-256, media type and size, and gives them back', async () => {
    const w = await world()
    const a = await draft(w)
    const item = await w.t.call('evidence.add', {
      assessmentId: a.id,
      filename: 'wiring.png',
      mediaType: 'image/png',
      dataBase64: b64(PNG_1PX),
    })
    expect(item).toMatchObject({
      assessmentId: a.id,
      filename: 'wiring.png',
      mediaType: 'image/png',
      size: PNG_1PX.length,
      sha256: sha(PNG_1PX),
    })
    const blob = w.sqlite.prepare('SELECT size, data FROM blob WHERE sha256 = ?').get(item.sha256) as {
      size: number
      data: Buffer
    }
    expect(blob.size).toBe(PNG_1PX.length)
    expect(Buffer.compare(blob.data, PNG_1PX)).toBe(0)
    const got = await w.t.call('evidence.get', { id: item.id })
    expect(Buffer.from(got.dataBase64, 'base64').equals(PNG_1PX)).toBe(true)
    expect((await w.t.call('assessments.get', { id: a.id })).evidence).toEqual([item])
  })

  it('keeps one copy of the same bytes attached to two assessments', async () => {
    const w = await world()
    const a = await draft(w)
    const b = await draft(w)
    await w.t.call('evidence.add', {
      assessmentId: a.id,
      filename: 'one.png',
      mediaType: 'image/png',
      dataBase64: b64(PNG_1PX),
    })
    await w.t.call('evidence.add', {
      assessmentId: b.id,
      filename: 'two.png',
      mediaType: 'image/png',
      dataBase64: b64(PNG_1PX),
    })
    expect(count(w.sqlite, 'blob')).toBe(1)
    expect(count(w.sqlite, 'evidence')).toBe(2)
  })

  it('accepts a file exactly at the size limit and refuses one byte more, naming the file, its size and the limit', async () => {
    const w = await world({ evidenceMaxBytes: 2048 })
    const a = await draft(w)
    const atLimit = await w.t.call('evidence.add', {
      assessmentId: a.id,
      filename: 'ok.pdf',
      mediaType: 'application/pdf',
      dataBase64: b64(pdf(2048)),
    })
    expect(atLimit.size).toBe(2048)
    const err = (await w.t
      .call('evidence.add', {
        assessmentId: a.id,
        filename: 'scan.pdf',
        mediaType: 'application/pdf',
        dataBase64: b64(pdf(2049)),
      })
      .catch((e: unknown) => e)) as TesseraError
    expect(err).toBeInstanceOf(TesseraError)
    expect(err.code).toBe('validation')
    expect(err.message).toBe('scan.pdf is 2 KB (2049 bytes); evidence files may be at most 2 KB (2048 bytes)')
    expect(err.details).toEqual({ filename: 'scan.pdf', size: 2049, limit: 2048 })
    expect(err.issues?.[0]?.path).toEqual(['dataBase64'])
    expect(count(w.sqlite, 'evidence')).toBe(1)
  })

  it('refuses empty files, content that is not the declared type, and types outside the list', async () => {
    const w = await world()
    const a = await draft(w)
    const add = (filename: string, mediaType: string, data: Buffer) =>
      w.t.dispatch('evidence.add', { assessmentId: a.id, filename, mediaType, dataBase64: b64(data) })
    expect(await add('empty.txt', 'text/plain', Buffer.alloc(0))).toMatchObject({
      ok: false,
      error: { code: 'validation', message: 'empty.txt is empty' },
    })
    expect(await add('photo.jpg', 'image/jpeg', PNG_1PX)).toMatchObject({
      ok: false,
      error: {
        code: 'validation',
        message: expect.stringContaining('photo.jpg does not look like image/jpeg'),
        issues: [{ path: ['mediaType'] }],
      },
    })
    expect(await add('notes.txt', 'text/plain', Buffer.from([0x68, 0x00, 0xff]))).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    })
    expect(await add('setup.exe', 'application/x-msdownload', Buffer.from('MZ'))).toMatchObject({
      ok: false,
      error: { code: 'validation', issues: [{ path: ['mediaType'] }] },
    })
    expect(count(w.sqlite, 'evidence') + count(w.sqlite, 'blob')).toBe(0)
  })

  it('accepts each allowed type with matching content', async () => {
    const w = await world()
    const a = await draft(w)
    const samples: [string, string, Buffer][] = [
      ['a.jpg', 'image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])],
      ['a.png', 'image/png', PNG_1PX],
      [
        'a.webp',
        'image/webp',
        Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]),
      ],
      [
        'a.heic',
        'image/heic',
        Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic'), Buffer.alloc(12)]),
      ],
      ['a.pdf', 'application/pdf', pdf(20)],
      [
        'a.mp4',
        'video/mp4',
        Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom'), Buffer.alloc(12)]),
      ],
      ['a.txt', 'text/plain', Buffer.from('Amina a vérifié l’isolement — ✓')],
    ]
    for (const [filename, mediaType, data] of samples) {
      const r = await w.t.dispatch('evidence.add', {
        assessmentId: a.id,
        filename,
        mediaType,
        dataBase64: b64(data),
      })
      expect(r.ok, filename).toBe(true)
    }
  })

  it('keeps only the base name of a file path and refuses attaching the same bytes twice to one assessment', async () => {
    const w = await world()
    const a = await draft(w)
    const item = await w.t.call('evidence.add', {
      assessmentId: a.id,
      filename: 'C:\\Users\\ro\\..\\px.png',
      mediaType: 'image/png',
      dataBase64: b64(PNG_1PX),
    })
    expect(item.filename).toBe('px.png')
    await expect(
      w.t.call('evidence.add', {
        assessmentId: a.id,
        filename: 'copy.png',
        mediaType: 'image/png',
        dataBase64: b64(PNG_1PX),
      }),
    ).rejects.toMatchObject({
      code: 'conflict',
      message: 'copy.png is already attached to this assessment as px.png',
    })
  })

  it('removes evidence from drafts only, dropping bytes no one else uses', async () => {
    const w = await world()
    const a = await draft(w)
    const b = await draft(w)
    const ea = await w.t.call('evidence.add', {
      assessmentId: a.id,
      filename: 'px.png',
      mediaType: 'image/png',
      dataBase64: b64(PNG_1PX),
    })
    const eb = await w.t.call('evidence.add', {
      assessmentId: b.id,
      filename: 'px.png',
      mediaType: 'image/png',
      dataBase64: b64(PNG_1PX),
    })
    await w.t.call('evidence.remove', { id: ea.id })
    expect(count(w.sqlite, 'blob')).toBe(1) // still used by b
    await w.t.call('evidence.remove', { id: eb.id })
    expect(count(w.sqlite, 'blob')).toBe(0)
    await expect(w.t.call('evidence.remove', { id: eb.id })).rejects.toMatchObject({ code: 'not_found' })

    const f = await finalized(w)
    const draftOfF = await w.t.call('assessments.correct', { id: f.id })
    const e = await w.t.call('evidence.add', {
      assessmentId: draftOfF.id,
      filename: 'n.txt',
      mediaType: 'text/plain',
      dataBase64: b64('n'),
    })
    await w.t.call('assessments.finalize', { id: draftOfF.id })
    await expect(w.t.call('evidence.remove', { id: e.id })).rejects.toMatchObject({ code: 'conflict' })
    expect((await w.t.call('evidence.get', { id: e.id })).size).toBe(1)
  })

  it('reports damaged bytes instead of returning them', async () => {
    const w = await world()
    const a = await draft(w)
    const e = await w.t.call('evidence.add', {
      assessmentId: a.id,
      filename: 'px.png',
      mediaType: 'image/png',
      dataBase64: b64(PNG_1PX),
    })
    // Simulate disk corruption: go around the trigger that forbids rewriting stored bytes.
    w.sqlite.exec('DROP TRIGGER blob_immutable')
    w.sqlite.prepare(`UPDATE blob SET data = x'00' WHERE sha256 = ?`).run(e.sha256)
    await expect(w.t.call('evidence.get', { id: e.id })).rejects.toMatchObject({ code: 'check_failed' })
    w.sqlite.prepare(`DELETE FROM blob`).run()
    await expect(w.t.call('evidence.get', { id: e.id })).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('not on this device'),
    })
  })
})
