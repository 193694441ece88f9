import type { SchemaModel } from '../../contracts/schema-model.ts';
import { CHANGE_TABLE, type CaptureTable } from '../../dialects/change-capture.ts';

/**
 * The runtime's tenant state moves with the tenant like any table: the migration journal and baseline (or the
 * target would re-run applied migrations), the key ring (or encrypted columns could not be decrypted there) and
 * the audit trail.
 */
const TENANT_STATE_TABLES = new Set(['byos_migrations', 'byos_migrations_baseline', 'byos_keys', 'byos_audit', 'byos_audit_staging']);

/** The runtime's own machinery (change table, copy checkpoints), never captured nor copied by a switch. */
export function isInternalTable(name: string): boolean {
  return name === CHANGE_TABLE || (name.startsWith('byos_') && !TENANT_STATE_TABLES.has(name));
}

/** How the change table names a table: bare in the default schema, `schema.name` elsewhere. */
export function captureName(model: SchemaModel, table: { schema: string; name: string }): string {
  return table.schema === model.defaultSchema ? table.name : `${table.schema}.${table.name}`;
}

/**
 * The tables of `model` that an online switch captures (every schema where the dialect captures them, else the
 * default one; internal tables left out), or the named `tables`. A table without a primary key cannot be replayed
 * by key, so it is refused by name.
 */
export function captureTables(model: SchemaModel, tables?: readonly string[], options: { schemas?: boolean } = {}): CaptureTable[] {
  const own = model.tables.filter((t) => (t.schema === model.defaultSchema ? !isInternalTable(t.name) : options.schemas === true));
  let chosen = own;
  if (tables?.length) {
    const byName = new Map(own.map((t) => [captureName(model, t), t]));
    const missing = tables.filter((t) => !byName.has(t));
    if (missing.length) throw new Error(`cannot capture ${missing.join(', ')}: no such table${options.schemas ? '' : ` in schema ${model.defaultSchema}`}`);
    chosen = tables.map((t) => byName.get(t)!);
  }
  const keyless = chosen.filter((t) => !t.primaryKey?.columns.length).map((t) => captureName(model, t));
  if (keyless.length) {
    throw new Error(
      `table${keyless.length > 1 ? 's' : ''} ${keyless.join(', ')} ha${keyless.length > 1 ? 've' : 's'} no primary key: an online switch replays changes by key, ` +
        'so every captured table needs one (add a primary key, or move the tenant offline with byos copy)',
    );
  }
  return chosen.map((t) => ({
    name: captureName(model, t),
    ref: t.schema === model.defaultSchema ? { name: t.name } : { schema: t.schema, name: t.name },
    primaryKey: t.primaryKey!.columns,
    columns: t.columns.filter((c) => !c.generated).map((c) => c.name),
    identity: t.columns.filter((c) => c.identity && !c.generated).map((c) => c.name),
    kinds: Object.fromEntries(t.columns.map((c) => [c.name, c.type.kind])),
    types: Object.fromEntries(t.columns.map((c) => [c.name, c.type])),
  }));
}
