import type { Command } from 'commander'
import { CheckFailed, withTessera, type GlobalOptions } from '../runtime'

export function registerSystemCommands(program: Command): void {
  program
    .command('init')
    .description('set up this installation: the organization that issues credentials')
    .requiredOption('--org-name <name>', 'organization name')
    .option('--org-url <url>', 'organization web address')
    .option('--org-email <email>', 'organization contact email')
    .action(async (o: { orgName: string; orgUrl?: string; orgEmail?: string }, cmd: Command) => {
      await withTessera(cmd.optsWithGlobals<GlobalOptions>(), async ({ call, out, tessera }) => {
        const { organization } = await call('system.init', {
          organization: { name: o.orgName, url: o.orgUrl, email: o.orgEmail },
        })
        out.result(
          { organization, databaseFile: tessera.ctx.database.file, deviceId: tessera.ctx.deviceId },
          () =>
            [
              `Set up "${organization.name}".`,
              `Database: ${tessera.ctx.database.file}`,
              `Device:   ${tessera.ctx.deviceId}`,
            ].join('\n'),
        )
      })
    })

  program
    .command('status')
    .description('show what this installation holds')
    .action(async (_o: unknown, cmd: Command) => {
      await withTessera(
        cmd.optsWithGlobals<GlobalOptions>(),
        async ({ call, out }) => {
          const s = await call('system.status', {})
          out.result(s, () =>
            [
              `Database:      ${s.databaseFile} (schema ${s.schemaVersion})`,
              `Device:        ${s.deviceId}`,
              `Organization:  ${s.organization?.name ?? '(not set up: run tessera init)'}`,
              `Learners:      ${s.counts.learners}`,
              `Assessors:     ${s.counts.assessors}`,
              `Rubrics:       ${s.counts.rubrics}`,
              `Assessments:   ${s.counts.assessments} (${s.counts.drafts} drafts)`,
            ].join('\n'),
          )
        },
        { readonly: true },
      )
    })

  program
    .command('doctor')
    .description('check the database: SQLite integrity, foreign keys and the audit chain')
    .action(async (_o: unknown, cmd: Command) => {
      await withTessera(
        cmd.optsWithGlobals<GlobalOptions>(),
        async ({ call, out }) => {
          const report = await call('system.doctor', {})
          out.result(report, () =>
            report.checks
              .map((c) =>
                [
                  `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.message}`,
                  ...c.problems.map((p) => `       ${p}`),
                ].join('\n'),
              )
              .join('\n'),
          )
          if (!report.ok) throw new CheckFailed('doctor found problems (see above)')
        },
        { readonly: true },
      )
    })

  const assessors = program.command('assessors').description('people who score assessments')
  assessors
    .command('list')
    .description('list assessors')
    .action(async (_o: unknown, cmd: Command) => {
      await withTessera(
        cmd.optsWithGlobals<GlobalOptions>(),
        async ({ call, out }) => {
          const list = await call('assessors.list', {})
          out.result(list, () =>
            list.length
              ? list.map((a) => `${a.id}  ${a.name}${a.email ? ` <${a.email}>` : ''}`).join('\n')
              : 'No assessors yet.',
          )
        },
        { readonly: true },
      )
    })
  assessors
    .command('add')
    .description('add an assessor')
    .argument('<name>', 'full name')
    .option('--email <email>', 'email address')
    .action(async (name: string, o: { email?: string }, cmd: Command) => {
      await withTessera(cmd.optsWithGlobals<GlobalOptions>(), async ({ call, out }) => {
        const a = await call('assessors.add', { name, email: o.email })
        out.result(a, () => `Added assessor ${a.name} (${a.id})`)
      })
    })
}
