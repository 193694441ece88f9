import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { KeyProviderConfig } from '../keys/provider.ts';
import type { BlindIndexNormalize, BlindIndexSpec } from './blind-index.ts';

const Normalize = z.union([
  z.enum(['email', 'text', 'exact']),
  z
    .object({ nfkc: z.boolean().optional(), trim: z.boolean().optional(), lowercase: z.boolean().optional(), collapseWhitespace: z.boolean().optional() })
    .strict(),
]);

const EncryptedColumn = z.union([
  z.string().min(1),
  z
    .object({
      name: z.string().min(1),
      /** Also keep an HMAC blind index of the normalised plaintext, for equality lookups. */
      blindIndex: z.union([z.literal(true), z.object({ column: z.string().min(1).optional(), normalize: Normalize.optional() }).strict()]).optional(),
    })
    .strict(),
]);

const EncryptedTable = z
  .object({
    table: z.string().min(1),
    /**
     * Primary-key columns, bound into every ciphertext of the row. Must be known at write time: the plugin refuses an
     * INSERT that leaves them to an identity or default (generate them in the client, e.g. a UUID).
     */
    primaryKey: z.array(z.string().min(1)).min(1),
    columns: z.array(EncryptedColumn).min(1),
  })
  .strict();

/** An encryption config file: the tenant (bound into every ciphertext), its key provider, and the encrypted columns. */
export const EncryptionConfig = z
  .object({
    tenant: z.string().min(1),
    keyProvider: KeyProviderConfig,
    tables: z.array(EncryptedTable),
  })
  .strict();
export type EncryptionConfigInput = z.input<typeof EncryptionConfig>;

export interface ColumnRule {
  name: string;
  blindIndex?: { column: string; normalize: BlindIndexNormalize };
}

export interface TableRule {
  table: string;
  primaryKey: readonly string[];
  columns: ReadonlyMap<string, ColumnRule>;
  /** Blind-index column → the encrypted column it indexes (the plugin writes these itself). */
  indexColumns: ReadonlyMap<string, string>;
}

export interface ResolvedEncryption {
  tenant: string;
  tables: ReadonlyMap<string, TableRule>;
}

/** Validates a config and builds the lookup the plugin uses; names the offending table or column on error. */
export function resolveEncryption(input: Pick<EncryptionConfigInput, 'tenant' | 'tables'>, where = 'encryption config'): ResolvedEncryption {
  const parsed = EncryptionConfig.omit({ keyProvider: true }).safeParse({ tenant: input.tenant, tables: input.tables });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const tables = new Map<string, TableRule>();
  for (const t of parsed.data.tables) {
    if (tables.has(t.table)) throw new Error(`${where}: table ${t.table} is listed twice`);
    const columns = new Map<string, ColumnRule>();
    const indexColumns = new Map<string, string>();
    for (const c of t.columns) {
      const name = typeof c === 'string' ? c : c.name;
      if (t.primaryKey.includes(name)) throw new Error(`${where}: ${t.table}.${name} is part of the primary key and cannot be encrypted`);
      if (columns.has(name)) throw new Error(`${where}: ${t.table}.${name} is listed twice`);
      const spec: BlindIndexSpec | undefined = typeof c === 'string' || !c.blindIndex ? undefined : c.blindIndex === true ? {} : c.blindIndex;
      const rule: ColumnRule = { name };
      if (spec) {
        rule.blindIndex = { column: spec.column ?? `${name}_bidx`, normalize: spec.normalize ?? 'text' };
        indexColumns.set(rule.blindIndex.column, name);
      }
      columns.set(name, rule);
    }
    tables.set(t.table, { table: t.table, primaryKey: t.primaryKey, columns, indexColumns });
  }
  return { tenant: parsed.data.tenant, tables };
}

/** Reads an encryption config from a JSON or YAML file. */
export async function readEncryptionConfig(file: string): Promise<z.output<typeof EncryptionConfig>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read encryption config ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : (await import('yaml')).parse(text);
  } catch (error) {
    throw new Error(`encryption config ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
  const parsed = EncryptionConfig.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`encryption config ${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  resolveEncryption(parsed.data, `encryption config ${file}`);
  return parsed.data;
}
