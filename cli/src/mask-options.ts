import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createMasker, type Masker, MASK_KINDS, type MaskKind, parseMaskSpec } from '@byos/runtime/guard/masking';
import { UsageError } from './output.ts';

/** Environment variable holding the masking key (at least 32 characters). */
export const MASK_KEY_ENV = 'BYOS_MASK_KEY';

export interface MaskFlags {
  mask?: string;
  maskFile?: string;
  maskKeyFile?: string;
}

/** Adds `--mask`, `--mask-file` and `--mask-key-file` to an exporting command. */
export function withMaskOptions(command: Command): Command {
  return command
    .option('--mask <rules>', `mask columns: table.column=kind,… (kind: ${MASK_KINDS.join(', ')})`)
    .option('--mask-file <file>', 'mask rules from a JSON/YAML file: { "table.column": kind } or { rules: {…}, hashEncoding: hex|base64url }')
    .option('--mask-key-file <file>', `file holding the masking key for hash and token (default: $${MASK_KEY_ENV}); never pass a key on the command line`);
}

/** The masker the flags ask for, or undefined when no rule is given. Bad rules or a missing key are usage errors. */
export async function maskerFromFlags(flags: MaskFlags): Promise<Masker | undefined> {
  if (!flags.mask && !flags.maskFile) return undefined;
  let rules: Record<string, MaskKind> = {};
  let hashEncoding: 'hex' | 'base64url' | undefined;
  try {
    if (flags.maskFile) ({ rules, hashEncoding } = await readMaskFile(flags.maskFile));
    if (flags.mask) {
      for (const [target, kind] of Object.entries(parseMaskSpec(flags.mask))) {
        if (rules[target] && rules[target] !== kind) throw new Error(`--mask and --mask-file disagree on ${target} (${kind} and ${rules[target]})`);
        rules[target] = kind;
      }
    }
    const key = flags.maskKeyFile ? await readKey(flags.maskKeyFile) : process.env[MASK_KEY_ENV];
    return createMasker({ rules, ...(key ? { key } : {}), ...(hashEncoding ? { hashEncoding } : {}) });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = (error as Error).message;
    throw new UsageError(/need a masking key/.test(message) ? `${message}: give --mask-key-file FILE or set ${MASK_KEY_ENV}` : message);
  }
}

async function readKey(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
  } catch (error) {
    throw new UsageError(`cannot read the masking key file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

async function readMaskFile(file: string): Promise<{ rules: Record<string, MaskKind>; hashEncoding?: 'hex' | 'base64url' }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read mask file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : (await import('yaml')).parse(text);
  } catch (error) {
    throw new UsageError(`mask file ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`mask file ${file}: expected an object of table.column: kind`);
  const object = data as Record<string, unknown>;
  const hashEncoding = object.hashEncoding;
  if (hashEncoding !== undefined && hashEncoding !== 'hex' && hashEncoding !== 'base64url') {
    throw new UsageError(`mask file ${file}: hashEncoding must be hex or base64url`);
  }
  const raw = 'rules' in object ? object.rules : object;
  if (!raw || typeof raw !== 'object') throw new UsageError(`mask file ${file}: rules must be an object of table.column: kind`);
  const rules: Record<string, MaskKind> = {};
  for (const [target, kind] of Object.entries(raw as Record<string, unknown>)) {
    if (target === 'hashEncoding') continue;
    if (typeof kind !== 'string' || !(MASK_KINDS as readonly string[]).includes(kind)) {
      throw new UsageError(`mask file ${file}: ${target}: unknown kind ${JSON.stringify(kind)} (one of ${MASK_KINDS.join(', ')})`);
    }
    rules[target] = kind as MaskKind;
  }
  return { rules, ...(hashEncoding ? { hashEncoding } : {}) };
}
