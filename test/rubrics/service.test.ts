import { describe, expect, it } from 'vitest'
import { TesseraError } from '../../src/contract/errors'
import type { Tessera } from '../../src/core/app'
import { rubricContentHash } from '../../src/core/domain/rubric'
import type { RubricContent } from '../../src/core/domain/rubric-types'
import { verifyAuditChain } from '../../src/core/services/audit'
import { loadRubricVersion, resolveRubricVersion } from '../../src/core/services/rubric-store'
import { openInitializedTessera } from '../helpers/temp-db'
import {
  auditRows,
  baseContent,
  exampleFiles,
  fileFor,
  insertDraftAssessment,
  PNG_1PX_BASE64,
} from './helpers'

async function rejection(p: Promise<unknown>): Promise<TesseraError> {
  try {
    await p
  } catch (e) {
    if (e instanceof TesseraError) return e
    throw e
  }
  throw new Error('expected the call to fail')
}

const count = (t: Tessera, table: string): number =>
  (t.ctx.database.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n

const versionRow = (t: Tessera, id: string) =>
  t.ctx.database.sqlite.prepare(`SELECT * FROM rubric_version WHERE id = ?`).get(id) as Record<
    string,
    unknown
  >

async function createBase(t: Tessera) {
  return t.call('rubrics.create', {
    achievement: { name: 'Electrical Safety Basics', achievementType: 'Competency' },
    name: 'Electrical safety',
    content: baseContent(),
    changeNote: 'First version',
  })
}

describe('import and export', () => {
  it.each(exampleFiles())(
    '%s round-trips: export re-imports to the same hash, on another installation too',
    async (_f, text) => {
      const a = await openInitializedTessera()
      const imported = await a.call('rubrics.import', { text })
      expect(imported.status).toBe('created')
      const source = JSON.parse(text) as RubricContent
      // The hash of the example's own content, computed independently of the database.
      expect(imported.rubric.version.contentHash).toBe(
        rubricContentHash({ criteria: source.criteria, passing: source.passing }),
      )

      const exported = await a.call('rubrics.export', { rubricId: imported.rubric.id })
      expect(exported.contentHash).toBe(imported.rubric.version.contentHash)
      expect(exported.fileName).toMatch(/^[a-z0-9-]+-v1\.rubric\.json$/)
      const doc = JSON.parse(exported.text) as { rubric: { contentHash: string }; criteria: unknown }
      expect(doc.rubric.contentHash).toBe(exported.contentHash)

      // Same installation: nothing to do.
      const again = await a.call('rubrics.import', { text: exported.text })
      expect(again.status).toBe('unchanged')
      expect(again.rubric.version.version).toBe(1)

      // Another installation: same rubric id, same hash, and its export is byte-identical.
      const b = await openInitializedTessera()
      const there = await b.call('rubrics.import', { text: exported.text })
      expect(there.status).toBe('created')
      expect(there.rubric.id).toBe(imported.rubric.id)
      expect(there.rubric.achievement.id).toBe(imported.rubric.achievement.id)
      expect(there.rubric.version.contentHash).toBe(exported.contentHash)
      expect((await b.call('rubrics.export', { rubricId: there.rubric.id })).text).toBe(exported.text)
    },
  )

  it('carries the badge image through export and import unchanged', async () => {
    const a = await openInitializedTessera()
    const image = { mediaType: 'image/png', dataBase64: PNG_1PX_BASE64 }
    const r = await a.call('rubrics.import', { document: fileFor(baseContent(), { achievement: { image } }) })
    expect(r.rubric.achievement.image).toEqual(image)
    const exported = await a.call('rubrics.export', { rubricId: r.rubric.id })
    expect((JSON.parse(exported.text) as { achievement: { image: unknown } }).achievement.image).toEqual(
      image,
    )
    const b = await openInitializedTessera()
    await b.call('rubrics.import', { text: exported.text })
    expect((await b.call('rubrics.export', { rubricId: r.rubric.id })).text).toBe(exported.text)
  })

  it('keeps non-Latin text intact through import and export', async () => {
    const t = await openInitializedTessera()
    const [, text] = exampleFiles().find(([f]) => f.startsWith('customer-service'))!
    const r = await t.call('rubrics.import', { text })
    const exported = await t.call('rubrics.export', { rubricId: r.rubric.id })
    expect(exported.text).toContain('أساسيات خدمة العملاء')
    expect(exported.fileName).toBe('customer-service-at-the-front-desk-observed-role-play-v1.rubric.json')
  })

  it('importing the same file twice is a no-op, with or without a rubric id', async () => {
    const t = await openInitializedTessera()
    const [, text] = exampleFiles()[0]!
    const first = await t.call('rubrics.import', { text })
    const auditBefore = count(t, 'audit_log')
    const second = await t.call('rubrics.import', { text })
    expect(second.status).toBe('unchanged')
    expect(second.rubric.id).toBe(first.rubric.id)
    expect(count(t, 'rubric')).toBe(1)
    expect(count(t, 'rubric_version')).toBe(1)
    expect(count(t, 'achievement')).toBe(1)
    expect(count(t, 'audit_log')).toBe(auditBefore)
  })

  it('a file naming a rubric adds a version when its content differs, and updates the achievement', async () => {
    const t = await openInitializedTessera()
    const [, text] = exampleFiles().find(([f]) => f.startsWith('forklift'))!
    const created = await t.call('rubrics.import', { text })
    const rubricId = created.rubric.id
    const versionId = created.rubric.version.id
    insertDraftAssessment(
      t.ctx.database.sqlite,
      versionId,
      (await t.call('assessors.add', { name: 'R. Okafor' })).id,
    )
    const before = versionRow(t, versionId)

    const exported = JSON.parse((await t.call('rubrics.export', { rubricId })).text) as {
      rubric: Record<string, unknown>
      achievement: Record<string, unknown>
      criteria: { id: string; title: string; weight: number }[]
      passing: { minTotal: number }
    }
    exported.criteria[2]!.weight = 2
    exported.passing.minTotal = 80
    exported.achievement.validityMonths = 24
    exported.rubric.changeNote = 'Travelling counts more; pass mark raised'
    const edited = JSON.stringify(exported)

    const r = await t.call('rubrics.import', { text: edited })
    expect(r.status).toBe('new_version')
    expect(r.rubric.version.version).toBe(2)
    expect(r.rubric.version.changeNote).toBe('Travelling counts more; pass mark raised')
    expect(r.achievementUpdated).toBe(true)
    expect(r.rubric.achievement.validityMonths).toBe(24)
    expect(r.changes.map((c) => c.message)).toEqual([
      "criterion 'Travelling empty and loaded': weight changed from 1.5 to 2",
      'passing rule changed from 75 % to 80 %',
    ])
    // Version 1 has scored someone: it is untouched, byte for byte.
    expect(versionRow(t, versionId)).toEqual(before)

    // Idempotent: the same edited file again changes nothing.
    expect((await t.call('rubrics.import', { text: edited })).status).toBe('unchanged')
    // An old export (version 1) does not turn the rubric back, nor its achievement.
    const old = await t.call('rubrics.import', {
      text: (await t.call('rubrics.export', { rubricId, version: 1 })).text,
    })
    expect(old.status).toBe('unchanged')
    expect(old.rubric.version.version).toBe(1)
    expect(old.rubric.latestVersion).toBe(2)
    expect((await t.call('achievements.get', { id: r.rubric.achievement.id })).validityMonths).toBe(24)
    expect(count(t, 'rubric_version')).toBe(2)
  })

  it('refuses a file whose achievement id is not the one of the rubric it names', async () => {
    const t = await openInitializedTessera()
    const created = await createBase(t)
    const doc = JSON.parse((await t.call('rubrics.export', { rubricId: created.rubric.id })).text) as {
      achievement: { id: string }
    }
    doc.achievement.id = '01920000-0000-7000-8000-000000000000'
    const e = await rejection(t.call('rubrics.import', { document: doc }))
    expect(e.code).toBe('validation')
    expect(e.issues?.[0]?.path).toEqual(['achievement', 'id'])
  })

  it('refuses a bad file as a whole, naming every problem with its path', async () => {
    const t = await openInitializedTessera()
    const content = baseContent()
    content.criteria[1]!.id = 'isolation'
    content.criteria[0]!.levels[2]!.points = 0.5
    const e = await rejection(t.call('rubrics.import', { document: fileFor(content) }))
    expect(e.code).toBe('validation')
    expect(e.message).toMatch(/^Not a valid rubric file \(2 problems\): criteria\[0\]\.levels\[2\]\.points: /)
    expect(e.issues?.map((i) => i.path)).toEqual([
      ['criteria', 0, 'levels', 2, 'points'],
      ['criteria', 1, 'id'],
    ])
    const shape = await rejection(
      t.call('rubrics.import', { text: '{"format":"tessera.rubric","formatVersion":1}' }),
    )
    expect(shape.issues?.map((i) => i.path)).toEqual([['achievement'], ['criteria'], ['passing']])
    expect(count(t, 'rubric')).toBe(0)
    expect(count(t, 'achievement')).toBe(0)
    expect(auditRows(t.ctx.database.sqlite).filter((r) => r.action.startsWith('rubric'))).toEqual([])
  })

  it('export of an unknown rubric or version is not_found', async () => {
    const t = await openInitializedTessera()
    const created = await createBase(t)
    expect((await rejection(t.call('rubrics.export', { rubricId: 'nope' }))).code).toBe('not_found')
    expect(
      (await rejection(t.call('rubrics.export', { rubricId: created.rubric.id, version: 3 }))).code,
    ).toBe('not_found')
  })
})

describe('versions and freezing', () => {
  it('edits an unused version in place, then freezes it once it has scored someone', async () => {
    const t = await openInitializedTessera()
    const created = await createBase(t)
    const rubricId = created.rubric.id
    const v1 = created.rubric.version
    expect(v1).toMatchObject({
      version: 1,
      frozen: false,
      editableInPlace: true,
      assessmentCount: 0,
      maxTotal: 9,
    })

    const edited = baseContent()
    edited.criteria[1]!.title = 'Cable terminations'
    const inPlace = await t.call('rubrics.saveVersion', { rubricId, content: edited, baseVersion: 1 })
    expect(inPlace.status).toBe('updated_in_place')
    expect(inPlace.rubric.version.id).toBe(v1.id)
    expect(inPlace.rubric.version.version).toBe(1)
    expect(inPlace.rubric.version.contentHash).toBe(rubricContentHash(edited))
    expect(inPlace.changes.map((c) => c.message)).toEqual([
      "criterion 'Cable termination' renamed to 'Cable terminations'",
    ])
    expect(count(t, 'rubric_version')).toBe(1)

    // Saving the same content again writes nothing.
    const audits = count(t, 'audit_log')
    expect((await t.call('rubrics.saveVersion', { rubricId, content: edited })).status).toBe('unchanged')
    expect(count(t, 'audit_log')).toBe(audits)

    // A draft assessment (the assessments feature is written elsewhere; a row is enough) freezes it.
    const sqlite = t.ctx.database.sqlite
    const { id: assessorId } = await t.call('assessors.add', { name: 'R. Okafor' })
    insertDraftAssessment(sqlite, v1.id, assessorId)
    const frozen = await t.call('rubrics.get', { rubricId })
    expect(frozen.version).toMatchObject({ frozen: true, editableInPlace: false, assessmentCount: 1 })
    const before = versionRow(t, v1.id)

    const edited2 = structuredClone(edited)
    edited2.passing.minTotal = 70
    const next = await t.call('rubrics.saveVersion', {
      rubricId,
      content: edited2,
      changeNote: 'Pass mark 70 %',
    })
    expect(next.status).toBe('new_version')
    expect(next.rubric.version).toMatchObject({ version: 2, frozen: false, changeNote: 'Pass mark 70 %' })
    expect(next.rubric.latestVersion).toBe(2)
    expect(next.changes.map((c) => c.message)).toEqual(['passing rule changed from 60 % to 70 %'])
    expect(versionRow(t, v1.id)).toEqual(before)

    // The database refuses a direct change to the frozen version, whatever the code path.
    expect(() => sqlite.prepare(`UPDATE rubric_version SET content = '{}' WHERE id = ?`).run(v1.id)).toThrow(
      /rubric version has been used to score and is frozen/,
    )
    expect(() =>
      sqlite.prepare(`UPDATE rubric_version SET content_hash = 'x' WHERE id = ?`).run(v1.id),
    ).toThrow(/frozen/)
    expect(versionRow(t, v1.id)).toEqual(before)

    // History: both versions, the second with what changed.
    const history = await t.call('rubrics.versions', { rubricId })
    expect(history.versions.map((v) => [v.version, v.frozen, v.editableInPlace, v.changeNote])).toEqual([
      [1, true, false, 'First version'],
      [2, false, true, 'Pass mark 70 %'],
    ])
    expect(history.versions[1]!.changes.map((c) => c.message)).toEqual([
      'passing rule changed from 60 % to 70 %',
    ])

    // Old versions stay readable by id and by number.
    expect((await t.call('rubrics.get', { rubricId: `${rubricId}@1` })).version.contentHash).toBe(
      rubricContentHash(edited),
    )
    const list = await t.call('rubrics.list', {})
    expect(list).toEqual([
      expect.objectContaining({
        id: rubricId,
        latestVersion: 2,
        versionCount: 2,
        frozen: false,
        criteriaCount: 2,
      }),
    ])
  })

  it('makes a new version instead of an in-place edit once this installation has a sync identity', async () => {
    const t = await openInitializedTessera()
    const created = await createBase(t)
    const now = new Date().toISOString()
    t.ctx.database.sqlite
      .prepare(
        `INSERT INTO sync_identity (device_id, name, role, sign_kid, sign_public_jwk, encrypt_kid, encrypt_public_jwk, private_keys, created_at, updated_at)
         VALUES (?, 'Hub', 'hub', 'k1', '{}', 'k2', '{}', '{}', ?, ?)`,
      )
      .run(t.ctx.deviceId, now, now)
    expect((await t.call('rubrics.get', { rubricId: created.rubric.id })).version.editableInPlace).toBe(false)
    const edited = baseContent()
    edited.passing.minTotal = 65
    const r = await t.call('rubrics.saveVersion', { rubricId: created.rubric.id, content: edited })
    expect(r.status).toBe('new_version')
    expect(r.rubric.version.version).toBe(2)
  })

  it('refuses a save based on a version that is no longer the latest', async () => {
    const t = await openInitializedTessera()
    const created = await createBase(t)
    const { id: assessorId } = await t.call('assessors.add', { name: 'R. Okafor' })
    insertDraftAssessment(t.ctx.database.sqlite, created.rubric.version.id, assessorId)
    const edited = baseContent()
    edited.passing.minTotal = 65
    await t.call('rubrics.saveVersion', { rubricId: created.rubric.id, content: edited, baseVersion: 1 })
    edited.passing.minTotal = 66
    const e = await rejection(
      t.call('rubrics.saveVersion', { rubricId: created.rubric.id, content: edited, baseVersion: 1 }),
    )
    expect(e.code).toBe('conflict')
    expect(e.message).toMatch(/now at version 2/)
  })

  it('refuses invalid content with paths under content, writing nothing', async () => {
    const t = await openInitializedTessera()
    const created = await createBase(t)
    const bad = baseContent()
    bad.criteria[0]!.minLevelId = 'excellent'
    const e = await rejection(t.call('rubrics.saveVersion', { rubricId: created.rubric.id, content: bad }))
    expect(e.code).toBe('validation')
    expect(e.issues?.map((i) => i.path)).toEqual([['content', 'criteria', 0, 'minLevelId']])
    const shape = baseContent() as unknown as { criteria: { weight: number }[] }
    shape.criteria[1]!.weight = -1
    const e2 = await rejection(
      t.call('rubrics.create', {
        achievementId: created.rubric.achievement.id,
        content: shape as RubricContent,
      }),
    )
    expect(e2.issues?.map((i) => i.path)).toEqual([['content', 'criteria', 1, 'weight']])
    expect(count(t, 'rubric')).toBe(1)
    expect(count(t, 'rubric_version')).toBe(1)
  })

  it('accepts ID@VERSION wherever a rubric version is named', async () => {
    const t = await openInitializedTessera()
    const created = await createBase(t)
    const id = created.rubric.id
    expect((await t.call('rubrics.get', { rubricId: `${id}@1` })).version.version).toBe(1)
    expect((await t.call('rubrics.export', { rubricId: `${id}@1` })).version).toBe(1)
    expect((await t.call('rubrics.get', { rubricId: `${id}@1`, version: 1 })).version.version).toBe(1)
    expect(
      (await rejection(t.call('rubrics.get', { rubricId: `${id}@1`, version: 2 }))).issues?.[0]?.path,
    ).toEqual(['version'])
    expect((await rejection(t.call('rubrics.get', { rubricId: `${id}@first` }))).code).toBe('validation')
    expect((await rejection(t.call('rubrics.get', { rubricId: `${id}@9` }))).code).toBe('not_found')
    expect((await rejection(t.call('rubrics.get', { rubricId: 'nope' }))).code).toBe('not_found')
  })

  it('gives other features the stored version through rubric-store', async () => {
    const t = await openInitializedTessera()
    const created = await createBase(t)
    const byId = await loadRubricVersion(t.ctx.db, created.rubric.version.id)
    const latest = await resolveRubricVersion(t.ctx.db, created.rubric.id)
    expect(latest).toEqual(byId)
    expect(byId).toMatchObject({
      id: created.rubric.version.id,
      rubricId: created.rubric.id,
      version: 1,
      contentHash: rubricContentHash(baseContent()),
      content: baseContent(),
      achievement: {
        id: created.rubric.achievement.id,
        name: 'Electrical Safety Basics',
        achievementType: 'Competency',
      },
    })
  })
})

describe('achievements', () => {
  it('creates, reads, updates and lists achievements with images crossing as base64', async () => {
    const t = await openInitializedTessera()
    const a = await t.call('achievements.create', {
      name: '  Forklift Operator ',
      achievementType: 'License',
      tags: ['forklift', 'warehouse'],
      alignment: [
        { targetName: 'Operator training', targetUrl: 'https://www.osha.gov/x', targetCode: '1910.178(l)' },
      ],
      validityMonths: 36,
      image: { mediaType: 'image/png', dataBase64: PNG_1PX_BASE64 },
    })
    expect(a).toMatchObject({
      name: 'Forklift Operator',
      description: '',
      achievementType: 'License',
      validityMonths: 36,
      image: { mediaType: 'image/png', dataBase64: PNG_1PX_BASE64 },
      alignment: [
        { targetName: 'Operator training', targetUrl: 'https://www.osha.gov/x', targetCode: '1910.178(l)' },
      ],
    })

    const u = await t.call('achievements.update', {
      id: a.id,
      tags: ['forklift'],
      image: null,
      achievementType: 'ext:OperatorCard',
    })
    expect(u).toMatchObject({
      name: 'Forklift Operator',
      tags: ['forklift'],
      image: null,
      achievementType: 'ext:OperatorCard',
      validityMonths: 36,
    })

    await t.call('rubrics.create', { achievementId: a.id, content: baseContent() })
    const list = await t.call('achievements.list', {})
    expect(list).toEqual([expect.objectContaining({ id: a.id, rubricCount: 1, hasImage: false })])
    const got = await t.call('achievements.get', { id: a.id })
    expect(got.rubrics).toEqual([expect.objectContaining({ name: 'Forklift Operator', latestVersion: 1 })])

    const actions = auditRows(t.ctx.database.sqlite, a.id).map((r) => [
      r.action,
      JSON.parse(r.details) as unknown,
    ])
    expect(actions).toEqual([
      ['achievement.create', { name: 'Forklift Operator', achievementType: 'License' }],
      ['achievement.update', { fields: ['achievementType', 'tags', 'image'] }],
    ])
    // An update that changes nothing writes nothing.
    await t.call('achievements.update', { id: a.id, name: 'Forklift Operator' })
    expect(auditRows(t.ctx.database.sqlite, a.id)).toHaveLength(2)
  })

  it('refuses images that are not what they claim, and bad fields, with their paths', async () => {
    const t = await openInitializedTessera()
    const e = await rejection(
      t.call('achievements.create', {
        name: 'X',
        image: { mediaType: 'image/png', dataBase64: Buffer.from('GIF89a').toString('base64') },
      }),
    )
    expect(e.code).toBe('validation')
    expect(e.issues?.[0]?.path).toEqual(['image', 'dataBase64'])
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>').toString(
      'base64',
    )
    expect(
      (
        await t.call('achievements.create', {
          name: 'Y',
          image: { mediaType: 'image/svg+xml', dataBase64: svg },
        })
      ).image?.mediaType,
    ).toBe('image/svg+xml')
    const e2 = await rejection(t.call('achievements.create', { name: 'Z', achievementType: 'Diplomma' }))
    expect(e2.issues?.[0]?.path).toEqual(['achievementType'])
    expect((await rejection(t.call('achievements.update', { id: 'nope', name: 'Q' }))).code).toBe('not_found')
    expect(count(t, 'achievement')).toBe(1)
  })
})

describe('audit', () => {
  it('records every change in the same transaction, and the chain verifies', async () => {
    const t = await openInitializedTessera()
    const created = await createBase(t)
    const rubricId = created.rubric.id
    const edited = baseContent()
    edited.criteria[0]!.weight = 3
    await t.call('rubrics.saveVersion', { rubricId, content: edited })
    const { id: assessorId } = await t.call('assessors.add', { name: 'R. Okafor' })
    insertDraftAssessment(t.ctx.database.sqlite, created.rubric.version.id, assessorId)
    edited.criteria[0]!.weight = 4
    await t.call('rubrics.saveVersion', { rubricId, content: edited })

    const rows = auditRows(t.ctx.database.sqlite).filter(
      (r) => r.entity_type === 'rubric' || r.entity_type === 'achievement',
    )
    expect(rows.map((r) => r.action)).toEqual([
      'achievement.create',
      'rubric.create',
      'rubric.version.update',
      'rubric.version',
    ])
    const details = rows.map((r) => JSON.parse(r.details) as Record<string, unknown>)
    expect(details[1]).toMatchObject({
      name: 'Electrical safety',
      version: 1,
      contentHash: rubricContentHash(baseContent()),
    })
    expect(details[2]).toMatchObject({
      version: 1,
      previousContentHash: rubricContentHash(baseContent()),
      changes: ["criterion 'Safe isolation': weight changed from 2 to 3"],
    })
    expect(details[3]).toMatchObject({
      version: 2,
      previousVersion: 1,
      changes: ["criterion 'Safe isolation': weight changed from 3 to 4"],
    })
    expect((await verifyAuditChain(t.ctx.db)).problems).toEqual([])
  })

  it('marks changes made by an import', async () => {
    const t = await openInitializedTessera()
    await t.call('rubrics.import', { document: fileFor(baseContent()) })
    const rows = auditRows(t.ctx.database.sqlite).filter(
      (r) => r.action.startsWith('rubric') || r.action.startsWith('achievement'),
    )
    expect(rows.map((r) => [r.action, (JSON.parse(r.details) as { via?: string }).via])).toEqual([
      ['achievement.create', 'import'],
      ['rubric.create', 'import'],
    ])
  })
})
