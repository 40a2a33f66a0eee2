import type { Tessera } from '../../src/core/app'
import { canonicalJson } from '../../src/core/domain/canonical-json'
import { learnerSearchKey } from '../../src/core/domain/learner-search'
import { emailKey } from '../../src/core/domain/names'
import { computeOutcome, type Outcome } from '../../src/core/domain/outcome'
import type { RubricContent } from '../../src/core/domain/rubric-types'
import { sha256Hex } from '../../src/core/node/hash'
import { auditEntryHash, GENESIS_HASH } from '../../src/core/services/audit'
import { generateEvidence } from './evidence'
import { seededUuidV7 } from './ids'
import { generateName } from './names'
import { Random } from './random'
import { generateScores } from './rubrics'

/**
 * Fills an initialized database (organization, rubrics and assessors made through the services)
 * with years of work: learners imported in batches into cohorts, some edited later; assessments
 * recorded and finalized, with evidence now and then, some voided or corrected, and recent drafts.
 *
 * Going through the services would take many minutes for 100,000 learners, so the rows are written
 * with prepared statements in one transaction, but exactly as the services write them: the same
 * columns, `search_key` from `learnerSearchKey`, `email_key` from `emailKey`, the outcome as the
 * canonical JSON of `computeOutcome`, drafts finalized by an UPDATE (as the triggers demand), and
 * one audit entry per change with the services' actions and details, chained with `auditEntryHash`.
 */

export interface PopulateParams {
  seed: number
  learners: number
  assessments: number
  /** Learners per import (one CSV file, one audit entry). */
  importBatch: number
  cohortSize: number
  draftShare: number
  voidShare: number
  correctionShare: number
  /** Share of finalized assessments with evidence files (1 to 3 each). */
  evidenceShare: number
  /** Multiplies evidence sizes (1: realistic; smoke runs use less). */
  evidenceScale: number
  learnerEditShare: number
  /** The period the data covers (ISO dates); drafts fall in its last `draftDays`. */
  from: string
  to: string
  draftDays: number
}

export interface PopulateResult {
  counts: Record<string, number>
  /** Drafts with every criterion scored: ready to finalize. */
  completeDrafts: string[]
  /** Finalized, passed, not voided and not corrected: a credential may be issued for each. */
  issuable: string[]
}

const DAY = 86_400_000
const LOCATIONS = [
  'Kumasi workshop',
  'Centre de formation de Thiès',
  'Mobile unit 3',
  'Main campus, bay 2',
  'مركز التدريب - إربد',
  'Kisumu youth polytechnic',
  'Centro de capacitación, taller 4',
  'पुणे प्रशिक्षण केंद्र',
]
const COMMENTS = [
  'Worked safely and methodically throughout.',
  'Good result; needs more speed on the final checks.',
  'Explained every step clearly to the observer.',
  'Travail soigné, bonne organisation du poste.',
  'Needed one prompt on the safety check, otherwise unaided.',
  'أداء جيد مع الالتزام بقواعد السلامة.',
  'Repeat the fault-finding part next session.',
]
const SCORE_COMMENTS = [
  'Hesitated at first',
  'Very tidy',
  'Prompted once',
  'Faster than required',
  'Check again next time',
]
const VOID_REASONS = [
  'Wrong learner selected',
  'Recorded against the wrong rubric',
  'Duplicate entry from a second laptop',
]
const ACTORS = ['trainer', 'okafor', 'mensah', 'diallo', 'admin']
const COHORT_TOPICS = [
  'Solar',
  'Wiring',
  'Tailoring',
  'Plumbing',
  'Kitchen',
  'Phones',
  'Masonry',
  'Welding',
  'Office',
  'Poultry',
]

interface VersionInfo {
  id: string
  content: RubricContent
  contentHash: string
}

interface LearnerState {
  id: string
  createdAt: string
  fields: {
    givenName: string
    familyName: string
    email: string | null
    phone: string | null
    externalId: string | null
    notes: string | null
  }
  version: number
  updatedAt: string
}

type Kind = 'final' | 'draft'
interface AssessmentEvent {
  type: 'assessment'
  t: number
  kind: Kind
  learnerIndex: number
  /** Filled when processed; follow-up events read it. */
  id?: string
  passed?: boolean
  scores?: { criterionId: string; levelId: string }[]
  version?: VersionInfo
  assessorId?: string
}
type Event =
  | { type: 'import'; t: number; batch: number }
  | { type: 'edit'; t: number; learnerIndex: number }
  | AssessmentEvent
  | { type: 'void'; t: number; of: AssessmentEvent }
  | { type: 'correct'; t: number; of: AssessmentEvent }

const iso = (ms: number): string => new Date(ms).toISOString()

export function populate(t: Tessera, params: PopulateParams): PopulateResult {
  const sqlite = t.ctx.database.sqlite
  const deviceId = t.ctx.deviceId
  const root = new Random(params.seed)
  const rEvents = root.fork('events')
  const rNames = root.fork('names')
  const rWork = root.fork('work')
  const rEvidence = root.fork('evidence')

  const versions: VersionInfo[] = (
    sqlite
      .prepare(
        `SELECT rv.id, rv.content, rv.content_hash FROM rubric_version rv
          WHERE rv.version = (SELECT max(version) FROM rubric_version x WHERE x.rubric_id = rv.rubric_id) ORDER BY rv.id`,
      )
      .all() as { id: string; content: string; content_hash: string }[]
  ).map((r) => ({ id: r.id, content: JSON.parse(r.content) as RubricContent, contentHash: r.content_hash }))
  const assessorIds = (sqlite.prepare(`SELECT id FROM assessor ORDER BY id`).all() as { id: string }[]).map(
    (r) => r.id,
  )
  if (versions.length === 0 || assessorIds.length === 0)
    throw new Error('populate needs rubrics and assessors first')

  // ---- statements --------------------------------------------------------------------------------
  const insLearner = sqlite.prepare(
    `INSERT INTO learner (id, device_id, created_at, updated_at, version, given_name, family_name, email, email_key, phone, external_id, notes, search_key)
     VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const insCohort = sqlite.prepare(
    `INSERT INTO cohort (id, device_id, created_at, updated_at, name) VALUES (?, ?, ?, ?, ?)`,
  )
  const insMember = sqlite.prepare(
    `INSERT INTO learner_cohort (learner_id, cohort_id, device_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (learner_id, cohort_id) DO NOTHING`,
  )
  const insHistory = sqlite.prepare(
    `INSERT INTO learner_history (id, device_id, created_at, updated_at, learner_id, version, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  )
  const updLearner = sqlite.prepare(
    `UPDATE learner SET phone = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
  )
  const insAssessment = sqlite.prepare(
    `INSERT INTO assessment (id, device_id, created_at, updated_at, learner_id, rubric_version_id, assessor_id, assessed_on, location, overall_comment, state, supersedes_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?)`,
  )
  const insScore = sqlite.prepare(
    `INSERT INTO assessment_score (assessment_id, criterion_id, level_id, comment) VALUES (?, ?, ?, ?)`,
  )
  const updScore = sqlite.prepare(
    `UPDATE assessment_score SET level_id = ? WHERE assessment_id = ? AND criterion_id = ?`,
  )
  const touch = sqlite.prepare(`UPDATE assessment SET updated_at = ? WHERE id = ?`)
  const finalize = sqlite.prepare(
    `UPDATE assessment SET state = 'finalized', outcome = ?, finalized_at = ?, finalized_by = ?, updated_at = ? WHERE id = ?`,
  )
  const voidIt = sqlite.prepare(
    `UPDATE assessment SET state = 'voided', voided_at = ?, void_reason = ?, updated_at = ? WHERE id = ?`,
  )
  const insBlob = sqlite.prepare(
    `INSERT INTO blob (sha256, size, data) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
  )
  const insEvidence = sqlite.prepare(
    `INSERT INTO evidence (id, device_id, created_at, updated_at, assessment_id, filename, media_type, size, sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const insAudit = sqlite.prepare(
    `INSERT INTO audit_log (id, at, device_id, actor, action, entity_type, entity_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  let lastHash =
    (
      sqlite
        .prepare(`SELECT hash FROM audit_log WHERE device_id = ? ORDER BY seq DESC LIMIT 1`)
        .get(deviceId) as { hash: string } | undefined
    )?.hash ?? GENESIS_HASH
  const counts: Record<string, number> = {}
  const bump = (k: string, n = 1) => (counts[k] = (counts[k] ?? 0) + n)

  /** Timestamps only move forward, so the audit log reads in time order. */
  let clock = 0
  const at = (ms: number): number => (clock = Math.max(ms, clock + 1))
  const audit = (
    ms: number,
    action: string,
    entityType: string,
    entityId: string,
    details: Record<string, unknown>,
  ) => {
    const entry = {
      id: seededUuidV7(ms, rWork),
      at: iso(ms),
      device_id: deviceId,
      actor: rWork.pick(ACTORS),
      action,
      entity_type: entityType,
      entity_id: entityId,
      details: canonicalJson(details),
      prev_hash: lastHash,
    }
    const hash = auditEntryHash(entry)
    insAudit.run(
      entry.id,
      entry.at,
      entry.device_id,
      entry.actor,
      entry.action,
      entry.entity_type,
      entry.entity_id,
      entry.details,
      entry.prev_hash,
      hash,
    )
    lastHash = hash
    bump('audit')
  }

  // ---- the timeline ----------------------------------------------------------------------------
  const from = Date.parse(`${params.from}T08:00:00Z`)
  const to = Date.parse(`${params.to}T17:00:00Z`)
  const registering = (to - from) * 0.92
  const batches = Math.max(1, Math.ceil(params.learners / params.importBatch))
  const batchTime = (b: number) => from + ((b + 0.5) / batches) * registering
  const events: Event[] = []
  for (let b = 0; b < batches; b++) events.push({ type: 'import', t: batchTime(b), batch: b })
  for (let i = 0; i < params.learners; i++) {
    if (rEvents.chance(params.learnerEditShare))
      events.push({
        type: 'edit',
        t: Math.min(to, batchTime(Math.floor(i / params.importBatch)) + rEvents.int(1, 300) * DAY),
        learnerIndex: i,
      })
  }
  const draftFrom = to - params.draftDays * DAY
  const firstBatch = batchTime(0)
  for (let i = 0; i < params.assessments; i++) {
    const kind: Kind = rEvents.chance(params.draftShare) ? 'draft' : 'final'
    const tA =
      kind === 'draft'
        ? draftFrom + rEvents.next() * (to - draftFrom)
        : firstBatch + DAY + rEvents.next() * (draftFrom - firstBatch - 2 * DAY)
    // Learners registered before this day: batches whose time is earlier.
    const registered = Math.min(
      params.learners,
      (Math.floor(((tA - from) / registering) * batches - 0.5) + 1) * params.importBatch,
    )
    const e: AssessmentEvent = {
      type: 'assessment',
      t: tA,
      kind,
      learnerIndex: rEvents.int(0, Math.max(0, registered - 1)),
    }
    events.push(e)
    if (kind === 'final' && rEvents.chance(params.voidShare))
      events.push({ type: 'void', t: tA + rEvents.int(1, 48) * 3_600_000, of: e })
    else if (kind === 'final' && rEvents.chance(params.correctionShare))
      events.push({ type: 'correct', t: tA + rEvents.int(1, 10) * DAY, of: e })
  }
  events.sort((a, b) => a.t - b.t)

  // ---- writing -----------------------------------------------------------------------------------
  const learners: LearnerState[] = []
  const cohorts: { id: string; name: string }[] = []
  const completeDrafts: string[] = []
  const issuable = new Set<string>()
  let serial = 0

  const importBatch = (ms: number, b: number) => {
    const now = iso(ms)
    const n = Math.min(params.importBatch, params.learners - b * params.importBatch)
    const month = now.slice(0, 7)
    const made: { id: string; name: string }[] = []
    const perCohort = Math.max(1, Math.round(params.cohortSize))
    let members = 0
    let current: { id: string; name: string } | undefined
    const fileRows: string[] = []
    for (let i = 0; i < n; i++) {
      if (i % perCohort === 0) {
        current = {
          id: seededUuidV7(ms, rWork),
          name: `${rWork.pick(COHORT_TOPICS)} ${month} group ${cohorts.length + 1}`,
        }
        insCohort.run(current.id, deviceId, now, now, current.name)
        cohorts.push(current)
        made.push(current)
      }
      serial++
      const name = generateName(rNames, serial)
      const fields = {
        givenName: name.givenName,
        familyName: name.familyName,
        email: name.email,
        phone: rNames.chance(0.5)
          ? `+${rNames.pick(['233', '221', '254', '962', '91', '84'])} ${rNames.int(200, 999)} ${rNames.int(100000, 999999)}`
          : null,
        externalId: rNames.chance(0.7) ? `NS-${String(serial).padStart(7, '0')}` : null,
        notes: rNames.chance(0.04) ? 'Needs the large-print version of the written part.' : null,
      }
      const id = seededUuidV7(ms, rWork)
      insLearner.run(
        id,
        deviceId,
        now,
        now,
        fields.givenName,
        fields.familyName,
        fields.email,
        emailKey(fields.email),
        fields.phone,
        fields.externalId,
        fields.notes,
        learnerSearchKey(fields),
      )
      learners.push({ id, createdAt: now, fields, version: 1, updatedAt: now })
      members += insMember.run(id, current!.id, deviceId, now).changes
      // Some people join a second, earlier cohort too (an evening class, a refresher).
      if (cohorts.length > made.length && rNames.chance(0.1))
        members += insMember.run(id, rNames.pick(cohorts).id, deviceId, now).changes
      fileRows.push(`${fields.givenName},${fields.familyName},${fields.email ?? ''}`)
    }
    audit(ms, 'learners.import', 'learner_import', seededUuidV7(ms, rWork), {
      fileName: `register-${month}-${b + 1}.csv`,
      sha256: sha256Hex(fileRows.join('\n')),
      rows: n,
      created: n,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      addedToCohorts: members,
      invalidSkipped: 0,
      onDuplicate: 'skip',
      cohort: null,
      cohortsCreated: made.map((c) => c.name),
    })
    bump('learner', n)
    bump('cohort', made.length)
  }

  const editLearner = (ms: number, i: number) => {
    const l = learners[i]
    if (!l) return
    const now = iso(ms)
    insHistory.run(
      seededUuidV7(ms, rWork),
      deviceId,
      now,
      now,
      l.id,
      l.version,
      canonicalJson({ version: l.version, ...l.fields, updatedAt: l.updatedAt }),
    )
    const phone = `+${rWork.pick(['233', '221', '254'])} ${rWork.int(200, 999)} ${rWork.int(100000, 999999)}`
    updLearner.run(phone, l.version + 1, now, l.id, l.version)
    l.fields.phone = phone
    l.version++
    l.updatedAt = now
    audit(ms, 'learner.update', 'learner', l.id, { version: l.version, changed: ['phone'] })
    bump('learnerEdit')
  }

  const outcomeOf = (v: VersionInfo, scores: { criterionId: string; levelId: string | null }[]): Outcome =>
    computeOutcome(v.content, scores)

  const finalizeRow = (ms: number, id: string, v: VersionInfo, assessorId: string, outcome: Outcome) => {
    const now = iso(ms)
    finalize.run(canonicalJson(outcome), now, assessorId, now, id)
    audit(ms, 'assessment.finalize', 'assessment', id, {
      finalizedBy: assessorId,
      rubricVersionId: v.id,
      contentHash: v.contentHash,
      total: outcome.total,
      maxTotal: outcome.maxTotal,
      percent: outcome.percent,
      passed: outcome.passed,
      failedRules: outcome.failedRules.map((r) => r.rule),
    })
    bump('finalized')
  }

  const recordAssessment = (e: AssessmentEvent) => {
    const learner = learners[e.learnerIndex]!
    const v = rWork.pick(versions)
    const assessorId = rWork.pick(assessorIds)
    const scores = generateScores(rWork, v.content)
    const ms = at(Math.max(e.t, Date.parse(learner.createdAt) + 60_000))
    const now = iso(ms)
    const id = seededUuidV7(ms, rWork)
    const assessedOn = now.slice(0, 10)
    const location = rWork.chance(0.6) ? rWork.pick(LOCATIONS) : null
    const comment = rWork.chance(0.7) ? rWork.pick(COMMENTS) : ''
    const withEvidence = e.kind === 'final' && rEvidence.chance(params.evidenceShare)
    const scoreRows = scores.map((s) => ({
      ...s,
      comment: rWork.chance(0.1) ? rWork.pick(SCORE_COMMENTS) : '',
    }))
    insAssessment.run(
      id,
      deviceId,
      now,
      now,
      learner.id,
      v.id,
      assessorId,
      assessedOn,
      location,
      comment,
      null,
    )
    bump('assessment')
    e.id = id
    e.version = v
    e.assessorId = assessorId
    e.scores = scores
    const created = {
      learnerId: learner.id,
      rubricVersionId: v.id,
      contentHash: v.contentHash,
      assessorId,
      assessedOn,
    }
    if (e.kind === 'draft' || withEvidence) {
      // Started on the tablet, scored as the demonstration went on (saveDraft), evidence attached.
      audit(ms, 'assessment.create', 'assessment', id, created)
      const complete = e.kind === 'final' || rWork.chance(0.75)
      const given = complete ? scoreRows : scoreRows.filter(() => rWork.chance(0.5))
      for (const s of given) insScore.run(id, s.criterionId, s.levelId, s.comment)
      bump('score', given.length)
      const upd = at(ms + rWork.int(5, 40) * 60_000)
      touch.run(iso(upd), id)
      audit(upd, 'assessment.update', 'assessment', id, {
        fields: [],
        scores: given.map((s) => ({ criterionId: s.criterionId, levelId: s.levelId })),
      })
      if (withEvidence) {
        for (let k = rEvidence.int(1, 3); k > 0; k--) {
          const f = generateEvidence(rEvidence, ++serial, params.evidenceScale)
          const sha = sha256Hex(f.bytes)
          const addMs = at(upd + rWork.int(1, 5) * 60_000)
          const addNow = iso(addMs)
          insBlob.run(sha, f.bytes.length, f.bytes)
          const evidenceId = seededUuidV7(addMs, rWork)
          insEvidence.run(
            evidenceId,
            deviceId,
            addNow,
            addNow,
            id,
            f.filename,
            f.mediaType,
            f.bytes.length,
            sha,
          )
          touch.run(addNow, id)
          audit(addMs, 'evidence.add', 'assessment', id, {
            evidenceId,
            filename: f.filename,
            mediaType: f.mediaType,
            size: f.bytes.length,
            sha256: sha,
          })
          bump('evidence')
          bump('evidenceBytes', f.bytes.length)
        }
      }
      if (e.kind === 'draft') {
        if (complete) completeDrafts.push(id)
        bump('draft')
        return
      }
    } else {
      // assessments.record with finalize: the whole score sheet at once.
      for (const s of scoreRows) insScore.run(id, s.criterionId, s.levelId, s.comment)
      bump('score', scoreRows.length)
      audit(ms, 'assessment.create', 'assessment', id, {
        ...created,
        scores: scores.map((s) => ({ criterionId: s.criterionId, levelId: s.levelId })),
      })
    }
    const outcome = outcomeOf(v, scores)
    finalizeRow(at(clock + rWork.int(1, 20) * 60_000), id, v, assessorId, outcome)
    e.passed = outcome.passed
    if (outcome.passed) issuable.add(id)
  }

  const voidAssessment = (ms: number, e: AssessmentEvent) => {
    if (!e.id) return
    const now = iso(ms)
    const reason = rWork.pick(VOID_REASONS)
    voidIt.run(now, reason, now, e.id)
    audit(ms, 'assessment.void', 'assessment', e.id, { reason, previousState: 'finalized' })
    issuable.delete(e.id)
    bump('voided')
  }

  const correctAssessment = (ms: number, e: AssessmentEvent) => {
    if (!e.id || !e.version || !e.scores || !e.assessorId) return
    const old = sqlite.prepare(`SELECT * FROM assessment WHERE id = ?`).get(e.id) as Record<
      string,
      string | null
    >
    const now = iso(ms)
    const id = seededUuidV7(ms, rWork)
    insAssessment.run(
      id,
      deviceId,
      now,
      now,
      old.learner_id,
      old.rubric_version_id,
      old.assessor_id,
      old.assessed_on,
      old.location,
      old.overall_comment,
      e.id,
    )
    const oldScores = sqlite
      .prepare(`SELECT * FROM assessment_score WHERE assessment_id = ? ORDER BY criterion_id`)
      .all(e.id) as {
      criterion_id: string
      level_id: string
      comment: string
    }[]
    for (const s of oldScores) insScore.run(id, s.criterion_id, s.level_id, s.comment)
    audit(ms, 'assessment.correct', 'assessment', id, {
      supersedesId: e.id,
      assessorId: e.assessorId,
      copiedScores: oldScores.length,
      copiedEvidence: 0,
    })
    // The correction raises the first criterion by one level (a mis-click on the tablet).
    const first = e.version.content.criteria[0]!
    const held = e.scores.find((s) => s.criterionId === first.id)!
    const li = Math.min(first.levels.length - 1, first.levels.findIndex((l) => l.id === held.levelId) + 1)
    const corrected = e.scores.map((s) =>
      s.criterionId === first.id ? { ...s, levelId: first.levels[li]!.id } : s,
    )
    updScore.run(first.levels[li]!.id, id, first.id)
    const upd = at(ms + 120_000)
    touch.run(iso(upd), id)
    audit(upd, 'assessment.update', 'assessment', id, {
      fields: [],
      scores: [{ criterionId: first.id, levelId: first.levels[li]!.id }],
    })
    const outcome = outcomeOf(e.version, corrected)
    finalizeRow(at(upd + 60_000), id, e.version, e.assessorId, outcome)
    bump('assessment')
    bump('correction')
    issuable.delete(e.id)
    if (outcome.passed) issuable.add(id)
  }

  sqlite.transaction(() => {
    for (const e of events) {
      if (e.type === 'import') importBatch(at(e.t), e.batch)
      else if (e.type === 'edit') editLearner(at(e.t), e.learnerIndex)
      else if (e.type === 'assessment') recordAssessment(e)
      else if (e.type === 'void') voidAssessment(at(e.t), e.of)
      else correctAssessment(at(e.t), e.of)
    }
  })()

  return { counts, completeDrafts, issuable: [...issuable] }
}
