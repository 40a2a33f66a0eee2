import { Command, CommanderError } from 'commander'
import { TesseraError } from '../contract/errors'
import { toApiError } from '../core/dispatch'
import { registerAssessmentCommands } from './commands/assessments'
import { registerCredentialCommands } from './commands/credentials'
import { registerLearnerCommands } from './commands/learners'
import { registerRubricCommands } from './commands/rubrics'
import { registerServeCommand } from './commands/serve'
import { registerSyncCommands } from './commands/sync'
import { registerSystemCommands } from './commands/system'
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, formatError } from './io'
import { CheckFailed } from './runtime'

export function buildProgram(): Command {
  const program = new Command('tessera')
    .description('Tessera: offline practical-skills assessment and verifiable credentials')
    .option('--db <file>', 'database file (default: $TESSERA_DB or the per-user app data folder)')
    .option('--json', 'print one JSON document instead of text')
    .option('--as <name>', 'who is acting, for the audit log (default: your OS user name)')
    .showHelpAfterError()
    .exitOverride()
  registerSystemCommands(program)
  registerLearnerCommands(program)
  registerRubricCommands(program)
  registerAssessmentCommands(program)
  registerCredentialCommands(program)
  registerSyncCommands(program)
  registerServeCommand(program)
  program.commands.forEach(function override(c: Command): void {
    c.exitOverride()
    c.commands.forEach(override)
  })
  return program
}

/** Runs the CLI; returns the exit code (0 ok, 1 failed check or bad input, 2 usage). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram()
  try {
    await program.parseAsync(argv)
    return EXIT_OK
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return EXIT_OK
      return EXIT_USAGE
    }
    const apiError = toApiError(e)
    const json = process.argv.includes('--json') || argv.includes('--json')
    // A CheckFailed command printed its own report (the one JSON document); only the exit code remains.
    if (json && !(e instanceof CheckFailed))
      process.stdout.write(JSON.stringify({ ok: false, error: apiError }, null, 2) + '\n')
    else process.stderr.write(formatError(apiError) + '\n')
    if (apiError.code === 'internal' && !(e instanceof TesseraError) && process.env.TESSERA_DEBUG)
      console.error(e)
    return EXIT_FAILED
  }
}
