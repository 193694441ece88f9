import type { Finding } from '../../contracts/finding.ts';
import type { NeutralKind, Table } from '../../contracts/schema-model.ts';
import { introspect, type TenantDb } from '../../connect.ts';
import { formatColumnName, formatTableName, lookupTable, nearTablesHint, type TableRef, toTableRef } from '../../schema/table-names.ts';
import { controlsOf } from './categories.ts';
import { classifyColumn, type PiiCategoryHit, redactSample, valueText } from './classify.ts';

/** Column kinds whose values can hold PII a validator reads; the rest (booleans, binaries, numbers with fractions) are judged by name only. */
const SAMPLED_KINDS: ReadonlySet<NeutralKind> = new Set<NeutralKind>([
  'char',
  'varchar',
  'text',
  'unknown',
  'network',
  'date',
  'timestamp',
  'timestamptz',
  'integer',
  'bigint',
  'decimal',
  'enum',
]);

export interface PiiScanOptions {
  /** Rows sampled per table (default 200). */
  sample?: number;
  /**
   * Only these tables: text in the table-name syntax (schema/table-names.ts: `name` in the default schema,
   * `schema.name`, `"a.b"` for a name holding a dot) or `{ schema?, name }`.
   */
  tables?: readonly (string | TableRef)[];
  /** Redacted samples kept per PII column in the report (default 3). */
  samplesPerColumn?: number;
  /** Reference time for date-of-birth plausibility (tests). */
  now?: Date;
}

/** One scanned column. */
export interface PiiColumnReport {
  /** How reports name the column: `table.column`, or `schema.table.column` outside the default schema (quoted where needed). */
  subject: string;
  schema: string;
  table: string;
  column: string;
  nativeType: string;
  /** Sampled rows read for its table. */
  sampled: number;
  /** Of those, values that were not null or empty. */
  nonNull: number;
  /** Categories detected, highest confidence first; empty when none. */
  categories: PiiCategoryHit[];
  /** Redacted samples (shape only), present when categories were found. */
  samples: string[];
}

export interface PiiScanResult {
  sample: number;
  columns: PiiColumnReport[];
  /** One finding per column and category: rule `pii-<category>`. */
  findings: Finding[];
}

/**
 * Classifies every column of every table of a tenant database from its name and a sample of its values (read with
 * the dialect's sampling). Values never leave this function except as redacted shapes.
 */
export async function scanPii(tenant: Pick<TenantDb, 'dialect' | 'db'>, options: PiiScanOptions = {}): Promise<PiiScanResult> {
  const sample = options.sample ?? 200;
  if (!Number.isInteger(sample) || sample < 1) throw new Error(`sample size must be a positive integer, got ${sample}`);
  const keep = options.samplesPerColumn ?? 3;
  const model = await introspect(tenant);
  let tables = model.tables;
  if (options.tables) {
    const refs = options.tables.map(toTableRef);
    const missing = refs.filter((ref) => !lookupTable(model, ref));
    if (missing.length)
      throw new Error(`no such table: ${missing.map((ref) => `${formatTableName(ref, model.defaultSchema)}${nearTablesHint(model, ref)}`).join(', ')}`);
    const chosen = new Set(refs.map((ref) => lookupTable(model, ref)!));
    tables = tables.filter((t) => chosen.has(t));
  }
  const columns: PiiColumnReport[] = [];
  for (const table of tables) {
    const sampledColumns = table.columns.filter((c) => SAMPLED_KINDS.has(c.type.kind) && !c.type.element).map((c) => c.name);
    const rows = sampledColumns.length ? await tenant.dialect.sampling.sampleRows(tenant.db, table, sampledColumns, sample) : [];
    columns.push(...scanTable(table, sampledColumns, rows, keep, model.defaultSchema, options.now));
  }
  return { sample, columns, findings: columns.flatMap((c) => c.categories.map((hit) => toFinding(c.subject, c, hit))) };
}

function scanTable(
  table: Table,
  sampledColumns: readonly string[],
  rows: readonly Record<string, unknown>[],
  keep: number,
  defaultSchema: string,
  now?: Date,
): PiiColumnReport[] {
  return table.columns.map((column) => {
    const values = sampledColumns.includes(column.name) ? rows.map((r) => r[column.name]) : [];
    const present = values.filter((v) => (valueText(v) ?? '').trim() !== '');
    const categories = classifyColumn(table.name, column.name, values, now, column.type.kind);
    return {
      subject: formatColumnName(table, column.name, defaultSchema),
      schema: table.schema,
      table: table.name,
      column: column.name,
      nativeType: column.nativeType,
      sampled: rows.length,
      nonNull: present.length,
      categories,
      samples: categories.length ? present.slice(0, keep).map(redactSample) : [],
    };
  });
}

function toFinding(subject: string, column: PiiColumnReport, hit: PiiCategoryHit): Finding {
  const evidence = hit.matched
    ? `${hit.matched} of ${column.nonNull} sampled values validate${hit.nameMatch ? ', and the column name matches' : ''}`
    : 'the column name matches';
  const special = hit.gdpr === 'special' ? ' (GDPR special category)' : hit.gdpr === 'criminal' ? ' (GDPR criminal-offence data)' : '';
  return {
    rule: `pii-${hit.category}`,
    severity: 'warning',
    subject,
    message: `${hit.category}${special} with confidence ${hit.confidence.toFixed(2)}: ${evidence}${column.samples.length ? `; samples ${column.samples.join(', ')}` : ''}`,
    frameworks: hit.frameworks,
    controls: controlsOf(hit.category),
    remediation:
      hit.gdpr === 'personal'
        ? 'Mask it in exports (byos export --mask), encrypt the column, or drop it if the application does not need it.'
        : 'Encrypt the column with a tenant key and restrict access; record the lawful basis for processing it.',
  };
}
