import { readFileSync, statSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { InputError } from '@byos/runtime/errors';

/** The file read when no `--env-file` is given: `.env` in the current folder, if there is one. */
export const DEFAULT_ENV_FILE = '.env';

/** A `.env` holds a few variables; anything this large is not one (and would be read whole). */
const ENV_FILE_MAX_BYTES = 1024 * 1024;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ASSIGNMENT = /^\s*(?:export\s+)?([^=\s#][^=]*?)\s*=(.*)$/;

/**
 * The option naming another file. Not `--env-file`: Node itself reads every argument starting with `--env-file`, even
 * one after the script's name (nodejs/node#54232), and exits 9 with `node: X: not found` before byos could say more.
 */
export const DOTENV_OPTION = '--dotenv';

/**
 * The `--dotenv` value in `argv` (`--dotenv PATH` or `--dotenv=PATH`), looked for before commander parses anything:
 * the variables the file sets (BYOS_URL, …) stand for options, so they must be in place first.
 */
export function dotenvArgument(argv: readonly string[]): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === DOTENV_OPTION) return argv[i + 1] ?? '';
    if (arg.startsWith(`${DOTENV_OPTION}=`)) return arg.slice(DOTENV_OPTION.length + 1);
  }
  return undefined;
}

/**
 * Loads `file` (given with --dotenv, `explicit`; or `.env` in the current folder, skipped when absent or a folder) into `env`, never replacing a
 * variable that is already set: the shell wins over the file, as with Node's own `--env-file`. Returns the names it
 * set. A line that is not `KEY=value`, a comment or blank is an InputError naming the file and line, never a value.
 */
export function loadEnvFile(file: string, options: { explicit: boolean; env?: NodeJS.ProcessEnv }): string[] {
  const env = options.env ?? process.env;
  let size: number;
  try {
    const stats = statSync(file);
    // A folder named .env (a Python virtualenv often is) is not a dotenv file: skipped unless asked for by name.
    if (stats.isDirectory() && !options.explicit) return [];
    if (!stats.isFile()) throw new InputError(`${file} is not a file`);
    size = stats.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (!options.explicit && (error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new InputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'not-found');
  }
  if (size > ENV_FILE_MAX_BYTES) throw new InputError(`${file} is ${size} bytes, over the ${ENV_FILE_MAX_BYTES} a .env may hold`);
  // Without the BOM (Windows editors write one), or Node's parser reads the first name as "\uFEFFNAME".
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  checkEnvSyntax(text, file);
  const set: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    set.push(name);
  }
  return set;
}

/**
 * Node's parser skips lines it cannot read and takes an unclosed quote literally, so a typo would silently drop or
 * mangle a variable. This check refuses such a file instead, naming the line (its content may be a secret).
 */
export function checkEnvSyntax(text: string, file: string): void {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const where = `${file}:${i + 1}`;
    const assignment = ASSIGNMENT.exec(line);
    if (!assignment) throw new InputError(`${where}: not a KEY=value line`);
    const name = assignment[1]!;
    if (!NAME.test(name))
      // Not echoed: a pasted URL (`postgres://u:secret@h/db?sslmode=require`) parses as a "name" holding a password.
      throw new InputError(`${where}: the text before = is not a variable name (letters, digits and _, not starting with a digit)`);
    const value = assignment[2]!.trimStart();
    const quote = value[0];
    if (quote !== '"' && quote !== "'" && quote !== '`') continue;
    // A quoted value may span lines; Node ends it at the next quote (no escapes) and drops the rest of that line, so
    // `"pa"ss"` would be `pa`, and an unclosed quote would swallow the lines up to the next quoted value.
    let closing = value.indexOf(quote, 1);
    let rest = value.slice(closing + 1);
    if (closing < 0) {
      const close = lines.findIndex((later, at) => at > i && later.includes(quote));
      if (close < 0) throw new InputError(`${where}: the quoted value of ${name} is never closed`);
      closing = lines[close]!.indexOf(quote);
      rest = lines[close]!.slice(closing + 1);
      i = close;
    }
    if (!/^\s*(#.*)?$/.test(rest)) {
      throw new InputError(`${where}: text follows the closing quote of ${name}'s value (a quote inside a value ends it: use other quotes around it)`);
    }
  }
}
