import { main } from '../../../cli/src/main.ts';
import type { CliResult } from '../../helpers/cli.ts';

/**
 * Runs `byos …` in this process (the same `main` bin/byos.js calls), capturing stdout and stderr: spawning a new
 * Node per command costs seconds on a loaded machine, and these tests run many.
 */
export async function runByos(args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'byos', ...args]);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = undefined;
  }
}
