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
