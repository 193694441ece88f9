import { Command, CommanderError } from 'commander';
import { ContractError, redactText } from '../runtime/src/index.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './output.ts';
import { COMMANDS } from './commands/index.ts';

/** Builds the `byos` program; every command sets `process.exitCode` through its action's return value. */
export function buildProgram(): Command {
  const program = new Command('byos')
    .description('Bring your own storage: provision, inspect, migrate and move per-tenant databases')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  for (const register of COMMANDS) register(program);
  // Every sub-command (and theirs) reports usage errors through the same override.
  const walk = (command: Command) => {
    command.exitOverride().showHelpAfterError('(run with --help for usage)');
    command.commands.forEach(walk);
  };
  program.commands.forEach(walk);
  return program;
}

/** Runs the CLI and returns its exit code: 0 ok, 1 findings or failure, 2 usage. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT_OK;
      failedAsJson(argv, error.message.replace(/^error: /, ''), EXIT_USAGE);
      return EXIT_USAGE;
    }
    const message = redactText(error instanceof Error ? error.message : String(error));
    process.stderr.write(`byos: ${message}\n`);
    const code = error instanceof UsageError || error instanceof ContractError ? EXIT_USAGE : EXIT_FAILURE;
    failedAsJson(argv, message, code, (error as { findings?: unknown }).findings);
    return code;
  }
}

/**
 * Under `--json`, a command that fails still prints one JSON document on stdout, so that a script reading it learns
 * why (a refused copy's findings included) rather than parsing nothing; the message stays on stderr for people.
 */
function failedAsJson(argv: readonly string[], message: string, exitCode: number, findings?: unknown): void {
  if (!argv.includes('--json')) return;
  const error = { message, exitCode, ...(Array.isArray(findings) ? { findings } : {}) };
  process.stdout.write(`${redactText(JSON.stringify({ error }, null, 2))}\n`);
}
