import { sql } from 'kysely'
import { conflict, formatIssuePath, invalid, notFound, type ErrorIssue } from '../../contract/errors'
import type {
  AchievementView,
  RubricChangeView,
  RubricDetail,
  rubricsOps,
  RubricSummary,
  RubricVersionView,
  SaveStatus,
} from '../../contract/ops/rubrics'
import {
  ACHIEVEMENT_IMAGE_MAX_BYTES,
  parseRubricFile,
  RUBRIC_FORMAT,
  RUBRIC_FORMAT_VERSION,
  type AchievementFields,
  type AchievementImage,
  type RubricFile,
} from '../../contract/schemas/rubric-file'
import { canonicalJson } from '../domain/canonical-json'
import { contentMatchesMediaType } from '../domain/evidence-media'
import { newId } from '../domain/ids'
import {
  canonicalRubricContent,
  diffRubricContent,
  maxTotal,
  normalizeRubricContent,
  passingRuleText,
  rubricContentHash,
  validateRubricContent,
} from '../domain/rubric'
import type { RubricContent } from '../domain/rubric-types'
import { appendAudit } from './audit'
import { isoNow, type CallContext, type ServiceContext, type Tx } from './context'
import type { FeatureHandlers } from './handlers'
import { loadAchievement, loadRubricVersion, type StoredAchievement } from './rubric-store'

/**
 * Achievements and versioned rubrics. Every write is one transaction with its audit entries.
 *
 * Versions: a version that has scored anyone (any assessment row refers to it) is frozen, here and
 * by the `rubric_version_frozen` trigger. Saving changed content edits the latest version in place
 * only while nothing can depend on it: no assessment refers to it, it was made on this installation,
 * and this installation has never synced (has no sync identity), so no other device can hold a copy.
 * Otherwise it becomes a new version. Saving identical content writes nothing.
 */

type Path = (string | number)[]

interface VersionRow {
  id: string
  version: number
  device_id: string
  content: string
  content_hash: string
  change_note: string | null
  created_at: string
}

export function rubricsHandlers(ctx: ServiceContext): FeatureHandlers<typeof rubricsOps> {
  const { db } = ctx

  // ---- reading -----------------------------------------------------------------------------------

  const versionsOf = async (tx: Tx, rubricId: string): Promise<VersionRow[]> =>
    tx
      .selectFrom('rubric_version')
      .select(['id', 'version', 'device_id', 'content', 'content_hash', 'change_note', 'created_at'])
      .where('rubric_id', '=', rubricId)
      .orderBy('version', 'asc')
      .execute()

  const assessmentCounts = async (tx: Tx, versionIds: string[]): Promise<Map<string, number>> => {
    const counts = new Map<string, number>()
    if (versionIds.length === 0) return counts
    const rows = await tx
      .selectFrom('assessment')
      .select((eb) => ['rubric_version_id', eb.fn.countAll<number>().as('n')])
      .where('rubric_version_id', 'in', versionIds)
      .groupBy('rubric_version_id')
      .execute()
    for (const r of rows) counts.set(r.rubric_version_id, Number(r.n))
    return counts
  }

  /** Once this installation has a sync identity, anything it holds may have been sent to another device. */
  const hasSynced = async (tx: Tx): Promise<boolean> =>
    Boolean(await tx.selectFrom('sync_identity').select('device_id').limit(1).executeTakeFirst())

  const requireRubric = async (tx: Tx, rubricId: string) => {
    const r = await tx.selectFrom('rubric').selectAll().where('id', '=', rubricId).executeTakeFirst()
    if (!r) throw notFound('Rubric', rubricId)
    return r
  }

  const versionView = (
    row: VersionRow,
    rubricId: string,
    facts: { assessmentCount: number; editableInPlace: boolean },
  ): RubricVersionView => {
    const content = JSON.parse(row.content) as RubricContent
    return {
      id: row.id,
      rubricId,
      version: row.version,
      contentHash: row.content_hash,
      changeNote: row.change_note,
      createdAt: row.created_at,
      deviceId: row.device_id,
      assessmentCount: facts.assessmentCount,
      frozen: facts.assessmentCount > 0,
      editableInPlace: facts.editableInPlace,
      criteriaCount: content.criteria.length,
      content,
      maxTotal: maxTotal(content),
      passingText: passingRuleText(content),
    }
  }

  const getDetail = async (tx: Tx, rubricId: string, version?: number): Promise<RubricDetail> => {
    const rubric = await requireRubric(tx, rubricId)
    const versions = await versionsOf(tx, rubricId)
    const latest = versions.at(-1)
    const row = version === undefined ? latest : versions.find((v) => v.version === version)
    if (!row || !latest) throw notFound('Rubric version', `${rubricId}@${version ?? 'latest'}`)
    const counts = await assessmentCounts(tx, [row.id])
    const assessmentCount = counts.get(row.id) ?? 0
    const editableInPlace =
      row.id === latest.id &&
      assessmentCount === 0 &&
      row.device_id === ctx.deviceId &&
      !(await hasSynced(tx))
    return {
      id: rubric.id,
      name: rubric.name,
      achievement: achievementView(await loadAchievement(tx, rubric.achievement_id)),
      latestVersion: latest.version,
      versionCount: versions.length,
      version: versionView(row, rubric.id, { assessmentCount, editableInPlace }),
    }
  }

  // ---- writing -----------------------------------------------------------------------------------

  /** Validates content (paths under `at`) and returns its normalised form, canonical text and hash. */
  const prepareContent = (content: RubricContent, at: Path) => {
    const normalized = normalizeRubricContent(content)
    const issues = validateRubricContent(normalized).map((i) => ({
      path: [...at, ...i.path],
      message: i.message,
    }))
    if (issues.length > 0)
      throw invalidWith(at.length ? 'The rubric content is not valid' : 'Not a valid rubric file', issues)
    return {
      content: normalized,
      text: canonicalRubricContent(normalized),
      hash: rubricContentHash(normalized),
    }
  }

  const createAchievement = async (
    tx: Tx,
    call: CallContext,
    fields: AchievementFields,
    at: Path,
    opts: { id?: string; via?: string } = {},
  ): Promise<string> => {
    const id = opts.id ?? newId()
    const now = isoNow(ctx)
    const image = fields.image ? decodeImage(fields.image, [...at, 'image']) : null
    await tx
      .insertInto('achievement')
      .values({
        id,
        device_id: ctx.deviceId,
        created_at: now,
        updated_at: now,
        name: fields.name,
        description: fields.description,
        criteria_narrative: fields.criteriaNarrative,
        image,
        image_media_type: fields.image?.mediaType ?? null,
        tags: JSON.stringify(fields.tags),
        achievement_type: fields.achievementType,
        alignment: canonicalJson(fields.alignment),
        validity_months: fields.validityMonths,
      })
      .execute()
    await appendAudit(tx, ctx, call, {
      action: 'achievement.create',
      entityType: 'achievement',
      entityId: id,
      details: {
        name: fields.name,
        achievementType: fields.achievementType,
        ...(opts.via ? { via: opts.via } : {}),
      },
    })
    return id
  }

  /** Applies the given fields; returns the names of those that changed (nothing written when none). */
  const updateAchievement = async (
    tx: Tx,
    call: CallContext,
    id: string,
    patch: Partial<AchievementFields>,
    at: Path,
    via?: string,
  ): Promise<string[]> => {
    const current = await loadAchievement(tx, id)
    const before = achievementFieldsOf(current)
    const changed = (Object.keys(patch) as (keyof AchievementFields)[]).filter(
      (k) => patch[k] !== undefined && canonicalJson(patch[k]) !== canonicalJson(before[k]),
    )
    if (changed.length === 0) return []
    const values: Record<string, unknown> = { updated_at: isoNow(ctx) }
    for (const k of changed) {
      if (k === 'name') values.name = patch.name
      if (k === 'description') values.description = patch.description
      if (k === 'criteriaNarrative') values.criteria_narrative = patch.criteriaNarrative
      if (k === 'achievementType') values.achievement_type = patch.achievementType
      if (k === 'tags') values.tags = JSON.stringify(patch.tags)
      if (k === 'alignment') values.alignment = canonicalJson(patch.alignment)
      if (k === 'validityMonths') values.validity_months = patch.validityMonths
      if (k === 'image') {
        values.image = patch.image ? decodeImage(patch.image, [...at, 'image']) : null
        values.image_media_type = patch.image?.mediaType ?? null
      }
    }
    await tx.updateTable('achievement').set(values).where('id', '=', id).execute()
    await appendAudit(tx, ctx, call, {
      action: 'achievement.update',
      entityType: 'achievement',
      entityId: id,
      details: { fields: changed, ...(via ? { via } : {}) },
    })
    return changed
  }

  const requireAchievement = async (tx: Tx, id: string): Promise<void> => {
    const a = await tx.selectFrom('achievement').select('id').where('id', '=', id).executeTakeFirst()
    if (!a) throw notFound('Achievement', id)
  }

  const createRubric = async (
    tx: Tx,
    call: CallContext,
    input: {
      rubricId?: string
      achievementId: string
      name: string
      content: RubricContent
      contentPath: Path
      changeNote: string | null
      via?: string
    },
  ): Promise<string> => {
    const prepared = prepareContent(input.content, input.contentPath)
    const rubricId = input.rubricId ?? newId()
    const versionId = newId()
    const now = isoNow(ctx)
    await tx
      .insertInto('rubric')
      .values({
        id: rubricId,
        device_id: ctx.deviceId,
        created_at: now,
        updated_at: now,
        achievement_id: input.achievementId,
        name: input.name,
      })
      .execute()
    await tx
      .insertInto('rubric_version')
      .values({
        id: versionId,
        device_id: ctx.deviceId,
        created_at: now,
        updated_at: now,
        rubric_id: rubricId,
        version: 1,
        content: prepared.text,
        content_hash: prepared.hash,
        change_note: input.changeNote,
      })
      .execute()
    await appendAudit(tx, ctx, call, {
      action: 'rubric.create',
      entityType: 'rubric',
      entityId: rubricId,
      details: {
        name: input.name,
        achievementId: input.achievementId,
        versionId,
        version: 1,
        contentHash: prepared.hash,
        ...(input.via ? { via: input.via } : {}),
      },
    })
    return rubricId
  }

  /**
   * Saves content as the rubric's next state: nothing when it equals the latest version, in place
   * while the latest version is private and unused, a new version otherwise.
   */
  const saveContent = async (
    tx: Tx,
    call: CallContext,
    input: {
      rubricId: string
      content: RubricContent
      contentPath: Path
      changeNote: string | null
      baseVersion?: number
      via?: string
    },
  ): Promise<{ status: SaveStatus; version: number; changes: RubricChangeView[] }> => {
    await requireRubric(tx, input.rubricId)
    const prepared = prepareContent(input.content, input.contentPath)
    const versions = await versionsOf(tx, input.rubricId)
    const latest = versions.at(-1)
    if (!latest) throw notFound('Rubric version', `${input.rubricId}@latest`)
    if (input.baseVersion !== undefined && input.baseVersion !== latest.version) {
      throw conflict(
        `This rubric was changed since version ${input.baseVersion} was opened: it is now at version ${latest.version}. Reload it and make the change again.`,
        { rubricId: input.rubricId, baseVersion: input.baseVersion, latestVersion: latest.version },
      )
    }
    if (prepared.hash === latest.content_hash)
      return { status: 'unchanged', version: latest.version, changes: [] }

    const changes = diffRubricContent(JSON.parse(latest.content) as RubricContent, prepared.content)
    const used = (await assessmentCounts(tx, [latest.id])).get(latest.id) ?? 0
    const inPlace = used === 0 && latest.device_id === ctx.deviceId && !(await hasSynced(tx))
    const now = isoNow(ctx)
    const via = input.via ? { via: input.via } : {}
    const changeMessages = changes.map((c) => c.message)

    if (inPlace) {
      await tx
        .updateTable('rubric_version')
        .set({
          content: prepared.text,
          content_hash: prepared.hash,
          change_note: input.changeNote ?? latest.change_note,
          updated_at: now,
        })
        .where('id', '=', latest.id)
        .execute()
      await appendAudit(tx, ctx, call, {
        action: 'rubric.version.update',
        entityType: 'rubric',
        entityId: input.rubricId,
        details: {
          versionId: latest.id,
          version: latest.version,
          previousContentHash: latest.content_hash,
          contentHash: prepared.hash,
          changes: changeMessages,
          ...via,
        },
      })
    } else {
      const versionId = newId()
      await tx
        .insertInto('rubric_version')
        .values({
          id: versionId,
          device_id: ctx.deviceId,
          created_at: now,
          updated_at: now,
          rubric_id: input.rubricId,
          version: latest.version + 1,
          content: prepared.text,
          content_hash: prepared.hash,
          change_note: input.changeNote,
        })
        .execute()
      await appendAudit(tx, ctx, call, {
        action: 'rubric.version',
        entityType: 'rubric',
        entityId: input.rubricId,
        details: {
          versionId,
          version: latest.version + 1,
          previousVersion: latest.version,
          previousContentHash: latest.content_hash,
          contentHash: prepared.hash,
          changes: changeMessages,
          ...via,
        },
      })
    }
    await tx.updateTable('rubric').set({ updated_at: now }).where('id', '=', input.rubricId).execute()
    return {
      status: inPlace ? 'updated_in_place' : 'new_version',
      version: inPlace ? latest.version : latest.version + 1,
      changes,
    }
  }

  const renameRubric = async (tx: Tx, call: CallContext, rubricId: string, name: string, via?: string) => {
    const r = await requireRubric(tx, rubricId)
    if (r.name === name) return false
    await tx
      .updateTable('rubric')
      .set({ name, updated_at: isoNow(ctx) })
      .where('id', '=', rubricId)
      .execute()
    await appendAudit(tx, ctx, call, {
      action: 'rubric.update',
      entityType: 'rubric',
      entityId: rubricId,
      details: { fields: ['name'], ...(via ? { via } : {}) },
    })
    return true
  }

  const importFile = async (tx: Tx, call: CallContext, file: RubricFile) => {
    const content: RubricContent = { criteria: file.criteria, passing: file.passing }
    const prepared = prepareContent(content, [])
    const { id: fileAchievementId, ...achievementFields } = file.achievement
    const name = file.rubric.name ?? achievementFields.name
    const changeNote = file.rubric.changeNote || null
    const via = 'import'
    const result = (
      status: SaveStatus,
      rubricId: string,
      version: number | undefined,
      extra: { changes?: RubricChangeView[]; achievementUpdated?: boolean; rubricRenamed?: boolean } = {},
    ) => ({
      status,
      rubricId,
      version,
      changes: extra.changes ?? [],
      achievementUpdated: extra.achievementUpdated ?? false,
      rubricRenamed: extra.rubricRenamed ?? false,
    })

    const existing = file.rubric.id
      ? await tx.selectFrom('rubric').selectAll().where('id', '=', file.rubric.id).executeTakeFirst()
      : await findImportedCopy(tx, name, prepared.hash)

    if (!existing) {
      // A new rubric; it keeps the id the file names, so later exports of it come back to it.
      let achievementId = fileAchievementId
      let achievementUpdated = false
      if (
        achievementId &&
        (await tx.selectFrom('achievement').select('id').where('id', '=', achievementId).executeTakeFirst())
      ) {
        achievementUpdated =
          (await updateAchievement(tx, call, achievementId, achievementFields, ['achievement'], via)).length >
          0
      } else {
        achievementId = await createAchievement(tx, call, achievementFields, ['achievement'], {
          id: achievementId,
          via,
        })
      }
      const rubricId = await createRubric(tx, call, {
        rubricId: file.rubric.id,
        achievementId,
        name,
        content,
        contentPath: [],
        changeNote,
        via,
      })
      return result('created', rubricId, 1, { achievementUpdated })
    }

    if (fileAchievementId && fileAchievementId !== existing.achievement_id) {
      throw invalidWith('The file does not match the rubric it names', [
        {
          path: ['achievement', 'id'],
          message: `rubric ${existing.id} belongs to achievement ${existing.achievement_id}, not ${fileAchievementId}`,
        },
      ])
    }
    const versions = await versionsOf(tx, existing.id)
    const latest = versions.at(-1)
    const same = versions.find((v) => v.content_hash === prepared.hash)
    if (same && same !== latest) {
      // An older export: importing it again must not turn the rubric back, nor its achievement.
      return result('unchanged', existing.id, same.version)
    }
    const achievementUpdated =
      (await updateAchievement(tx, call, existing.achievement_id, achievementFields, ['achievement'], via))
        .length > 0
    const rubricRenamed = file.rubric.name ? await renameRubric(tx, call, existing.id, name, via) : false
    if (same) return result('unchanged', existing.id, same.version, { achievementUpdated, rubricRenamed })
    // An exported file carries its version's note; edited and imported again, that note would
    // wrongly describe the new version, so a note equal to the latest version's is not reused.
    const saved = await saveContent(tx, call, {
      rubricId: existing.id,
      content,
      contentPath: [],
      changeNote: changeNote !== null && changeNote === latest?.change_note ? null : changeNote,
      via,
    })
    return result(saved.status, existing.id, saved.version, {
      changes: saved.changes,
      achievementUpdated,
      rubricRenamed,
    })
  }

  /** Without an id, a rubric of the same name that already has this exact content is this file imported before. */
  const findImportedCopy = async (tx: Tx, name: string, hash: string) =>
    tx
      .selectFrom('rubric')
      .selectAll('rubric')
      .where('rubric.name', '=', name)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('rubric_version')
            .select('rubric_version.id')
            .whereRef('rubric_version.rubric_id', '=', 'rubric.id')
            .where('rubric_version.content_hash', '=', hash),
        ),
      )
      .orderBy('rubric.created_at')
      .executeTakeFirst()

  // ---- handlers ----------------------------------------------------------------------------------

  return {
    'achievements.list': async () => {
      const rows = await db
        .selectFrom('achievement as a')
        .leftJoin('rubric as r', 'r.achievement_id', 'a.id')
        .select((eb) => [
          'a.id',
          'a.name',
          'a.achievement_type',
          'a.tags',
          'a.validity_months',
          'a.updated_at',
          sql<number>`a.image IS NOT NULL`.as('has_image'),
          eb.fn.count<number>('r.id').as('rubric_count'),
        ])
        .groupBy('a.id')
        .execute()
      return rows
        .map((r) => ({
          id: r.id,
          name: r.name,
          achievementType: r.achievement_type,
          tags: JSON.parse(r.tags) as string[],
          validityMonths: r.validity_months,
          hasImage: Boolean(r.has_image),
          rubricCount: Number(r.rubric_count),
          updatedAt: r.updated_at,
        }))
        .sort((x, y) => x.name.localeCompare(y.name))
    },

    'achievements.get': async ({ id }) => {
      const a = await loadAchievement(db, id)
      const rubrics = await db
        .selectFrom('rubric as r')
        .select((eb) => [
          'r.id',
          'r.name',
          eb
            .selectFrom('rubric_version as v')
            .select((e) => e.fn.max<number>('v.version').as('m'))
            .whereRef('v.rubric_id', '=', 'r.id')
            .as('latest_version'),
        ])
        .where('r.achievement_id', '=', id)
        .orderBy('r.name')
        .execute()
      return {
        ...achievementView(a),
        rubrics: rubrics.map((r) => ({
          id: r.id,
          name: r.name,
          latestVersion: Number(r.latest_version ?? 0),
        })),
      }
    },

    'achievements.create': async (fields, call) => {
      const id = await db.transaction().execute((trx) => createAchievement(trx, call, fields, []))
      return achievementView(await loadAchievement(db, id))
    },

    'achievements.update': async ({ id, ...patch }, call) => {
      await db.transaction().execute(async (trx) => {
        await requireAchievement(trx, id)
        await updateAchievement(trx, call, id, patch, [])
      })
      return achievementView(await loadAchievement(db, id))
    },

    'rubrics.list': async ({ achievementId }) => {
      let q = db
        .selectFrom('rubric as r')
        .innerJoin('achievement as a', 'a.id', 'r.achievement_id')
        .innerJoin('rubric_version as v', (join) =>
          join.onRef('v.rubric_id', '=', 'r.id').on('v.version', '=', (eb) =>
            eb
              .selectFrom('rubric_version as m')
              .select((e) => e.fn.max<number>('m.version').as('mv'))
              .whereRef('m.rubric_id', '=', 'r.id'),
          ),
        )
        .select((eb) => [
          'r.id',
          'r.name',
          'r.created_at',
          'r.updated_at',
          'a.id as achievement_id',
          'a.name as achievement_name',
          'a.achievement_type',
          'v.id as version_id',
          'v.version',
          'v.content',
          'v.content_hash',
          eb
            .selectFrom('rubric_version as c')
            .select((e) => e.fn.countAll<number>().as('n'))
            .whereRef('c.rubric_id', '=', 'r.id')
            .as('version_count'),
          eb
            .exists(
              eb.selectFrom('assessment as s').select('s.id').whereRef('s.rubric_version_id', '=', 'v.id'),
            )
            .as('used'),
        ])
      if (achievementId) q = q.where('r.achievement_id', '=', achievementId)
      const rows = await q.execute()
      return rows
        .map((r): RubricSummary => ({
          id: r.id,
          name: r.name,
          achievement: {
            id: r.achievement_id,
            name: r.achievement_name,
            achievementType: r.achievement_type,
          },
          latestVersion: r.version,
          latestVersionId: r.version_id,
          versionCount: Number(r.version_count),
          contentHash: r.content_hash,
          frozen: Boolean(r.used),
          criteriaCount: (JSON.parse(r.content) as RubricContent).criteria.length,
          createdAt: r.created_at,
          updatedAt: r.updated_at,
        }))
        .sort((x, y) => x.name.localeCompare(y.name) || x.createdAt.localeCompare(y.createdAt))
    },

    'rubrics.get': async ({ rubricId, version }) => getDetail(db, rubricId, version),

    'rubrics.versions': async ({ rubricId }) => {
      const rubric = await requireRubric(db, rubricId)
      const versions = await versionsOf(db, rubricId)
      const counts = await assessmentCounts(
        db,
        versions.map((v) => v.id),
      )
      const synced = await hasSynced(db)
      let previous: RubricContent | null = null
      const out = versions.map((v, i) => {
        const content = JSON.parse(v.content) as RubricContent
        const assessmentCount = counts.get(v.id) ?? 0
        const changes = previous ? diffRubricContent(previous, content) : []
        previous = content
        return {
          id: v.id,
          rubricId,
          version: v.version,
          contentHash: v.content_hash,
          changeNote: v.change_note,
          createdAt: v.created_at,
          deviceId: v.device_id,
          assessmentCount,
          frozen: assessmentCount > 0,
          editableInPlace:
            i === versions.length - 1 && assessmentCount === 0 && v.device_id === ctx.deviceId && !synced,
          criteriaCount: content.criteria.length,
          changes,
        }
      })
      return { rubricId, name: rubric.name, versions: out }
    },

    'rubrics.create': async (args, call) => {
      const { rubricId, status } = await db.transaction().execute(async (trx) => {
        let achievementId = args.achievementId
        let achievementName: string
        if (achievementId) {
          achievementName = (await loadAchievement(trx, achievementId)).name
        } else {
          const fields = args.achievement!
          achievementId = await createAchievement(trx, call, fields, ['achievement'])
          achievementName = fields.name
        }
        const id = await createRubric(trx, call, {
          achievementId,
          name: args.name ?? achievementName,
          content: args.content,
          contentPath: ['content'],
          changeNote: args.changeNote,
        })
        return { rubricId: id, status: 'created' as const }
      })
      return { status, rubric: await getDetail(db, rubricId), changes: [] }
    },

    'rubrics.saveVersion': async (args, call) => {
      const saved = await db.transaction().execute((trx) =>
        saveContent(trx, call, {
          rubricId: args.rubricId,
          content: args.content,
          contentPath: ['content'],
          changeNote: args.changeNote,
          baseVersion: args.baseVersion,
        }),
      )
      return {
        status: saved.status,
        rubric: await getDetail(db, args.rubricId, saved.version),
        changes: saved.changes,
      }
    },

    'rubrics.import': async (args, call) => {
      const parsed = parseRubricFile(args.text ?? args.document)
      if (!parsed.ok)
        throw parsed.issues.length
          ? invalidWith('Not a valid rubric file', parsed.issues)
          : invalid(`Not a valid rubric file: ${parsed.message}`)
      const r = await db.transaction().execute((trx) => importFile(trx, call, parsed.value))
      return {
        status: r.status,
        rubric: await getDetail(db, r.rubricId, r.version),
        changes: r.changes,
        achievementUpdated: r.achievementUpdated,
        rubricRenamed: r.rubricRenamed,
      }
    },

    'rubrics.export': async ({ rubricId, version }) => {
      const rubric = await requireRubric(db, rubricId)
      let q = db.selectFrom('rubric_version').select('id').where('rubric_id', '=', rubricId)
      q = version === undefined ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version)
      const row = await q.executeTakeFirst()
      if (!row) throw notFound('Rubric version', `${rubricId}@${version ?? 'latest'}`)
      const v = await loadRubricVersion(db, row.id)
      const file = rubricFileDocument({
        rubric: { id: rubric.id, name: rubric.name },
        version: v.version,
        contentHash: v.contentHash,
        changeNote: v.changeNote,
        achievement: v.achievement,
        content: v.content,
      })
      return {
        rubricId,
        version: v.version,
        contentHash: v.contentHash,
        fileName: `${slug(rubric.name)}-v${v.version}.rubric.json`,
        text: JSON.stringify(file, null, 2) + '\n',
      }
    },
  }
}

// ---- pure helpers ---------------------------------------------------------------------------------

/** A validation error whose message counts the problems and names the first, so one line is still useful. */
function invalidWith(what: string, issues: ErrorIssue[]) {
  const first = issues[0]
  if (!first) return invalid(what)
  const count = issues.length === 1 ? '' : ` (${issues.length} problems)`
  const where = first.path.length ? formatIssuePath(first.path) + ': ' : ''
  return invalid(`${what}${count}: ${where}${first.message}`, issues)
}

function decodeImage(image: AchievementImage, at: Path): Uint8Array {
  const bytes = Buffer.from(image.dataBase64, 'base64')
  if (bytes.length === 0)
    throw invalidWith('The image is empty', [{ path: [...at, 'dataBase64'], message: 'is empty' }])
  if (bytes.length > ACHIEVEMENT_IMAGE_MAX_BYTES)
    throw invalidWith('The image is too large', [
      { path: [...at, 'dataBase64'], message: 'must be at most 1 MB' },
    ])
  const looksRight =
    image.mediaType === 'image/png' ? contentMatchesMediaType('image/png', bytes) : isSvgText(bytes)
  if (!looksRight) {
    throw invalidWith('The image does not match its type', [
      {
        path: [...at, 'dataBase64'],
        message: `is not a ${image.mediaType === 'image/png' ? 'PNG' : 'SVG'} image`,
      },
    ])
  }
  return new Uint8Array(bytes)
}

function isSvgText(bytes: Uint8Array): boolean {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return /<svg[\s>]/i.test(text)
  } catch {
    return false
  }
}

function achievementView(a: StoredAchievement): AchievementView {
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    criteriaNarrative: a.criteriaNarrative,
    achievementType: a.achievementType,
    tags: a.tags,
    alignment: a.alignment.map(alignmentOut),
    validityMonths: a.validityMonths,
    image: a.image
      ? { mediaType: a.image.mediaType, dataBase64: Buffer.from(a.image.bytes).toString('base64') }
      : null,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  }
}

/** Stored alignment in a fixed, readable key order, without empty optional fields. */
function alignmentOut(al: StoredAchievement['alignment'][number]): AchievementView['alignment'][number] {
  const out: AchievementView['alignment'][number] = { targetName: al.targetName, targetUrl: al.targetUrl }
  if (al.targetDescription) out.targetDescription = al.targetDescription
  if (al.targetCode) out.targetCode = al.targetCode
  if (al.targetFramework) out.targetFramework = al.targetFramework
  if (al.targetType) out.targetType = al.targetType
  return out
}

/** The stored achievement as the fields an import or update compares with. */
function achievementFieldsOf(a: StoredAchievement): AchievementFields {
  const view = achievementView(a)
  return {
    name: view.name,
    description: view.description,
    criteriaNarrative: view.criteriaNarrative,
    achievementType: view.achievementType,
    tags: view.tags,
    alignment: view.alignment,
    validityMonths: view.validityMonths,
    image: view.image as AchievementImage | null,
  }
}

/**
 * The rubric file of one version, keys in a readable order (the hash does not depend on it). Every
 * field is written, defaults included, so the file says exactly what the version holds.
 */
export function rubricFileDocument(input: {
  rubric: { id: string; name: string }
  version: number
  contentHash: string
  changeNote: string | null
  achievement: StoredAchievement
  content: RubricContent
}): Record<string, unknown> {
  const a = achievementView(input.achievement)
  return {
    format: RUBRIC_FORMAT,
    formatVersion: RUBRIC_FORMAT_VERSION,
    rubric: {
      id: input.rubric.id,
      name: input.rubric.name,
      version: input.version,
      contentHash: input.contentHash,
      ...(input.changeNote ? { changeNote: input.changeNote } : {}),
    },
    achievement: {
      id: a.id,
      name: a.name,
      description: a.description,
      criteriaNarrative: a.criteriaNarrative,
      achievementType: a.achievementType,
      tags: a.tags,
      alignment: a.alignment,
      validityMonths: a.validityMonths,
      image: a.image,
    },
    criteria: input.content.criteria.map((c) => ({
      id: c.id,
      title: c.title,
      description: c.description,
      weight: c.weight,
      critical: c.critical,
      minLevelId: c.minLevelId,
      levels: c.levels.map((l) => ({
        id: l.id,
        label: l.label,
        description: l.description,
        points: l.points,
      })),
    })),
    passing: { minTotal: input.content.passing.minTotal, unit: input.content.passing.unit },
  }
}

/** An ASCII file name from any name: "Forklift operation" → "forklift-operation"; other scripts → "rubric". */
function slug(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '')
  return s || 'rubric'
}
