import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { openTessera, type OpenTesseraOptions, type Tessera } from '../../src/core/app'
import { safetyRubric } from '../assessments/fixtures'
import { openInitializedTessera, testSecrets } from '../helpers/temp-db'

/**
 * An initialized installation with the safety rubric (its achievement optionally valid for some
 * months), an assessor and learners made through the real operations, as the app would.
 */

export interface IssueWorld {
  t: Tessera
  rubricId: string
  achievementId: string
  assessorId: string
  /** Amina Yusuf (email, in cohort "March 2026"). */
  learnerId: string
}

export const COHORT = 'March 2026'

export async function issueWorld(
  opts: Partial<OpenTesseraOptions> & {
    validityMonths?: number | null
    image?: { mediaType: 'image/png'; dataBase64: string }
  } = {},
): Promise<IssueWorld> {
  const { validityMonths = null, image = null, ...open } = opts
  const t = await openInitializedTessera(open)
  const created = await t.call('rubrics.create', {
    achievement: {
      name: 'Electrical safety',
      description: 'Works safely on low-voltage installations',
      validityMonths,
      image,
    },
    content: safetyRubric,
  })
  const { id: assessorId } = await t.call('assessors.add', { name: 'R. Okafor' })
  const learner = await t.call('learners.add', {
    givenName: 'Amina',
    familyName: 'Yusuf',
    email: 'Amina.Yusuf@example.org',
    cohorts: [COHORT],
  })
  return {
    t,
    rubricId: created.rubric.id,
    achievementId: created.rubric.achievement.id,
    assessorId,
    learnerId: learner.id,
  }
}

/** 2×Competent + 1.5×Expert + 0.5×Developing = 9 of 12 (75 %): a pass. */
export const PASS = [
  { criterion: 'isolation', level: 'competent' },
  { criterion: 'termination', level: 'expert' },
  { criterion: 'housekeeping', level: 'developing' },
]
/** Safe isolation below its minimum: a fail whatever the total. */
export const FAIL = [
  { criterion: 'isolation', level: 'developing' },
  { criterion: 'termination', level: 'expert' },
  { criterion: 'housekeeping', level: 'expert' },
]

export async function finalizedAssessment(
  w: IssueWorld,
  opts: { learnerId?: string; scores?: typeof PASS; assessedOn?: string; finalize?: boolean } = {},
): Promise<string> {
  const a = await w.t.call('assessments.record', {
    learnerId: opts.learnerId ?? w.learnerId,
    rubricId: w.rubricId,
    assessorId: w.assessorId,
    assessedOn: opts.assessedOn ?? '2026-03-14',
    overallComment: 'Methodical and safe throughout.',
    scores: opts.scores ?? PASS,
    finalize: opts.finalize ?? true,
  })
  return a.id
}

interface LearnerName {
  givenName: string
  familyName: string
  cohorts?: string[]
}

/**
 * A database file for the CLI tests, made in-process and closed again: an organization with a web
 * address, the safety rubric, an assessor, and for each name a new learner with an assessment signed
 * off as a pass (`passed`) or a fail (`failed`); returns the assessments' ids in the names' order.
 */
export async function cliDatabase(
  dbFile: string,
  learners: { passed: LearnerName[]; failed?: LearnerName[]; validityMonths?: number },
): Promise<{ passed: string[]; failed: string[] }> {
  const t = openTessera({ dbFile, actor: 'setup', secrets: testSecrets })
  try {
    await t.call('system.init', {
      organization: { name: 'Northside Skills Trust', url: 'https://northside.example' },
    })
    const { rubric } = await t.call('rubrics.create', {
      achievement: {
        name: 'Electrical safety',
        description: 'Works safely on low-voltage installations',
        ...(learners.validityMonths ? { validityMonths: learners.validityMonths } : {}),
      },
      content: safetyRubric,
    })
    const { id: assessorId } = await t.call('assessors.add', { name: 'R. Okafor' })
    const assess = async (names: LearnerName[], scores: typeof PASS): Promise<string[]> => {
      const ids: string[] = []
      for (const { givenName, familyName, cohorts = [] } of names) {
        const l = await t.call('learners.add', { givenName, familyName, cohorts })
        const a = await t.call('assessments.record', {
          learnerId: l.id,
          rubricId: rubric.id,
          assessorId,
          assessedOn: '2026-03-14',
          scores,
          finalize: true,
        })
        ids.push(a.id)
      }
      return ids
    }
    return { passed: await assess(learners.passed, PASS), failed: await assess(learners.failed ?? [], FAIL) }
  } finally {
    t.close()
  }
}

export const sqliteCount = (t: Tessera, table: string): number =>
  (t.ctx.database.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n

export const auditCount = (t: Tessera, action: string): number =>
  (
    t.ctx.database.sqlite.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = ?`).get(action) as {
      n: number
    }
  ).n

/** Runs a poppler / qpdf / zbar tool and returns its stdout. */
export const tool = (cmd: string, args: string[]): string =>
  execFileSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
  })

/** Rasterises page `page` of a PDF and decodes the QR code on it. */
export function qrTextOfPdf(pdfFile: string, page = 1): string {
  const prefix = path.join(path.dirname(pdfFile), `qr-page-${page}`)
  tool('pdftoppm', [
    '-r',
    '200',
    '-f',
    String(page),
    '-l',
    String(page),
    '-png',
    '-singlefile',
    pdfFile,
    prefix,
  ])
  const out = tool('zbarimg', ['--quiet', '--raw', `${prefix}.png`]).trim()
  fs.rmSync(`${prefix}.png`, { force: true })
  return out
}

export const pdfPageCount = (pdfFile: string): number => {
  const m = /Pages:\s+(\d+)/.exec(tool('pdfinfo', [pdfFile]))
  return m ? Number(m[1]) : -1
}
