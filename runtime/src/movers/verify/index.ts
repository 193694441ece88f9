import { createHash } from 'node:crypto';
import type { TenantDb } from '../../connect.ts';
import type { Finding } from '../../contracts/finding.ts';
import type { SchemaModel, Table } from '../../contracts/schema-model.ts';
import type { CopySupport, PageRequest, ReadColumn } from '../../dialects/copy-support.ts';
import { MACHINERY_TABLES } from '../../machinery.ts';
import { choosesSchemas, inChosenSchemas, type SchemaChoice } from '../schema-choice.ts';
import { normalizeValue, type ValueClass, valueClass } from './normalize.ts';
import { type SchemaVerification, verifySchemas } from './schema.ts';

export { canonicalDecimal, canonicalJson, canonicalTimestamp, normalizeValue, valueClass, type ValueClass } from './normalize.ts';

/** `schemas` / `excludeSchemas`: only the objects and rows of the chosen schemas (as a copy of them made them). */
export interface VerifyOptions extends SchemaChoice {
  from: TenantDb;
  to: TenantDb;
  /** Table names (or schema.name) of the source; every table by default. */
  tables?: string[];
  /** Rows per table compared value by value by key (default 20; 0 for none). */
  sample?: number;
  /** Rows per page when both sides are read in key ranges (default 5 000). */
  pageSize?: number;
  /** Compare the schema objects too (default true; see verifySchemas). */
  schema?: boolean;
  /** Between engines: kinds of object the copy was allowed to leave behind, not reported as missing. */
  acceptLoss?: string[];
}

/** One table's two sides. A checksum is `sum:xor` of the rows' 64-bit hashes (sum mod 2^64), in hex. */
export interface TableVerification {
  table: string;
  sourceRows: number;
  targetRows: number;
  sourceChecksum: string;
  targetChecksum: string;
  equal: boolean;
  /** Rows compared value by value. */
  sampled: number;
}

export interface VerifyReport {
  tables: TableVerification[];
  /** The schema comparison, unless turned off. */
  schema?: SchemaVerification;
  /** One per mismatch (error), naming the table and the key range or key. */
  findings: Finding[];
  equal: boolean;
}

const MASK = (1n << 64n) - 1n;

class Digest {
  rows = 0;
  sum = 0n;
  xor = 0n;
  add(canonical: (string | null)[]): void {
    const h = createHash('sha256').update(JSON.stringify(canonical)).digest().readBigUInt64BE(0);
    this.rows++;
    this.sum = (this.sum + h) & MASK;
    this.xor ^= h;
  }
  merge(other: Digest): void {
    this.rows += other.rows;
    this.sum = (this.sum + other.sum) & MASK;
    this.xor ^= other.xor;
  }
  equals(other: Digest): boolean {
    return this.rows === other.rows && this.sum === other.sum && this.xor === other.xor;
  }
  toString(): string {
    return `${this.sum.toString(16).padStart(16, '0')}:${this.xor.toString(16).padStart(16, '0')}`;
  }
}

interface Side {
  tenant: TenantDb;
  copy: CopySupport;
  table: Table;
  columns: ReadColumn[];
  key: ReadColumn[];
}

const INTEGER_CLASSES = new Set<ValueClass>(['integer']);
const UNSAMPLEABLE = new Set<ValueClass>(['json', 'binary', 'float']);
const OPAQUE_KINDS = new Set(['unknown', 'array', 'json', 'network', 'xml', 'interval']);
/** BYOS's own tables: change capture and copy checkpoints are not the tenant's rows. */
const MACHINERY = new Set(MACHINERY_TABLES);

/**
 * Compares two databases table by table: row count and an order-independent checksum computed identically on both
 * sides (values normalised per column class, so equal data on different engines hashes equal), read in primary key
 * ranges so that a mismatch names the range it is in, plus a sample of rows compared value by value.
 */
export async function verifyDatabases(options: VerifyOptions): Promise<VerifyReport> {
  const [source, target] = [options.from.dialect, options.to.dialect];
  if (choosesSchemas(options) && source.name !== target.name) throw new Error('schemas are chosen only when verifying two databases of one engine');
  const [sourceModel, targetModel] = await Promise.all([source.introspect(options.from.db), target.introspect(options.to.db)]);
  const findings: Finding[] = [];
  const tables: TableVerification[] = [];
  const schema =
    options.schema === false
      ? undefined
      : await verifySchemas(options.from, options.to, { source, target }, options.tables, { acceptLoss: options.acceptLoss, choice: options });
  if (schema) findings.push(...schema.findings);
  // Between two databases of one engine a table keeps its schema; into another engine it lands in the default one.
  const sameEngine = source.name === target.name;
  const chosen = inChosenSchemas(options);
  for (const table of selectTables(sourceModel, options.tables, findings).filter((t) => chosen(t.schema))) {
    const other = targetModel.tables.find((t) => (sameEngine ? t.schema === table.schema : t.schema === targetModel.defaultSchema) && t.name === table.name);
    if (!other) {
      // A native schema comparison has already named the missing table.
      if (!schema || schema.mode === 'neutral')
        findings.push({ rule: 'verify-table-missing', severity: 'error', subject: table.name, message: `the target has no table ${table.name}` });
      continue;
    }
    const pairs = table.columns.flatMap((c) => {
      const t = other.columns.find((x) => x.name === c.name);
      if (!t)
        findings.push({
          rule: 'verify-column-missing',
          severity: 'error',
          subject: `${table.name}.${c.name}`,
          message: `the target table has no column ${c.name}`,
        });
      return t ? [{ s: c, t, cls: valueClass(c.type.kind, t.type.kind) }] : [];
    });
    const keyNames = (table.primaryKey?.columns ?? []).filter((k) => pairs.some((p) => p.s.name === k));
    const side = (tenant: TenantDb, copy: CopySupport, t: Table, pick: 's' | 't'): Side => {
      const columns = pairs.map((p) => ({ name: p[pick].name, type: p[pick].type }));
      return { tenant, copy, table: t, columns, key: keyNames.map((k) => columns.find((c) => c.name === k)!) };
    };
    const result = await verifyTable(
      side(options.from, source.copy, table, 's'),
      side(options.to, target.copy, other, 't'),
      pairs.map((p) => p.cls),
      options,
      findings,
      table.schema === sourceModel.defaultSchema ? table.name : `${table.schema}.${table.name}`,
    );
    tables.push(result);
  }
  return { tables, ...(schema ? { schema } : {}), findings, equal: !findings.some((f) => f.severity === 'error') };
}

function selectTables(model: SchemaModel, wanted: string[] | undefined, findings: Finding[]): Table[] {
  if (!wanted) return model.tables.filter((t) => !(t.schema === model.defaultSchema && MACHINERY.has(t.name)));
  return wanted.flatMap((name) => {
    const found = model.tables.find((t) => `${t.schema}.${t.name}` === name) ?? model.tables.find((t) => t.name === name);
    if (!found) findings.push({ rule: 'verify-table-missing', severity: 'error', subject: name, message: `the source has no table ${name}` });
    return found ? [found] : [];
  });
}

function canonicalRow(row: unknown[], classes: ValueClass[]): (string | null)[] {
  return row.map((v, i) => normalizeValue(v, classes[i]!));
}

function describeKey(key: readonly unknown[] | null | undefined): string {
  if (!key) return '…';
  const text = key.map((v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : String(v)));
  return text.length === 1 ? text[0]! : `(${text.join(', ')})`;
}

async function verifyTable(
  src: Side,
  dst: Side,
  classes: ValueClass[],
  options: VerifyOptions,
  findings: Finding[],
  label: string,
): Promise<TableVerification> {
  const name = src.table.name;
  const pageSize = Math.max(1, options.pageSize ?? 5000);
  const sampleWanted = options.sample ?? 20;
  const total = { source: new Digest(), target: new Digest() };
  const samples: unknown[][] = [];
  // Key ranges compare only where both engines order keys alike: integer keys. Other keys compare whole tables.
  const ranged = src.key.length > 0 && src.key.every((k) => INTEGER_CLASSES.has(classes[src.columns.indexOf(k)]!));
  // A row is looked up by its key value only where that value binds back as itself: not an array read as JSON, a
  // float, or a composite or other type without a neutral kind (its text would need a cast to its type).
  const sampleable = src.key.length > 0 && src.key.every((k) => !UNSAMPLEABLE.has(classes[src.columns.indexOf(k)]!) && !OPAQUE_KINDS.has(k.type.kind));
  if (ranged) {
    const sourceRows = await src.copy.count(src.tenant, { schema: src.table.schema, name });
    const every = sampleWanted > 0 ? Math.max(1, Math.floor(sourceRows / sampleWanted)) : 0;
    let after: unknown[] | null = null;
    let seen = 0;
    let badFrom: unknown[] | null | undefined;
    let badRows = { source: 0, target: 0 };
    const flush = (upTo: unknown[] | null) => {
      if (badFrom === undefined) return;
      findings.push({
        rule: 'verify-mismatch',
        severity: 'error',
        subject: label,
        message: `rows with key after ${describeKey(badFrom)} up to ${describeKey(upTo)} differ: ${badRows.source} source rows, ${badRows.target} target rows, checksums differ`,
      });
      badFrom = undefined;
      badRows = { source: 0, target: 0 };
    };
    let lastUpTo: unknown[] | null = null;
    for (;;) {
      const request = (side: Side): PageRequest => ({ table: { schema: side.table.schema, name }, columns: side.columns, key: side.key, after });
      const page = await src.copy.readPage(src.tenant, { ...request(src), limit: pageSize });
      const final = page.length < pageSize;
      const upTo = page.length ? src.key.map((k) => page[page.length - 1]![src.columns.indexOf(k)]) : null;
      const other = await dst.copy.readPage(dst.tenant, { ...request(dst), upTo: final ? null : upTo });
      const a = new Digest();
      const b = new Digest();
      for (const row of page) {
        a.add(canonicalRow(row, classes));
        if (every && seen++ % every === 0 && samples.length < sampleWanted) samples.push(row);
      }
      for (const row of other) b.add(canonicalRow(row, classes));
      total.source.merge(a);
      total.target.merge(b);
      if (!a.equals(b)) {
        if (badFrom === undefined) badFrom = after;
        badRows.source += a.rows;
        badRows.target += b.rows;
      } else flush(after);
      lastUpTo = final ? null : upTo;
      if (final) break;
      after = upTo;
    }
    flush(lastUpTo);
  } else {
    for (const [side, digest] of [
      [src, total.source],
      [dst, total.target],
    ] as const) {
      for await (const page of side.copy.scan(side.tenant, { schema: side.table.schema, name }, side.columns, pageSize)) {
        for (const row of page) {
          digest.add(canonicalRow(row, classes));
          if (side === src && sampleable && samples.length < sampleWanted && Math.random() < 0.05) samples.push(row);
        }
      }
    }
    if (!total.source.equals(total.target)) {
      findings.push({
        rule: 'verify-mismatch',
        severity: 'error',
        subject: label,
        message: `whole table differs (no integer key to narrow the range): ${total.source.rows} source rows, ${total.target.rows} target rows, checksums ${total.source} vs ${total.target}`,
      });
    }
  }
  let sampled = 0;
  for (const row of samples) {
    const key = src.key.map((k) => row[src.columns.indexOf(k)]);
    const found = await dst.copy.readPage(dst.tenant, { table: { schema: dst.table.schema, name }, columns: dst.columns, key: dst.key, at: key });
    sampled++;
    const wanted = canonicalRow(row, classes);
    const got = found[0] ? canonicalRow(found[0], classes) : null;
    if (!got) {
      findings.push({
        rule: 'verify-sample-missing',
        severity: 'error',
        subject: label,
        message: `row with key ${describeKey(key)} is missing from the target`,
      });
      continue;
    }
    const differing = src.columns.filter((_, i) => wanted[i] !== got[i]).map((c) => c.name);
    if (differing.length) {
      findings.push({
        rule: 'verify-sample-differs',
        severity: 'error',
        subject: label,
        message: `row with key ${describeKey(key)} differs in ${differing.join(', ')}`,
      });
    }
  }
  if (total.source.rows !== total.target.rows) {
    findings.push({
      rule: 'verify-row-count',
      severity: 'error',
      subject: label,
      message: `${total.source.rows} rows in the source, ${total.target.rows} in the target`,
    });
  }
  return {
    table: label,
    sourceRows: total.source.rows,
    targetRows: total.target.rows,
    sourceChecksum: total.source.toString(),
    targetChecksum: total.target.toString(),
    equal: total.source.equals(total.target),
    sampled,
  };
}
