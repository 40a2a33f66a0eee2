import fs from 'node:fs'
import path from 'node:path'
import { InvalidArgumentError, Option, type Command } from 'commander'
import { TesseraError } from '../../contract/errors'
import {
  IMPORT_FIELDS,
  type Delimiter,
  type ImportField,
  type ImportReport,
  type ImportResult,
  type Learner,
} from '../../contract/ops/learners'
import { fullName } from '../../core/domain/names'
import { reportIssues } from '../../core/import/report-issues'
import { withTessera, type CommandRuntime, type GlobalOptions } from '../runtime'

const collect = (value: string, previous: string[]): string[] => [...previous, value]

/** `--map "E-mail address=email"`: split at the last "=", since a header may contain one. */
function parseMapping(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const at = value.lastIndexOf('=')
  const column = value.slice(0, at).trim()
  const field = value.slice(at + 1).trim()
  const allowed = [...IMPORT_FIELDS, 'ignore']
  if (at <= 0 || !column)
    throw new InvalidArgumentError(`expected COLUMN=FIELD, e.g. "First name=given_name"`)
  if (!allowed.includes(field))
    throw new InvalidArgumentError(`unknown field "${field}"; use one of ${allowed.join(', ')}`)
  return { ...(previous ?? {}), [column]: field }
}

const DELIMITER_NAMES: Record<string, Delimiter> = {
  comma: ',',
  ',': ',',
  semicolon: ';',
  ';': ';',
  tab: '\t',
  '\\t': '\t',
  '\t': '\t',
}

const positiveInt = (value: string): number => {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number')
  return n
}

const nameOf = (l: { givenName: string; familyName: string }): string => fullName(l.givenName, l.familyName)

function learnerLine(l: Learner): string {
  const parts = [l.id, nameOf(l)]
  if (l.email) parts.push(`<${l.email}>`)
  if (l.externalId) parts.push(`external id ${l.externalId}`)
  if (l.cohorts.length) parts.push(`[${l.cohorts.map((c) => c.name).join(', ')}]`)
  return parts.join('  ')
}

function learnerCard(l: Learner): string[] {
  const row = (label: string, value: string | null): string => `  ${label.padEnd(12)} ${value ?? '-'}`
  return [
    nameOf(l),
    row('id', l.id),
    row('given name', l.givenName),
    row('family name', l.familyName || null),
    row('email', l.email),
    row('phone', l.phone),
    row('external id', l.externalId),
    row('cohorts', l.cohorts.map((c) => c.name).join(', ') || null),
    row('notes', l.notes),
    row('version', `${l.version} (updated ${l.updatedAt})`),
  ]
}

const quoted = (s: string | null): string => (s ? ` ("${s.replace(/\n/g, '\\n')}")` : '')

/** The import report for a person: columns, counts, every bad row, every duplicate, a sample. */
export function formatImportReport(r: ImportReport, sampleLimit = 10): string {
  const out: string[] = []
  const delim = r.delimiter === '\t' ? 'tab' : r.delimiter === ';' ? 'semicolon' : 'comma'
  out.push(
    `File: ${r.fileName ?? '(unnamed)'}` +
      (r.delimiter
        ? ` — UTF-8${r.bom ? ' with BOM' : ''}, ${delim}-separated${r.delimiterDetected ? ' (detected)' : ''}`
        : ''),
  )
  if (r.columns.length) {
    out.push('Columns:')
    for (const c of r.columns) {
      const label = `${String(c.number).padStart(3)}  ${c.header || '(no header)'}`
      const what =
        c.how === 'ignored'
          ? 'ignored (--map)'
          : c.field
            ? `${c.field}${c.how === 'mapped' ? ' (--map)' : ''}`
            : `not imported (unrecognised header; use --map "${c.header || `#${c.number}`}=FIELD")`
      out.push(`${label} -> ${what}`)
    }
  }
  for (const e of r.fileErrors) out.push(`error: ${e.message}`)
  if (r.fileErrors.length) return out.join('\n')

  const c = r.counts
  out.push(
    `Rows: ${c.rows - c.blank}${c.blank ? ` (+${c.blank} blank)` : ''} — ${c.toCreate} new, ${c.toUpdate} to update, ` +
      `${c.toSkip} skipped as duplicates, ${c.invalid} with problems`,
  )
  if (r.problems.length) {
    out.push(`Problems (${r.problems.length}):`)
    for (const p of r.problems)
      out.push(`  row ${p.row}${p.column === null ? '' : `, ${p.column}`}: ${p.reason}${quoted(p.value)}`)
  }
  if (r.duplicates.length) {
    out.push(`Duplicates (${r.duplicates.length}):`)
    for (const d of r.duplicates) {
      const what =
        d.sameAsRow !== null
          ? `same as row ${d.sameAsRow}`
          : `already in the database: ${d.learnerName} (${d.learnerId})`
      out.push(
        `  row ${d.row}, ${d.field} ${d.value}: ${what} — ${d.action === 'skip' ? 'skipped' : 'will be updated'}`,
      )
    }
  }
  const sample = r.sample.slice(0, sampleLimit)
  if (sample.length) {
    out.push(`Preview (first ${sample.length} rows):`)
    for (const s of sample) {
      const v = s.values
      const details = [
        v.email,
        v.phone,
        v.external_id && `id ${v.external_id}`,
        v.cohort && `cohort ${v.cohort}`,
      ].filter(Boolean)
      out.push(
        `  row ${String(s.row).padEnd(5)} ${s.action.padEnd(7)} ${fullName(v.given_name ?? '', v.family_name ?? '')}${details.length ? '  ' + details.join('  ') : ''}`,
      )
    }
  }
  return out.join('\n')
}

function refusal(report: ImportReport, dryRun: boolean): string {
  const lead = dryRun ? 'The import would be refused' : 'Nothing was imported'
  if (report.fileErrors.length) return `${lead}: ${report.fileErrors[0]!.message}`
  if (report.counts.invalid > 0) {
    const n = report.counts.invalid
    return (
      `${lead}: ${n} of ${report.counts.rows - report.counts.blank} rows ${n === 1 ? 'has' : 'have'} problems (listed above). ` +
      'Fix them, or run again with --skip-invalid to import the other rows.'
    )
  }
  return `${lead}: ${report.blockedBy}`
}

/** Exit 1 having printed the report once: as text above, or inside the single JSON error document. */
function refuse(rt: CommandRuntime, report: ImportReport, dryRun: boolean): never {
  const message = refusal(report, dryRun)
  if (rt.out.json)
    throw new TesseraError('validation', message, { issues: reportIssues(report), details: { report } })
  rt.out.result(report, () => formatImportReport(report))
  throw new TesseraError('validation', message)
}

function formatImportResult(r: ImportResult): string {
  return [
    formatImportReport(r.report),
    `Imported: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${r.skipped} skipped` +
      `${r.invalidSkipped ? `, ${r.invalidSkipped} bad rows left out` : ''}.`,
    ...(r.cohortsCreated.length ? [`New cohorts: ${r.cohortsCreated.join(', ')}`] : []),
    ...(r.addedToCohorts ? [`Cohort memberships added: ${r.addedToCohorts}`] : []),
    `Import id: ${r.importId}`,
  ].join('\n')
}

interface ImportOptions {
  dryRun?: boolean
  map?: Record<string, ImportField | 'ignore'>
  cohort?: string
  onDuplicate: 'skip' | 'update'
  skipInvalid?: boolean
  delimiter?: string
}

async function findLearner(
  rt: CommandRuntime,
  idOrExternalId: string,
): Promise<Learner & { assessments: unknown[] }> {
  try {
    return await rt.call('learners.get', { id: idOrExternalId })
  } catch (e) {
    if (!(e instanceof TesseraError && e.code === 'not_found')) throw e
    const found = await rt.call('learners.list', { q: idOrExternalId, limit: 1000 })
    const match = found.items.find((l) => l.externalId === idOrExternalId.normalize('NFC').trim())
    if (!match)
      throw new TesseraError('not_found', `No learner has the id or external id "${idOrExternalId}"`)
    return rt.call('learners.get', { id: match.id })
  }
}

export function registerLearnerCommands(program: Command): void {
  const learners = program.command('learners').description('learners, their cohorts, search and CSV import')

  learners
    .command('add')
    .description('add a learner (names are stored exactly as typed)')
    .requiredOption('--given <name>', 'given name(s)')
    .option('--family <name>', 'family name(s)')
    .option('--email <email>', 'email address')
    .option('--phone <phone>', 'phone number')
    .option('--external-id <id>', 'id in another system (student number...)')
    .option('--notes <text>', 'notes')
    .option('--cohort <name>', 'put the learner in this cohort (created if missing); repeatable', collect, [])
    .action(
      async (
        o: {
          given: string
          family?: string
          email?: string
          phone?: string
          externalId?: string
          notes?: string
          cohort: string[]
        },
        cmd: Command,
      ) => {
        await withTessera(cmd.optsWithGlobals<GlobalOptions>(), async ({ call, out }) => {
          const l = await call('learners.add', {
            givenName: o.given,
            familyName: o.family,
            email: o.email,
            phone: o.phone,
            externalId: o.externalId,
            notes: o.notes,
            cohorts: o.cohort,
          })
          out.result(
            l,
            () =>
              `Added ${nameOf(l)} (${l.id})${l.cohorts.length ? ` to ${l.cohorts.map((c) => c.name).join(', ')}` : ''}`,
          )
        })
      },
    )

  learners
    .command('edit')
    .description('change a learner (the previous version is kept); pass "" to clear a field')
    .argument('<id>', 'learner id or external id')
    .option('--given <name>', 'given name(s)')
    .option('--family <name>', 'family name(s)')
    .option('--email <email>', 'email address')
    .option('--phone <phone>', 'phone number')
    .option('--external-id <id>', 'id in another system')
    .option('--notes <text>', 'notes')
    .action(
      async (
        idArg: string,
        o: {
          given?: string
          family?: string
          email?: string
          phone?: string
          externalId?: string
          notes?: string
        },
        cmd: Command,
      ) => {
        await withTessera(cmd.optsWithGlobals<GlobalOptions>(), async (rt) => {
          const current = await findLearner(rt, idArg)
          const l = await rt.call('learners.update', {
            id: current.id,
            expectedVersion: current.version,
            givenName: o.given,
            familyName: o.family,
            email: o.email,
            phone: o.phone,
            externalId: o.externalId,
            notes: o.notes,
          })
          rt.out.result(l, () =>
            l.version === current.version
              ? `No change to ${nameOf(l)} (${l.id})`
              : `Saved ${nameOf(l)} (${l.id}), version ${l.version}`,
          )
        })
      },
    )

  learners
    .command('import')
    .description(
      'import learners from a CSV file (UTF-8; comma, semicolon or tab separated): all rows or none',
    )
    .argument('<file>', 'the CSV file')
    .option('--dry-run', 'only check the file and show what would happen')
    .option(
      '--map <column=field>',
      `use a column for a field (${IMPORT_FIELDS.join(', ')}, ignore); repeatable`,
      parseMapping,
    )
    .option('--cohort <name>', 'put everyone in this cohort (created if missing)')
    .addOption(
      new Option('--on-duplicate <what>', 'a row whose email or external id is already in the database')
        .choices(['skip', 'update'])
        .default('skip'),
    )
    .option(
      '--skip-invalid',
      'import the good rows and leave out the bad ones (default: one bad row stops the import)',
    )
    .addOption(
      new Option('--delimiter <d>', 'the separator, when detection guesses wrong').choices([
        'comma',
        'semicolon',
        'tab',
        ',',
        ';',
        '\\t',
      ]),
    )
    .action(async (file: string, o: ImportOptions, cmd: Command) => {
      let bytes: Buffer
      try {
        bytes = fs.readFileSync(file)
      } catch (e) {
        throw new TesseraError(
          'validation',
          `Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        )
      }
      const input = {
        csvBase64: bytes.toString('base64'),
        fileName: path.basename(file),
        delimiter: o.delimiter ? DELIMITER_NAMES[o.delimiter] : undefined,
        mapping: o.map ?? {},
        onDuplicate: o.onDuplicate,
        cohort: o.cohort,
        skipInvalid: Boolean(o.skipInvalid),
        previewRows: 10,
      }
      await withTessera(
        cmd.optsWithGlobals<GlobalOptions>(),
        async (rt) => {
          const report = await rt.call('learners.importPreview', input)
          if (!report.canImport) refuse(rt, report, Boolean(o.dryRun))
          if (o.dryRun) {
            rt.out.result(
              { dryRun: true, report },
              () => `${formatImportReport(report)}\nDry run: nothing was changed.`,
            )
            return
          }
          const result = await rt.call('learners.importCommit', input)
          rt.out.result({ dryRun: false, ...result }, () => formatImportResult(result))
        },
        { readonly: Boolean(o.dryRun) },
      )
    })

  learners
    .command('list')
    .description(
      'list learners by family name; --search finds names, emails and ids in any case, accents optional',
    )
    .option('--search <text>', 'words to find (each a prefix: "ngu hel" finds Hélène Nguyễn)')
    .option('--cohort <name>', 'only this cohort (name or id)')
    .option('--limit <n>', 'how many (1-1000)', positiveInt, 50)
    .option('--offset <n>', 'skip this many', positiveInt, 0)
    .action(async (o: { search?: string; cohort?: string; limit: number; offset: number }, cmd: Command) => {
      await withTessera(
        cmd.optsWithGlobals<GlobalOptions>(),
        async ({ call, out }) => {
          const page = await call('learners.list', {
            q: o.search,
            cohort: o.cohort,
            limit: o.limit,
            offset: o.offset,
          })
          out.result(page, () => {
            if (page.total === 0) return o.search || o.cohort ? 'No learners match.' : 'No learners yet.'
            const shown = page.items.length ? `${page.offset + 1}-${page.offset + page.items.length}` : 'none'
            return [...page.items.map(learnerLine), `(${shown} of ${page.total})`].join('\n')
          })
        },
        { readonly: true },
      )
    })

  learners
    .command('show')
    .description('one learner with cohorts and assessments')
    .argument('<id>', 'learner id or external id')
    .action(async (idArg: string, _o: unknown, cmd: Command) => {
      await withTessera(
        cmd.optsWithGlobals<GlobalOptions>(),
        async (rt) => {
          const l = await findLearner(rt, idArg)
          const full = await rt.call('learners.get', { id: l.id })
          rt.out.result(full, () =>
            [
              ...learnerCard(full),
              full.assessments.length ? 'Assessments:' : 'Assessments: none',
              ...full.assessments.map(
                (a) =>
                  `  ${a.assessedOn}  ${a.rubricName} v${a.rubricVersion}  ${a.state}${a.passed === null ? '' : a.passed ? '  passed' : '  not passed'}  (${a.id})`,
              ),
            ].join('\n'),
          )
        },
        { readonly: true },
      )
    })

  learners
    .command('history')
    .description('every version of a learner, newest first')
    .argument('<id>', 'learner id or external id')
    .action(async (idArg: string, _o: unknown, cmd: Command) => {
      await withTessera(
        cmd.optsWithGlobals<GlobalOptions>(),
        async (rt) => {
          const l = await findLearner(rt, idArg)
          const h = await rt.call('learners.history', { id: l.id })
          rt.out.result(h, () =>
            h.versions
              .map((v) =>
                [
                  `version ${v.version}${v.current ? ' (current)' : ''}, written ${v.updatedAt}`,
                  `  ${fullName(v.givenName, v.familyName)}  email ${v.email ?? '-'}  phone ${v.phone ?? '-'}  external id ${v.externalId ?? '-'}`,
                ].join('\n'),
              )
              .join('\n'),
          )
        },
        { readonly: true },
      )
    })

  const cohorts = program.command('cohorts').description('groups of learners (a class, an intake)')
  cohorts
    .command('list')
    .description('cohorts with member counts')
    .action(async (_o: unknown, cmd: Command) => {
      await withTessera(
        cmd.optsWithGlobals<GlobalOptions>(),
        async ({ call, out }) => {
          const list = await call('cohorts.list', {})
          out.result(list, () =>
            list.length
              ? list
                  .map(
                    (c) => `${c.id}  ${c.name}  (${c.memberCount} learner${c.memberCount === 1 ? '' : 's'})`,
                  )
                  .join('\n')
              : 'No cohorts yet.',
          )
        },
        { readonly: true },
      )
    })
  cohorts
    .command('create')
    .description('create a cohort')
    .argument('<name>', 'a unique name')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      await withTessera(cmd.optsWithGlobals<GlobalOptions>(), async ({ call, out }) => {
        const c = await call('cohorts.create', { name })
        out.result(c, () => `Created cohort ${c.name} (${c.id})`)
      })
    })
}
