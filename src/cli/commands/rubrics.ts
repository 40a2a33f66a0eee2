import fs from 'node:fs'
import path from 'node:path'
import { InvalidArgumentError, type Command } from 'commander'
import { invalid, TesseraError } from '../../contract/errors'
import { parseRubricRef, type RubricDetail } from '../../contract/ops/rubrics'
import { withTessera, type GlobalOptions } from '../runtime'

type Ref = { rubricId: string; version?: number }

function rubricRefArg(ref: string): Ref {
  const parsed = parseRubricRef(ref)
  if (!parsed)
    throw new InvalidArgumentError(
      `"${ref}" should be RUBRIC_ID or RUBRIC_ID@VERSION with a whole version number`,
    )
  return parsed
}

function readTextFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw invalid(
      code === 'ENOENT' ? `${file} does not exist` : `cannot read ${file}: ${(e as Error).message}`,
    )
  }
}

/** Written under a temporary name and renamed, so an interrupted export never leaves half a file. */
function writeFileAtomically(file: string, text: string): void {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`)
  try {
    fs.writeFileSync(tmp, text, { encoding: 'utf8', flush: true })
    fs.renameSync(tmp, file)
  } catch (e) {
    fs.rmSync(tmp, { force: true })
    throw invalid(`cannot write ${file}: ${(e as Error).message}`)
  }
}

const short = (hash: string): string => hash.slice(0, 12)

function usageText(v: RubricDetail['version']): string {
  if (v.frozen) return `frozen: used by ${v.assessmentCount} assessment${v.assessmentCount === 1 ? '' : 's'}`
  return v.editableInPlace ? 'not used yet (saving edits it in place)' : 'not used yet'
}

function detailText(r: RubricDetail): string {
  const v = r.version
  const a = r.achievement
  const lines = [
    `${r.name}  (${r.id})`,
    `Achievement: ${a.name}  [${a.achievementType}]${a.validityMonths ? `, valid ${a.validityMonths} months` : ''}`,
    `Version:     ${v.version} of ${r.versionCount}, ${usageText(v)}`,
    `Hash:        ${v.contentHash}`,
  ]
  if (v.changeNote) lines.push(`Note:        ${v.changeNote}`)
  lines.push(`Passing:     ${v.passingText}`, '')
  v.content.criteria.forEach((c, i) => {
    const min = c.critical ? (c.levels.find((l) => l.id === c.minLevelId)?.label ?? c.minLevelId) : null
    lines.push(
      `${i + 1}. ${c.title}  [${c.id}]  weight ${c.weight}${c.critical ? `  CRITICAL: at least ${min}` : ''}`,
    )
    if (c.description) lines.push(`   ${c.description.replace(/\s*\n\s*/g, ' ')}`)
    for (const l of c.levels) {
      lines.push(
        `   - ${l.label} [${l.id}] ${l.points} pt${l.points === 1 ? '' : 's'}${l.description ? `: ${l.description.replace(/\s*\n\s*/g, ' ')}` : ''}`,
      )
    }
  })
  return lines.join('\n')
}

export function registerRubricCommands(program: Command): void {
  const rubrics = program
    .command('rubrics')
    .description('rubrics and their versions: import, export, list, show (see docs/rubric-format.md)')

  rubrics
    .command('import')
    .description(
      'import a rubric file: a new rubric, a new version of the rubric it names, or nothing if identical',
    )
    .argument('<file>', 'rubric file (JSON)')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const text = readTextFile(file)
      await withTessera(cmd.optsWithGlobals<GlobalOptions>(), async ({ call, out }) => {
        const r = await call('rubrics.import', { text }).catch((e: unknown) => {
          if (e instanceof TesseraError && e.code === 'validation')
            throw new TesseraError('validation', `${file}: ${e.message}`, {
              issues: e.issues,
              details: e.details,
            })
          throw e
        })
        out.result(r, () => {
          const v = r.rubric.version
          const head =
            r.status === 'created'
              ? `Created rubric "${r.rubric.name}" version ${v.version}`
              : r.status === 'new_version'
                ? `Saved "${r.rubric.name}" as version ${v.version}`
                : r.status === 'updated_in_place'
                  ? `Updated "${r.rubric.name}" version ${v.version} in place (it has not been used yet)`
                  : `Unchanged: "${r.rubric.name}" version ${v.version} already has this content`
          const lines = [
            head,
            `  id:       ${r.rubric.id}@${v.version}`,
            `  hash:     ${v.contentHash}`,
            `  criteria: ${v.criteriaCount}; ${v.passingText}`,
          ]
          if (r.achievementUpdated) lines.push('  the achievement was updated from the file')
          if (r.rubricRenamed) lines.push('  the rubric was renamed from the file')
          if (r.changes.length) lines.push('  changes:', ...r.changes.map((c) => `    - ${c.message}`))
          return lines.join('\n')
        })
      })
    })

  rubrics
    .command('export')
    .description('export a rubric version (latest unless @VERSION) as a rubric file')
    .argument('<rubric>', 'RUBRIC_ID or RUBRIC_ID@VERSION', rubricRefArg)
    .option('--out <file>', 'write to this file (default: standard output)')
    .action(async (ref: Ref, o: { out?: string }, cmd: Command) => {
      await withTessera(
        cmd.optsWithGlobals<GlobalOptions>(),
        async ({ call, out }) => {
          const r = await call('rubrics.export', ref)
          if (!o.out) {
            // The file itself is one JSON document, so --json changes nothing here.
            process.stdout.write(r.text)
            return
          }
          writeFileAtomically(o.out, r.text)
          out.result(
            { rubricId: r.rubricId, version: r.version, contentHash: r.contentHash, file: o.out },
            () => `Wrote version ${r.version} of ${r.rubricId} to ${o.out} (hash ${short(r.contentHash)}…)`,
          )
        },
        { readonly: true },
      )
    })

  rubrics
    .command('list')
    .description('rubrics with their latest version')
    .option('--achievement <id>', 'only the rubrics of this achievement')
    .action(async (o: { achievement?: string }, cmd: Command) => {
      await withTessera(
        cmd.optsWithGlobals<GlobalOptions>(),
        async ({ call, out }) => {
          const list = await call('rubrics.list', { achievementId: o.achievement })
          out.result(list, () =>
            list.length === 0
              ? 'No rubrics yet: import one with "tessera rubrics import FILE.json".'
              : list
                  .map(
                    (r) =>
                      `${r.id}  v${r.latestVersion} (${r.versionCount} version${r.versionCount === 1 ? '' : 's'}${r.frozen ? ', frozen' : ''})  ${r.criteriaCount} criteria  ${r.name}`,
                  )
                  .join('\n'),
          )
        },
        { readonly: true },
      )
    })

  rubrics
    .command('show')
    .description('show a rubric version (latest unless @VERSION): criteria, levels, passing rule, hash')
    .argument('<rubric>', 'RUBRIC_ID or RUBRIC_ID@VERSION', rubricRefArg)
    .action(async (ref: Ref, _o: unknown, cmd: Command) => {
      await withTessera(
        cmd.optsWithGlobals<GlobalOptions>(),
        async ({ call, out }) => {
          const r = await call('rubrics.get', ref)
          out.result(r, () => detailText(r))
        },
        { readonly: true },
      )
    })

  rubrics
    .command('versions')
    .description("a rubric's versions with their notes and what changed")
    .argument('<rubric>', 'RUBRIC_ID')
    .action(async (rubricId: string, _o: unknown, cmd: Command) => {
      await withTessera(
        cmd.optsWithGlobals<GlobalOptions>(),
        async ({ call, out }) => {
          const h = await call('rubrics.versions', { rubricId })
          out.result(h, () =>
            [
              `${h.name}  (${h.rubricId})`,
              ...h.versions.map((v) =>
                [
                  `v${v.version}  ${v.createdAt.slice(0, 16).replace('T', ' ')}  ${short(v.contentHash)}…  ${
                    v.frozen
                      ? `frozen (${v.assessmentCount} assessment${v.assessmentCount === 1 ? '' : 's'})`
                      : 'not used yet'
                  }`,
                  ...(v.changeNote ? [`    note: ${v.changeNote}`] : []),
                  ...(v.version === 1 ? ['    first version'] : v.changes.map((c) => `    - ${c.message}`)),
                ].join('\n'),
              ),
            ].join('\n'),
          )
        },
        { readonly: true },
      )
    })
}
