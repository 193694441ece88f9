import { basename, join } from 'node:path';
import { readDocumentFile } from '@byos/runtime';
import { CONFIG_NAMESPACE } from './program.ts';
import { runTenantUnderMocks, type MockRunOptions, type TenantMockRun } from './mock-run.ts';

/**
 * Reads a stack file (`stacks/Pulumi.<tenant>.yaml`) the way Pulumi hands it to the program: every config value
 * as a string, structured values as JSON. Encrypted values (`secure: …`) cannot be read without the Pulumi CLI and
 * are left out; the mock harness supplies placeholders for the credentials it needs.
 */
export interface StackFile {
  /** The parsed YAML (with `config`), as parseTenantSpec accepts it. */
  document: unknown;
  /** `namespace:key` → string value, secrets left out. */
  config: Record<string, string>;
  /** Keys whose values were encrypted and are therefore missing from `config`. */
  secretKeys: string[];
}

/**
 * A tenant spec or stack file is a few kilobytes; the cap keeps a hostile one (a million CIDRs) from taking
 * gigabytes and minutes before validation refuses it.
 */
export const SPEC_FILE_MAX_BYTES = 1024 * 1024;

/** Reads a spec or stack file, bounded (SPEC_FILE_MAX_BYTES, plain YAML only): InputError naming file and line. */
export function readSpecDocument(file: string, what = 'spec file'): Promise<unknown> {
  return readDocumentFile(file, { what, maxBytes: SPEC_FILE_MAX_BYTES, json: /\.json$/i.test(file) });
}

export async function readStackFile(file: string): Promise<StackFile> {
  const document = await readSpecDocument(file, 'stack file');
  return stackFromDocument(document);
}

/** A parsed stack file as Pulumi hands it to the program (see readStackFile). */
export function stackFromDocument(document: unknown): StackFile {
  const raw = (document as { config?: Record<string, unknown> } | null)?.config ?? {};
  const config: Record<string, string> = {};
  const qualifiedRaw: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    // Keys without a namespace belong to the project (Pulumi.yaml `name: byos`).
    const qualified = key.includes(':') ? key : `${CONFIG_NAMESPACE}:${key}`;
    qualifiedRaw[qualified] = value;
    if (value && typeof value === 'object' && 'secure' in value) {
      secretKeys.push(qualified);
      continue;
    }
    config[qualified] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return { document: { config: qualifiedRaw }, config, secretKeys };
}

/** The stack file of `tenant` under `stacksDir` (Pulumi.yaml's stackConfigDir). */
export function stackFilePath(tenant: string, stacksDir = 'stacks'): string {
  return join(stacksDir, `Pulumi.${tenant}.yaml`);
}

/** Runs a stack file's program under mocks: the spec from `byos:tenant`, the other keys as stack config. */
export async function runStackUnderMocks(file: string, options: Omit<MockRunOptions, 'source'> = {}): Promise<TenantMockRun> {
  const stack = await readStackFile(file);
  return runTenantUnderMocks(stack.document, { ...options, source: basename(file), config: { ...stack.config, ...options.config } });
}
