import { createHash } from 'node:crypto';
import type { DialectName } from '../../contracts/connection-profile.ts';
import type { Finding } from '../../contracts/finding.ts';
import type { ColumnDef, ColumnDefault, ForeignKeyDef, MigrationOp } from '../../contracts/migration-op.ts';
import type { Column, NeutralType, SchemaModel, Table } from '../../contracts/schema-model.ts';
import type { CopySupport, ReadColumn, StoredType, TableRef } from '../../dialects/copy-support.ts';
import type { DialectCapabilities } from '../../dialects/dialect.ts';
import { describeNeutralType } from '../../schema/neutral.ts';

/** One column copied: read as `source`, written into a column of type `target`. */
export interface ColumnPlan {
  name: string;
  source: ReadColumn;
  target: NeutralType;
}

/** One table copied: where it is read, where it goes, its key and the identity columns to reset. */
export interface TablePlan {
  source: TableRef;
  /** Name in the target's default schema. */
  target: string;
  columns: ColumnPlan[];
  /** Primary key column names (empty: copied in one pass, refused for an online switch). */
  key: string[];
  identity: string[];
}

export interface CopyPlan {
  tables: TablePlan[];
  /** Enums and tables, run in one transaction before the load. */
  create: MigrationOp[];
  /** Indexes and foreign keys added after the load (the ones not declared with the table). */
  after: MigrationOp[];
  /** What the copy changes or cannot keep, reported before it starts; an `error` stops it. */
  findings: Finding[];
}

/** The two sides as the planner sees them. */
export interface PlanSides {
  source: { model: SchemaModel; copy: CopySupport };
  target: { dialect: DialectName; model: SchemaModel; copy: CopySupport; capabilities: DialectCapabilities };
}

export interface PlanOptions {
  /** Table names (or schema.name) to copy; all tables by default. */
  tables?: string[];
  /** `create` builds the target schema; `existing` copies into tables already there, matching columns by name. */
  schema?: 'create' | 'existing';
}

const INTEGER_KINDS = new Set(['smallint', 'integer', 'bigint']);

/** A constraint or index name within Postgres's 63 bytes; longer ones keep a hash of the full name. */
export function boundedName(name: string): string {
  if (Buffer.byteLength(name) <= 63) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  let head = name;
  while (Buffer.byteLength(head) > 54) head = head.slice(0, -1);
  return `${head}_${hash}`;
}

function selectTables(model: SchemaModel, wanted: string[] | undefined, findings: Finding[]): Table[] {
  const qualified = (t: Table) => (t.schema === model.defaultSchema ? t.name : `${t.schema}.${t.name}`);
  if (!wanted) return model.tables;
  const out: Table[] = [];
  for (const name of wanted) {
    const table = model.tables.find((t) => qualified(t) === name) ?? model.tables.find((t) => t.name === name);
    if (!table) {
      findings.push({ rule: 'copy-unknown-table', severity: 'error', subject: name, message: `the source has no table ${name}` });
    } else if (!out.includes(table)) out.push(table);
  }
  return out;
}

/**
 * Plans the target schema from the source SchemaModel: each column's type as the target stores it (lossy
 * changes reported), keys, uniques, foreign keys and indexes as portable MigrationOps.
 */
export function planCopy(sides: PlanSides, options: PlanOptions = {}): CopyPlan {
  const findings: Finding[] = [];
  const { source, target } = sides;
  const tables = selectTables(source.model, options.tables, findings);
  const crossDialect = source.model.dialect !== target.dialect;
  const copied = new Set(tables.map((t) => `${t.schema}.${t.name}`));
  const plan: CopyPlan = { tables: [], create: [], after: [], findings };
  const targetNames = new Map<string, Table>();
  for (const table of tables) {
    const other = targetNames.get(table.name.toLowerCase());
    if (other)
      findings.push({
        rule: 'copy-name-collision',
        severity: 'error',
        subject: table.name,
        message: `${other.schema}.${other.name} and ${table.schema}.${table.name} both become ${table.name} in the target's default schema`,
      });
    targetNames.set(table.name.toLowerCase(), table);
  }
  if (options.schema === 'existing') {
    for (const table of tables) plan.tables.push(existingTablePlan(table, target.model, findings));
    return plan;
  }
  for (const table of tables) {
    const existing = target.model.tables.find((t) => t.schema === target.model.defaultSchema && t.name === table.name);
    if (existing)
      findings.push({
        rule: 'copy-target-not-empty',
        severity: 'error',
        subject: table.name,
        message: `the target already has a table ${table.name}`,
        remediation: 'copy into an empty database, or pass schema: existing (--schema existing) to load into the tables there',
      });
  }
  const enumsUsed = new Set<string>();
  for (const table of tables) {
    const result = planTable(table, sides, crossDialect, copied, findings);
    plan.tables.push(result.plan);
    plan.create.push(result.create);
    plan.after.push(...result.after);
    for (const name of result.enums) enumsUsed.add(name);
  }
  const enumOps: MigrationOp[] = [...enumsUsed].map((name) => {
    const found = source.model.enums.find((e) => (e.schema === source.model.defaultSchema ? e.name : `${e.schema}.${e.name}`) === name)!;
    return { op: 'createEnum', name: found.name, values: found.values };
  });
  plan.create.unshift(...enumOps);
  return plan;
}

function existingTablePlan(table: Table, target: SchemaModel, findings: Finding[]): TablePlan {
  const there = target.tables.find((t) => t.schema === target.defaultSchema && t.name === table.name);
  const columns: ColumnPlan[] = [];
  if (!there)
    findings.push({ rule: 'copy-unknown-table', severity: 'error', subject: table.name, message: `the target has no table ${table.name} (schema: existing)` });
  for (const c of table.columns) {
    const match = there?.columns.find((t) => t.name === c.name);
    if (!match) {
      if (there)
        findings.push({
          rule: 'copy-column-missing',
          severity: 'error',
          subject: `${table.name}.${c.name}`,
          message: `the target table has no column ${c.name}`,
        });
      continue;
    }
    if (match.generated) continue;
    columns.push({ name: c.name, source: { name: c.name, type: c.type }, target: match.type });
  }
  return {
    source: { schema: table.schema, name: table.name },
    target: table.name,
    columns,
    key: table.primaryKey?.columns ?? [],
    identity: (there?.columns ?? []).filter((c) => c.identity).map((c) => c.name),
  };
}

function planTable(table: Table, sides: PlanSides, crossDialect: boolean, copied: Set<string>, findings: Finding[]) {
  const { source, target } = sides;
  // Findings name a table outside the default schema with its schema.
  const label = table.schema === source.model.defaultSchema ? table.name : `${table.schema}.${table.name}`;
  const enums: string[] = [];
  const key = table.primaryKey?.columns ?? [];
  const columns: ColumnDef[] = [];
  const plans: ColumnPlan[] = [];
  const checks: { name: string; expression: string }[] = [];
  const identity: string[] = [];
  if (!key.length) {
    findings.push({
      rule: 'copy-no-primary-key',
      severity: 'info',
      subject: label,
      message: 'no primary key: copied in one pass, and an online switch refuses it',
    });
  }
  for (const column of table.columns) {
    const subject = `${label}.${column.name}`;
    const { type, changes } = plannedType(column, source.copy, target, !crossDialect, source.model);
    for (const change of changes) {
      if (change.loss)
        findings.push({
          rule: 'copy-lossy-type',
          severity: 'warning',
          subject,
          message: `${column.nativeType} → ${describeNeutralType(type)}: ${change.loss}`,
        });
      if (change.note)
        findings.push({ rule: 'copy-type-changed', severity: 'info', subject, message: `${column.nativeType} → ${describeNeutralType(type)}: ${change.note}` });
    }
    if (column.type.domain)
      findings.push({ rule: 'copy-type-changed', severity: 'info', subject, message: `domain ${column.type.domain} is copied as its base type` });
    if (column.type.kind === 'enum' && type.kind === 'enum' && column.type.enumName) enums.push(column.type.enumName);
    if (column.type.kind === 'enum' && type.kind !== 'enum') {
      const values =
        source.model.enums.find((e) => (e.schema === source.model.defaultSchema ? e.name : `${e.schema}.${e.name}`) === column.type.enumName)?.values ?? [];
      if (values.length)
        checks.push({
          name: boundedName(`${table.name}_${column.name}_check`),
          expression: `"${column.name.replace(/"/g, '""')}" IN (${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')})`,
        });
    }
    if (column.generated) {
      findings.push({
        rule: 'copy-generated-column',
        severity: 'warning',
        subject,
        message: `generated column (${column.generated.expression}) becomes a plain column holding the copied values`,
      });
    }
    const def: ColumnDef = { name: column.name, type, nullable: column.nullable };
    if (column.identity) {
      const lonePk = key.length === 1 && key[0] === column.name;
      if (target.copy.identity === 'any-integer' || (lonePk && INTEGER_KINDS.has(type.kind))) {
        def.identity = target.copy.identity === 'any-integer' ? column.identity : 'by-default';
        identity.push(column.name);
      } else {
        findings.push({
          rule: 'copy-identity-dropped',
          severity: 'info',
          subject,
          message: 'the target numbers rows only on a lone integer primary key: values are copied, new rows need their own',
        });
      }
    } else if (column.default !== null) {
      const translated = crossDialect ? portableDefault(column.default, type) : ({ kind: 'sql', sql: { [target.dialect]: column.default } } as ColumnDefault);
      if (translated) def.default = translated;
      else
        findings.push({
          rule: 'copy-default-dropped',
          severity: 'warning',
          subject,
          message: `default ${column.default} is SQL of the source engine and is not copied`,
        });
    }
    columns.push(def);
    plans.push({ name: column.name, source: { name: column.name, type: column.type }, target: type });
  }
  if (!crossDialect) {
    table.checks.forEach((c, i) => checks.push({ name: boundedName(c.name ?? `${table.name}_check${i + 1}`), expression: c.expression }));
  } else if (table.checks.length) {
    findings.push({
      rule: 'copy-check-skipped',
      severity: 'warning',
      subject: label,
      message: `${table.checks.length} CHECK constraint(s) not copied: their expressions are SQL of the source engine`,
    });
  }
  const foreignKeys: ForeignKeyDef[] = [];
  for (const fk of table.foreignKeys) {
    if (!copied.has(`${fk.referencedSchema}.${fk.referencedTable}`)) {
      findings.push({
        rule: 'copy-foreign-key-skipped',
        severity: 'warning',
        subject: label,
        message: `foreign key (${fk.columns.join(', ')}) references ${fk.referencedTable}, which is not copied`,
      });
      continue;
    }
    foreignKeys.push({
      name: boundedName(fk.name ?? `${table.name}_${fk.columns.join('_')}_fkey`),
      columns: fk.columns,
      references: { table: fk.referencedTable, columns: fk.referencedColumns },
      onDelete: fk.onDelete,
      onUpdate: fk.onUpdate,
    });
  }
  const after: MigrationOp[] = [];
  for (const index of table.indexes) {
    if (index.columns.some((c) => c.startsWith('('))) {
      findings.push({
        rule: 'copy-index-skipped',
        severity: 'warning',
        subject: `${label}.${index.name}`,
        message: 'expression index not copied: its expression is SQL of the source engine',
      });
      continue;
    }
    if (index.where !== null && crossDialect) {
      findings.push({
        rule: 'copy-index-skipped',
        severity: 'warning',
        subject: `${label}.${index.name}`,
        message: `partial index not copied: its predicate (${index.where}) is SQL of the source engine`,
      });
      continue;
    }
    after.push({
      op: 'createIndex',
      table: table.name,
      name: boundedName(index.name),
      columns: index.columns,
      unique: index.unique,
      ...(index.where !== null ? { where: index.where } : {}),
    });
  }
  const withTable = target.copy.foreignKeys === 'with-table';
  if (!withTable) for (const fk of foreignKeys) after.push({ op: 'addForeignKey', table: table.name, foreignKey: fk });
  const create: MigrationOp = {
    op: 'createTable',
    table: table.name,
    columns,
    ...(key.length ? { primaryKey: { ...(table.primaryKey?.name && !crossDialect ? { name: boundedName(table.primaryKey.name) } : {}), columns: key } } : {}),
    uniques: table.uniques.map((u) => ({ name: boundedName(u.name ?? `${table.name}_${u.columns.join('_')}_key`), columns: u.columns })),
    checks,
    foreignKeys: withTable ? foreignKeys : [],
  };
  return { plan: { source: { schema: table.schema, name: table.name }, target: table.name, columns: plans, key, identity }, create, after, enums };
}

/**
 * The type a source column gets in the target: what the source exports it as, how the target stores that, without
 * domains; `changes` say what each step loses or changes. The copy creates this type and verification expects it.
 */
export function plannedType(
  column: Column,
  source: CopySupport,
  target: { copy: CopySupport; capabilities: DialectCapabilities },
  sameDialect: boolean,
  model?: SchemaModel,
): { type: NeutralType; changes: StoredType[] } {
  // A domain's own native type says nothing of what it is over (app.email over citext): look through it.
  const domain = column.type.domain
    ? model?.domains.find((d) => (d.schema === model.defaultSchema ? d.name : `${d.schema}.${d.name}`) === column.type.domain)
    : undefined;
  const exported: StoredType = source.exportAs?.({ ...column, nativeType: domain?.nativeType ?? column.nativeType }, sameDialect) ?? { type: column.type };
  const stored = storedType(exported.type, target);
  return { type: withoutDomains(stored.type), changes: [exported, stored] };
}

/** The target's storage of `type`; enums stay enums only where the target has them. */
function storedType(type: NeutralType, target: { copy: CopySupport; capabilities: DialectCapabilities }): StoredType {
  if (type.kind === 'enum' && !target.capabilities.enums) {
    const stored = target.copy.store(type);
    return stored.type.kind === 'enum' ? { type: { kind: 'text' }, note: 'enum values become text with a CHECK listing them' } : stored;
  }
  return target.copy.store(type);
}

function withoutDomains(type: NeutralType): NeutralType {
  const { domain: _domain, element, ...rest } = type;
  return element ? { ...rest, element: withoutDomains(element) } : rest;
}

const NOW =
  /^(now\(\)|current_timestamp(\(\))?|getdate\(\)|getutcdate\(\)|sysdatetime\(\)|sysutcdatetime\(\)|sysdatetimeoffset\(\)|datetime\('now'\)|transaction_timestamp\(\)|localtimestamp)$/i;
const UUID = /^(gen_random_uuid\(\)|uuid_generate_v4\(\)|newid\(\)|newsequentialid\(\))$/i;

/** A default the other engine understands: a literal, the current time or a random UUID; null when not portable. */
export function portableDefault(text: string, type: NeutralType): ColumnDefault | null {
  let t = text.trim();
  while (/^\(.*\)$/s.test(t) && balanced(t.slice(1, -1))) t = t.slice(1, -1).trim();
  t = t.replace(/::[a-z_ ]+(\(\d+(,\d+)?\))?(\[\])?$/i, '').trim();
  while (/^\(.*\)$/s.test(t) && balanced(t.slice(1, -1))) t = t.slice(1, -1).trim();
  if (NOW.test(t)) return { kind: 'now' };
  if (UUID.test(t)) return { kind: 'uuid' };
  const quoted = /^N?'((?:[^']|'')*)'$/s.exec(t);
  if (quoted) return { kind: 'value', value: quoted[1]!.replace(/''/g, "'") };
  if (/^(true|false)$/i.test(t)) return { kind: 'value', value: t.toLowerCase() === 'true' };
  if (/^[+-]?\d+(\.\d+)?$/.test(t)) {
    if (type.kind === 'boolean' && (t === '0' || t === '1')) return { kind: 'value', value: t === '1' };
    return { kind: 'value', value: Number(t) };
  }
  return null;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    if (c === '(') depth++;
    if (c === ')' && --depth < 0) return false;
  }
  return depth === 0;
}
