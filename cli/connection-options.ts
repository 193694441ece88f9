import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { type ConnectionProfile, parseConnectionProfile, profileFromUrl } from '../runtime/src/index.ts';
import { UsageError } from './output.ts';

export interface ConnectionFlags {
  url?: string;
  profile?: string;
}

/** Adds the two ways to name a database: `--url URL` or `--profile FILE`. */
export function withConnectionOptions(command: Command): Command {
  return command
    .option('--url <url>', 'database URL: postgres://user:pass@host:5432/db, sqlite:PATH or mssql://user:pass@host/db')
    .option('--profile <file>', 'ConnectionProfile file (JSON or YAML); the password may be a passwordRef (env:NAME or file:PATH)');
}

/** Reads a ConnectionProfile from a JSON or YAML file, naming the file in any error. */
export async function readProfileFile(file: string): Promise<ConnectionProfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read profile ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new UsageError(`profile ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
  return parseConnectionProfile(data, file);
}

/** The profile named by exactly one of --url and --profile. */
export async function profileFromFlags(flags: ConnectionFlags): Promise<ConnectionProfile> {
  if (Boolean(flags.url) === Boolean(flags.profile)) throw new UsageError('give exactly one of --url URL or --profile FILE');
  if (flags.url) {
    try {
      return profileFromUrl(flags.url);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  return readProfileFile(flags.profile!);
}
