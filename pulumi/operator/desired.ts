import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readStackFile } from '../components/stack-file.ts';
import { parseTenantSpec, type TenantSpec } from '@byos/runtime';

/** A tenant as git describes it: the TenantSpec in `stacks/Pulumi.<tenant>.yaml`. */
export interface DesiredTenant {
  tenant: string;
  spec: TenantSpec;
  /** The stack file it came from. */
  file: string;
  /** sha256 of the spec in canonical JSON: equal specs hash equal whatever the YAML's key order. */
  specHash: string;
}

/** A stack file that could not be read or breaks the TenantSpec contract; the plan reports it and changes nothing for it. */
export interface SpecProblem {
  file: string;
  message: string;
}

const STACK_FILE = /^Pulumi\.([a-z0-9][a-z0-9-]*)\.ya?ml$/;

/** Every tenant spec under `stacksDir`, and the files that were not valid specs. */
export async function readDesiredTenants(stacksDir: string): Promise<{ tenants: DesiredTenant[]; problems: SpecProblem[] }> {
  let names: string[];
  try {
    names = (await readdir(stacksDir)).filter((name) => STACK_FILE.test(name)).sort();
  } catch (error) {
    throw new Error(`cannot read the stacks folder ${stacksDir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const tenants: DesiredTenant[] = [];
  const problems: SpecProblem[] = [];
  for (const name of names) {
    const file = join(stacksDir, name);
    try {
      const spec = parseTenantSpec((await readStackFile(file)).document, file);
      const stackName = STACK_FILE.exec(name)![1]!;
      if (spec.tenant !== stackName) throw new Error(`the spec names tenant "${spec.tenant}" but the file is the stack of "${stackName}"`);
      tenants.push({ tenant: spec.tenant, spec, file, specHash: specHash(spec) });
    } catch (error) {
      problems.push({ file, message: (error as Error).message });
    }
  }
  return { tenants, problems };
}

export function specHash(spec: TenantSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex');
}

/** JSON with object keys sorted at every level, so hashing does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Field-by-field differences between two specs, as `backup.retentionDays: 7 → 14`. */
export function specChanges(before: unknown, after: unknown, path = ''): string[] {
  if (canonicalJson(before) === canonicalJson(after)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => specChanges(before[key], after[key], path ? `${path}.${key}` : key));
  }
  const show = (v: unknown) => (v === undefined ? '(unset)' : JSON.stringify(v));
  return [`${path}: ${show(before)} → ${show(after)}`];
}
