// The light subpath: main() imports this module before it knows which command runs.
import { ConnectionError, ContractError, InputError, OPTIONAL_PEER_MISSING, TableNameError } from '@byos/runtime/errors';

/** Exit codes every command keeps: 0 ok, 1 findings or failure, 2 usage. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Bad arguments or input the user must fix before the command can run (exit 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Output {
  /** `--json` was given: print one JSON document on stdout and nothing else there. */
  json: boolean;
  /** Human-readable line on stdout (suppressed under --json). */
  info(line: string): void;
  /** Diagnostic line on stderr (progress, warnings); kept under --json. */
  warn(line: string): void;
  /** Prints the command's JSON result (under --json) or nothing. */
  result(value: unknown): void;
}

export function createOutput(json: boolean, stdout = process.stdout, stderr = process.stderr): Output {
  return {
    json,
    info: (line) => {
      if (!json) stdout.write(`${line}\n`);
    },
    warn: (line) => {
      stderr.write(`${line}\n`);
    },
    result: (value) => {
      if (json) stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
  };
}

/**
 * The machine-readable kind of a failure, printed under --json as `error.code` (stable: scripts branch on it):
 * `usage` the arguments are wrong; `invalid-input` a file, URL or value given is malformed or not allowed;
 * `not-found` a file, database or table named does not exist; `connection` the database could not be reached or
 * went away; `refused` the command would have lost data or broken a rule and did nothing (findings say why);
 * `failed` anything else.
 */
export type FailureCode = 'usage' | 'invalid-input' | 'not-found' | 'connection' | 'refused' | 'failed';

/** Error codes Node gives a socket that cannot reach, or lost, its server (the driver's error carries one). */
const SOCKET_FAILURES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** The error and its causes, outermost first. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e && chain.length < 10; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

/** What a thrown error means for a script: its code and the exit code (2 for what the user must fix, else 1). */
export function classifyFailure(error: unknown): { code: FailureCode; exitCode: number } {
  if (error instanceof UsageError) return { code: 'usage', exitCode: EXIT_USAGE };
  if (error instanceof ContractError) return { code: 'invalid-input', exitCode: EXIT_USAGE };
  if (error instanceof InputError) return { code: error.failure, exitCode: EXIT_USAGE };
  if (error instanceof TableNameError) return { code: 'not-found', exitCode: EXIT_FAILURE };
  if (Array.isArray((error as { findings?: unknown } | null)?.findings)) return { code: 'refused', exitCode: EXIT_FAILURE };
  // A package to install (a driver, exceljs, the Pulumi side): not a database that cannot be reached, even when
  // connect() reports it as a ConnectionError.
  if (causes(error).some((e) => (e as { code?: unknown } | null)?.code === OPTIONAL_PEER_MISSING)) return { code: 'failed', exitCode: EXIT_FAILURE };
  if (causes(error).some((e) => e instanceof ConnectionError || SOCKET_FAILURES.has(String((e as { code?: unknown }).code)))) {
    return { code: 'connection', exitCode: EXIT_FAILURE };
  }
  return { code: 'failed', exitCode: EXIT_FAILURE };
}

/**
 * A message on one line: a validation error's list of issues (`invalid X in F:\n  - a: …\n  - b: …`) becomes
 * `invalid X in F: a: …; b: …`.
 */
export function oneLine(message: string): string {
  const [first = '', ...rest] = message.split(/\r?\n/);
  const items = rest.map((line) => line.trim().replace(/^- /, '')).filter(Boolean);
  return items.length ? `${first.replace(/:\s*$/, '')}: ${items.join('; ')}` : first;
}
