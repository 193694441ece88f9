import { Command, CommanderError, Help } from 'commander';
import { redactText } from '@byos/runtime/errors';
import { classifyFailure, EXIT_OK, EXIT_USAGE, type FailureCode, oneLine, UsageError } from './output.ts';
import { COMMAND_MODULES, COMMANDS, type CommandModule } from './commands/index.ts';
import { URL_ENV } from './url-env.ts';
import { DEFAULT_ENV_FILE, DOTENV_OPTION, dotenvArgument, loadEnvFile } from './env-file.ts';
import { cliPackage } from './package-info.ts';

/**
 * Builds the `byos` program. The commands named in `load` (default: every one) are registered in full, their modules
 * imported now; the others are listed by name and description only, which is all `byos --help` shows of them, so
 * a run pays for the command it runs alone.
 */
export async function buildProgram(load: 'all' | readonly string[] = 'all'): Promise<Command> {
  const modules = new Set<CommandModule>(COMMANDS.filter((c) => load === 'all' || load.includes(c.name)).flatMap((c) => c.modules));
  const registers = new Map(await Promise.all([...modules].map(async (m) => [m, await COMMAND_MODULES[m]()] as const)));
  const program = new Command('byos')
    .description('Bring your own storage: provision, inspect, migrate and move per-tenant databases')
    .version(cliPackage().version)
    .option(`${DOTENV_OPTION} <path>`, `read variables from this file instead of ${DEFAULT_ENV_FILE} (a variable already set wins)`)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  // A listed-only command's help line is the one its registration would print (a test keeps the two equal).
  const listedOnly = new Map<Command, string>();
  program.configureHelp({
    subcommandTerm(this: Help, command: Command) {
      return listedOnly.get(command) ?? Help.prototype.subcommandTerm.call(this, command);
    },
  });
  const registered = new Set<CommandModule>();
  for (const entry of COMMANDS) {
    if (entry.modules.some((m) => modules.has(m))) {
      for (const m of entry.modules.filter((m) => !registered.has(m))) {
        registers.get(m)!(program);
        registered.add(m);
      }
    } else {
      listedOnly.set(program.command(entry.name).description(entry.description), entry.term);
    }
  }
  program.hook('preSubcommand', (_program, command) => {
    if (listedOnly.has(command)) throw new Error(`internal: byos ${command.name()} runs without its module loaded`);
  });
  program.addHelpText(
    'after',
    `\nEnvironment (also read from ${DEFAULT_ENV_FILE} in the current folder, or --dotenv FILE; a variable already set wins):\n  ${URL_ENV.url}       stands for --url     } a URL holding a password is safer here than on the\n` +
      `  ${URL_ENV.from}  stands for --from    } command line, where shell history and ps show it;\n` +
      `  ${URL_ENV.to}    stands for --to      } a flag given on the command line wins\n` +
      '\nUnder --json a failure prints { "error": { "code", "message", "exitCode" } } on stdout; code is one of\n' +
      'usage, invalid-input, not-found, connection, refused, failed. Exit codes: 0 ok, 1 findings or failure, 2 usage.',
  );
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
  try {
    // Before the options are parsed: variables from the file stand for options (BYOS_URL for --url, …).
    const envFile = dotenvArgument(argv);
    if (envFile === '') throw new UsageError(`${DOTENV_OPTION} needs a path`);
    loadEnvFile(envFile ?? DEFAULT_ENV_FILE, { explicit: envFile !== undefined });
    const program = await buildProgram(commandToLoad(argv));
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT_OK;
      // commander has already printed the message (and the help hint) on stderr.
      failedAsJson(argv, 'usage', oneLine(error.message.replace(/^error: /, '')), EXIT_USAGE);
      return EXIT_USAGE;
    }
    const message = redactText(error instanceof Error ? error.message : String(error));
    process.stderr.write(`byos: ${message}\n`);
    const { code, exitCode } = classifyFailure(error);
    failedAsJson(argv, code, oneLine(message), exitCode, (error as { findings?: unknown }).findings);
    return exitCode;
  }
}

/**
 * The command an argv runs (`byos [--dotenv F] NAME …`) or shows help for (`byos help NAME`): the one module to
 * load. None for `byos`, `byos --help` or a name that is no command (commander then says so).
 */
export function commandToLoad(argv: readonly string[]): string[] {
  const operands: string[] = [];
  for (let i = 2; i < argv.length && operands.length < 2; i++) {
    const arg = argv[i]!;
    if (arg === DOTENV_OPTION) i++;
    else if (arg === '--' || !arg.startsWith('-')) {
      operands.push(arg === '--' ? (argv[++i] ?? '') : arg);
      if (operands[0] !== 'help') break;
    }
  }
  const name = operands[0] === 'help' ? operands[1] : operands[0];
  return COMMANDS.some((c) => c.name === name) ? [name!] : [];
}

/**
 * Under `--json`, a command that fails still prints one JSON document on stdout, `{ "error": { "code", "message",
 * "exitCode", "findings"? } }`, so that a script reading it learns why (a refused copy's findings included) rather
 * than parsing nothing; `code` is stable (output.ts FailureCode). The message stays on stderr for people.
 */
function failedAsJson(argv: readonly string[], code: FailureCode, message: string, exitCode: number, findings?: unknown): void {
  if (!argv.includes('--json')) return;
  const error = { code, message, exitCode, ...(Array.isArray(findings) ? { findings } : {}) };
  process.stdout.write(`${redactText(JSON.stringify({ error }, null, 2))}\n`);
}
