import fs from 'node:fs'
import path from 'node:path'
import { InvalidArgumentError, type Command } from 'commander'
import { invalid, notFound, TesseraError } from '../../contract/errors'
import type { AssessmentStateName, EvidenceMediaType } from '../../contract/ops/assessments'
import { parseScoresFile } from '../../contract/schemas/scores-file'
import { mediaTypeForFilename } from '../../core/domain/evidence-media'
import { evidenceTooLarge } from '../../core/services/assessments'
import { assessmentText, outcomeLines } from '../outcome-text'
import { withTessera, type CommandRuntime, type GlobalOptions } from '../runtime'

const STATES = ['draft', 'finalized', 'voided']

/** "RUBRIC_ID" or "RUBRIC_ID@3". */
function parseRubricRef(ref: string): { rubricId: string; version?: number } {
  const at = ref.lastIndexOf('@')
  if (at < 0) return { rubricId: ref }
  const version = Number(ref.slice(at + 1))
  if (!Number.isInteger(version) || version < 1) {
    throw new InvalidArgumentError(
      `"${ref}" should be RUBRIC_ID or RUBRIC_ID@VERSION with a whole version number`,
    )
  }
  return { rubricId: ref.slice(0, at), version }
}

const positiveInt = (v: string): number => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number')
  return n
}

/** Local calendar date: a trainer recording today's work means today where they are. */
const today = (): string => {
  const d = new Date()
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

function readFileOrFail(file: string): Buffer {
  try {
    return fs.readFileSync(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw invalid(
      code === 'ENOENT' ? `${file} does not exist` : `cannot read ${file}: ${(e as Error).message}`,
    )
  }
}

/** Prefixes the file name to a validation error so the user knows which file to fix. */
function inFile(file: string, e: unknown): unknown {
  if (e instanceof TesseraError && e.code === 'validation') {
    return new TesseraError('validation', `${file}: ${e.message}`, { issues: e.issues, details: e.details })
  }
  return e
}

async function assessorIdByName(call: CommandRuntime['call'], name: string): Promise<string> {
  const all = await call('assessors.list', { includeInactive: true })
  const found = all.find((a) => a.name === name.normalize('NFC').trim())
  if (!found) throw notFound('Assessor', name)
  return found.id
}

export function registerAssessmentCommands(program: Command): void {
  program
    .command('assess')
    .description('record an assessment from a scores file (see docs/scores-format.md); prints the outcome')
    .requiredOption('--learner <id>', 'learner id')
    .requiredOption(
      '--rubric <id[@version]>',
      'rubric id, optionally @version (default: latest)',
      parseRubricRef,
    )
    .requiredOption('--assessor <name>', 'assessor name (created if new)')
    .requiredOption('--scores <file>', 'scores file (JSON)')
    .option('--finalize', 'sign it off now (all criteria must be scored); otherwise it stays a draft')
    .action(
      async (
        o: {
          learner: string
          rubric: { rubricId: string; version?: number }
          assessor: string
          scores: string
          finalize?: boolean
        },
        cmd: Command,
      ) => {
        const parsed = parseScoresFile(readFileOrFail(o.scores).toString('utf8'))
        if (!parsed.ok)
          throw new TesseraError('validation', `${o.scores}: ${parsed.message}`, { issues: parsed.issues })
        const sheet = parsed.value
        await withTessera(cmd.optsWithGlobals<GlobalOptions>(), async ({ call, out }) => {
          const a = await call('assessments.record', {
            learnerId: o.learner,
            rubricId: o.rubric.rubricId,
            version: o.rubric.version,
            assessorName: o.assessor,
            assessedOn: sheet.assessedOn ?? today(),
            location: sheet.location,
            overallComment: sheet.overallComment,
            scores: sheet.scores,
            finalize: Boolean(o.finalize),
          }).catch((e: unknown) => {
            throw inFile(o.scores, e)
          })
          out.result(a, () => assessmentText(a))
        })
      },
    )

  const assessments = program
    .command('assessments')
    .description('list, show, finalize, void and correct assessments')

  assessments
    .command('list')
    .description('assessments, newest first')
    .option('--state <state>', `only ${STATES.join(', ')}`, (v: string) => {
      if (!STATES.includes(v)) throw new InvalidArgumentError(`must be one of ${STATES.join(', ')}`)
      return v as AssessmentStateName
    })
    .option('--learner <id>', 'only this learner')
    .option('--rubric <id>', 'only this rubric (any version)')
    .option('--assessor <name>', 'only this assessor')
    .option('--from <date>', 'assessed on or after YYYY-MM-DD')
    .option('--to <date>', 'assessed on or before YYYY-MM-DD')
    .option('--limit <n>', 'at most this many (default 50)', positiveInt)
    .option('--offset <n>', 'skip this many', positiveInt)
    .action(
      async (
        o: {
          state?: AssessmentStateName
          learner?: string
          rubric?: string
          assessor?: string
          from?: string
          to?: string
          limit?: number
          offset?: number
        },
        cmd: Command,
      ) => {
        await withTessera(
          cmd.optsWithGlobals<GlobalOptions>(),
          async ({ call, out }) => {
            const list = await call('assessments.list', {
              state: o.state,
              learnerId: o.learner,
              rubricId: o.rubric,
              assessorId: o.assessor ? await assessorIdByName(call, o.assessor) : undefined,
              from: o.from,
              to: o.to,
              limit: o.limit,
              offset: o.offset,
            })
            out.result(list, () => {
              if (list.items.length === 0) return 'No assessments.'
              const rows = list.items.map((a) =>
                [
                  a.id,
                  a.assessedOn,
                  a.state.padEnd(9),
                  a.passed === null ? '    ' : a.passed ? 'PASS' : 'FAIL',
                  a.percent === null ? '       ' : `${a.percent} %`.padStart(8),
                  `${a.learnerName}`,
                  `${a.rubricName} v${a.rubricVersion}`,
                  a.supersededById ? `(corrected by ${a.supersededById})` : '',
                ]
                  .join('  ')
                  .trimEnd(),
              )
              const shown = `${list.offset + 1}-${list.offset + list.items.length} of ${list.total}`
              return [
                ...rows,
                list.items.length < list.total ? `(${shown}; use --offset for more)` : '',
              ].join('\n')
            })
          },
          { readonly: true },
        )
      },
    )

  assessments
    .command('show')
    .description('one assessment: learner, rubric, scores, outcome, evidence and history')
    .argument('<id>', 'assessment id')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      await withTessera(
        cmd.optsWithGlobals<GlobalOptions>(),
        async ({ call, out }) => {
          const a = await call('assessments.get', { id })
          out.result(a, () => assessmentText(a, { scores: true, history: true }))
        },
        { readonly: true },
      )
    })

  assessments
    .command('finalize')
    .description('sign off a fully scored draft; its outcome is stored and frozen')
    .argument('<id>', 'assessment id')
    .option('--assessor <name>', 'who signs off (must be the assessment’s assessor)')
    .action(async (id: string, o: { assessor?: string }, cmd: Command) => {
      await withTessera(cmd.optsWithGlobals<GlobalOptions>(), async ({ call, out }) => {
        const a = await call('assessments.finalize', {
          id,
          assessorId: o.assessor ? await assessorIdByName(call, o.assessor) : undefined,
        })
        out.result(a, () =>
          [`Finalized ${a.id}.`, ...outcomeLines(a.outcome, a.rubric.content, true)].join('\n'),
        )
      })
    })

  assessments
    .command('void')
    .description('void an assessment (the record stays, marked void, with the reason)')
    .argument('<id>', 'assessment id')
    .requiredOption('--reason <text>', 'why it is void')
    .action(async (id: string, o: { reason: string }, cmd: Command) => {
      await withTessera(cmd.optsWithGlobals<GlobalOptions>(), async ({ call, out }) => {
        const a = await call('assessments.void', { id, reason: o.reason })
        out.result(a, () => `Voided ${a.id}: ${a.voidReason}`)
      })
    })

  assessments
    .command('correct')
    .description('start a correction of a finalized assessment: a new draft with its scores and evidence')
    .argument('<id>', 'assessment id')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      await withTessera(cmd.optsWithGlobals<GlobalOptions>(), async ({ call, out }) => {
        const a = await call('assessments.correct', { id })
        out.result(a, () => `Draft ${a.id} corrects ${id}; change it, then finalize it.`)
      })
    })

  const evidence = program.command('evidence').description('files attached to assessments')
  evidence
    .command('add')
    .description('attach a photo, PDF, MP4 video or text file to a draft assessment')
    .argument('<assessmentId>', 'assessment id')
    .argument('<file>', 'the file')
    .option('--type <mediaType>', 'media type (default: from the file extension)')
    .action(async (assessmentId: string, file: string, o: { type?: string }, cmd: Command) => {
      const filename = path.basename(file)
      const mediaType = o.type ?? mediaTypeForFilename(filename)
      if (!mediaType) {
        throw invalid(
          `Cannot tell the type of ${filename} from its extension; give --type (e.g. image/jpeg, application/pdf)`,
        )
      }
      await withTessera(cmd.optsWithGlobals<GlobalOptions>(), async ({ call, out, tessera }) => {
        let size: number
        try {
          size = fs.statSync(file).size
        } catch {
          throw invalid(`${file} does not exist`)
        }
        // Refuse before reading: a 2 GB video should not be loaded just to be refused.
        const limit = tessera.ctx.limits.evidenceMaxBytes
        if (size > limit) throw evidenceTooLarge(filename, size, limit)
        const item = await call('evidence.add', {
          assessmentId,
          filename,
          mediaType: mediaType as EvidenceMediaType, // checked by the op's schema
          dataBase64: readFileOrFail(file).toString('base64'),
        })
        out.result(
          item,
          () =>
            `Attached ${item.filename} (${item.mediaType}, ${item.size} bytes, sha256 ${item.sha256}) as ${item.id}`,
        )
      })
    })

  evidence
    .command('export')
    .description('write an evidence file’s bytes to a file (checked against its SHA-256)')
    .argument('<evidenceId>', 'evidence id')
    .requiredOption('--out <file>', 'where to write it')
    .action(async (evidenceId: string, o: { out: string }, cmd: Command) => {
      await withTessera(
        cmd.optsWithGlobals<GlobalOptions>(),
        async ({ call, out }) => {
          const e = await call('evidence.get', { id: evidenceId })
          fs.writeFileSync(o.out, Buffer.from(e.dataBase64, 'base64'))
          const { dataBase64: _bytes, ...meta } = e
          out.result(
            { ...meta, file: path.resolve(o.out) },
            () => `Wrote ${e.filename} (${e.size} bytes) to ${o.out}`,
          )
        },
        { readonly: true },
      )
    })
}
