import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { openTessera } from '../../src/core/app'
import { copyDatabase } from '../data/cache'
import { benchSecrets } from '../data/fixture'
import { ratioOf, stats, type CaseResult } from '../harness'
import type { BenchCase } from './context'

/**
 * Sync of a field laptop's 10,000 finalized assessments (their learners, cohorts, scores and audit
 * entries; no evidence files) to the hub:
 *
 * - export: `sync.export` (plan, canonical hashes, signed JWS, encrypted to the hub, written atomically);
 *   baseline: reading the same rows with SELECT * and one JSON.stringify of them all.
 * - import: `sync.import` of that bundle into a copy of the hub (decrypt, verify every signature and
 *   hash, validate every record, apply in one transaction, sign a receipt);
 * - re-import: a second export of the same device (a new bundle, every record already held: all
 *   duplicates) into that hub.
 *   Baseline for both: inserting the same rows into a copy of the hub with prepared statements in one
 *   transaction (INSERT OR IGNORE, foreign keys deferred), the least work that stores them.
 */

/** Tables whose rows travel field -> hub, in an order that satisfies the schema's triggers. */
const TABLES: { table: string; where?: string; omit?: string[] }[] = [
  { table: 'assessor' },
  { table: 'achievement' },
  { table: 'rubric' },
  { table: 'rubric_version' },
  { table: 'learner' },
  { table: 'learner_history' },
  { table: 'cohort' },
  { table: 'learner_cohort' },
  // Scores before their (finalized) assessment: the frozen-score trigger allows only that order.
  { table: 'assessment_score', where: `assessment_id IN (SELECT id FROM assessment WHERE state <> 'draft')` },
  { table: 'evidence', where: `assessment_id IN (SELECT id FROM assessment WHERE state <> 'draft')` },
  { table: 'assessment', where: `state <> 'draft'` },
  { table: 'issuer_key', omit: ['private_envelope'] },
  { table: 'trusted_key' },
  { table: 'status_list', omit: ['owned'] },
  { table: 'credential' },
  { table: 'audit_log', omit: ['seq'] },
]

type Row = Record<string, unknown>

function readRows(db: Database.Database): { table: string; rows: Row[] }[] {
  return TABLES.map(({ table, where, omit }) => {
    const rows = db.prepare(`SELECT * FROM ${table}${where ? ` WHERE ${where}` : ''}`).all() as Row[]
    if (omit) for (const r of rows) for (const c of omit) delete r[c]
    return { table, rows }
  })
}

function insertRows(file: string, data: { table: string; rows: Row[] }[]): number {
  const db = new Database(file)
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.pragma('foreign_keys = ON')
    let n = 0
    db.transaction(() => {
      db.pragma('defer_foreign_keys = ON')
      for (const { table, rows } of data) {
        if (rows.length === 0) continue
        const cols = Object.keys(rows[0]!)
        const insert = db.prepare(
          `INSERT OR IGNORE INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
        )
        for (const r of rows) n += insert.run(...cols.map((c) => r[c])).changes
      }
    })()
    return n
  } finally {
    db.close()
  }
}

export const syncCase: BenchCase = {
  id: 'sync',
  async run(ctx) {
    const fixture = await ctx.sync()
    const fieldFile = path.join(ctx.workDir, 'field.db')
    copyDatabase(fixture.fieldFile, fieldFile)
    const runs = ctx.config.sync_.runs
    const assessments = (fixture.counts.assessment ?? 0) - (fixture.counts.draft ?? 0)

    // ---- export -------------------------------------------------------------------------------------
    const bundles: string[] = []
    const exportMs: number[] = []
    const exportBase: number[] = []
    let records = 0
    let bundleBytes = 0
    const field = openTessera({ dbFile: fieldFile, actor: 'trainer', secrets: benchSecrets })
    try {
      for (let i = -1; i < Math.max(runs, 2); i++) {
        const outFile = path.join(ctx.workDir, `bundle-${i + 1}.tsb`)
        let t0 = performance.now()
        const r = await field.call('sync.export', { outFile })
        const took = performance.now() - t0
        bundles.push(outFile)
        records = r.records
        bundleBytes = r.bytes
        t0 = performance.now()
        const rows = readRows(field.ctx.database.sqlite)
        const json = JSON.stringify(rows)
        const base = performance.now() - t0
        if (json.length === 0) throw new Error('nothing read')
        if (i < 0 || i >= runs) continue
        exportMs.push(took)
        exportBase.push(base)
      }
    } finally {
      field.close()
    }
    const [first, second] = [bundles.at(-2)!, bundles.at(-1)!]

    // ---- import and re-import at the hub ------------------------------------------------------------
    const importMs: number[] = []
    const reimportMs: number[] = []
    const importBase: number[] = []
    const source = new Database(fieldFile, { readonly: true })
    const rows = readRows(source)
    source.close()
    let counts = { accepted: 0, duplicate: 0, conflict: 0 }
    let again = { accepted: 0, duplicate: 0, conflict: 0 }
    for (let i = 0; i < runs; i++) {
      const hubFile = path.join(ctx.workDir, `hub-${i}.db`)
      copyDatabase(fixture.hubFile, hubFile)
      const hub = openTessera({ dbFile: hubFile, actor: 'admin', secrets: benchSecrets })
      try {
        let t0 = performance.now()
        counts = (
          await hub.call('sync.import', { file: first, trustDevice: true, receiptFile: `${hubFile}.receipt` })
        ).counts
        importMs.push(performance.now() - t0)
        t0 = performance.now()
        again = (await hub.call('sync.import', { file: second, receiptFile: `${hubFile}.receipt2` })).counts
        reimportMs.push(performance.now() - t0)
      } finally {
        hub.close()
      }
      fs.rmSync(hubFile, { force: true })
      const baseFile = path.join(ctx.workDir, `hub-base-${i}.db`)
      copyDatabase(fixture.hubFile, baseFile)
      const t0 = performance.now()
      insertRows(baseFile, rows)
      importBase.push(performance.now() - t0)
      fs.rmSync(baseFile, { force: true })
    }
    if (again.accepted !== 0 || again.duplicate === 0) {
      throw new Error(`the second bundle was expected to hold only duplicates: ${JSON.stringify(again)}`)
    }

    const e = stats(exportMs)
    const eb = stats(exportBase)
    const im = stats(importMs)
    const re = stats(reimportMs)
    const ib = stats(importBase)
    const params = { assessments, records, runs }
    const results: CaseResult[] = [
      {
        id: 'export',
        name: `export ${assessments} assessments (no evidence)`,
        unit: 'ms',
        target: '< 5 s',
        value: e.median,
        stats: e,
        baseline: eb,
        ratio: ratioOf(e, eb),
        met: e.median < 5000,
        params,
        extra: { 'bundle MB': bundleBytes / 1024 / 1024 },
      },
      {
        id: 'import',
        name: 'import that bundle at the hub',
        unit: 'ms',
        target: '< 10 s',
        value: im.median,
        stats: im,
        baseline: ib,
        ratio: ratioOf(im, ib),
        met: im.median < 10_000,
        params,
        extra: { accepted: counts.accepted, duplicate: counts.duplicate, conflict: counts.conflict },
      },
      {
        id: 'reimport',
        name: 're-import it (all duplicates)',
        unit: 'ms',
        target: '< 3 s',
        value: re.median,
        stats: re,
        baseline: ib,
        ratio: ratioOf(re, ib),
        met: re.median < 3000,
        params,
        extra: { accepted: again.accepted, duplicate: again.duplicate, conflict: again.conflict },
      },
    ]
    return results
  },
}
