import { type Command, Option } from 'commander';
import { connect, type ConnectionProfile, InputError, parseConnectionProfile, profileFromUrl, readDocumentFile, type TenantDb } from '@byos/runtime/core';
import { UsageError } from './output.ts';
import { URL_ENV } from './url-env.ts';

export { URL_ENV } from './url-env.ts';

/** A profile file is a few hundred bytes; anything near this is not one. */
const PROFILE_MAX_BYTES = 256 * 1024;

export interface ConnectionFlags {
  url?: string;
  profile?: string;
}

/**
 * Adds the two ways to name a database: `--url URL` (or $BYOS_URL) or `--profile FILE`. `--profile` on the command
 * line wins over $BYOS_URL from the environment.
 */
export function withConnectionOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--url <url>',
        'database URL: postgres://user:pass@host:5432/db (or postgresql://), sqlite:PATH, mssql://user:pass@host/db (or sqlserver://); percent-encode / ? # @ : % + and spaces in the password',
      ).env(URL_ENV.url),
    )
    .option('--profile <file>', 'ConnectionProfile file (JSON or YAML); the password may be a passwordRef (env:NAME or file:PATH)')
    .hook('preAction', (self) => {
      if (self.getOptionValueSource('url') === 'env' && self.getOptionValue('profile') !== undefined) self.setOptionValue('url', undefined);
    });
}

/** An option taking a database URL or a profile file, read from `env` when not given (`--from`, `--to`). */
export function urlOrProfileOption(flags: string, description: string, env: string): Option {
  return new Option(flags, `${description}; set the variable instead to keep a password out of shell history and ps`).env(env);
}

/**
 * Opens a database for a command. Commands only read unless they pass `create: true`, so a mistyped SQLite path is
 * refused (InputError, exit 2) instead of being created empty.
 */
export function openDatabase(profile: ConnectionProfile, options: { create?: boolean } = {}): Promise<TenantDb> {
  return connect(profile, { create: options.create ?? false });
}

/** Reads a ConnectionProfile from a JSON or YAML file, naming the file (and a line, never its text) in any error. */
export async function readProfileFile(file: string): Promise<ConnectionProfile> {
  return parseConnectionProfile(await readDocumentFile(file, { what: 'profile', maxBytes: PROFILE_MAX_BYTES }), file);
}

/** The profile named by exactly one of --url (or $BYOS_URL) and --profile. */
export async function profileFromFlags(flags: ConnectionFlags): Promise<ConnectionProfile> {
  if (Boolean(flags.url) === Boolean(flags.profile)) throw new UsageError(`give exactly one of --url URL or --profile FILE (or set ${URL_ENV.url} to the URL)`);
  if (flags.url) return urlProfile(flags.url, '--url');
  return readProfileFile(flags.profile!);
}

/**
 * `--from`/`--to` (and the like) take a database URL or a ConnectionProfile file (JSON or YAML): a value that starts
 * with a URL scheme (`postgres:`, `sqlite:`; not a Windows drive `C:\`) is a URL, anything else a file.
 */
export async function profileFromArgument(value: string, flag: string): Promise<ConnectionProfile> {
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) && !/^[a-z]:[\\/]/i.test(value)) return urlProfile(value, flag);
  return readProfileFile(value);
}

/** A URL flag's profile; a URL that cannot be read is bad input naming the flag (and never the password). */
function urlProfile(url: string, flag: string): ConnectionProfile {
  try {
    return profileFromUrl(url);
  } catch (error) {
    throw new InputError(`${flag}: ${(error as Error).message}`);
  }
}

/** The value of a URL-or-profile flag, from the command line or its environment variable; a usage error without. */
export function requiredUrlFlag(value: string | undefined, flag: string, env: string): string {
  if (!value) throw new UsageError(`give ${flag} URL-or-profile-file, or set ${env} to the URL`);
  return value;
}
