import type { TenantDb } from '../../connect.ts';
import type { Finding } from '../../contracts/finding.ts';
import type { Column, NeutralType, Table } from '../../contracts/schema-model.ts';
import type { Dialect } from '../../dialects/dialect.ts';
import type { NativeSchema, NativeUnit } from '../../dialects/native-schema.ts';
import { diffNeutral } from '../../schema/neutral.ts';
import { plannedType } from '../copy/plan.ts';
import { isSecurityKind } from '../copy/losses.ts';
import { machineryIn } from '../../machinery.ts';
import { inChosenSchemas, keepChosenSchemas, type SchemaChoice } from '../schema-choice.ts';

export interface SchemaVerification {
  /** `native`: every object's definition compared; `neutral`: the dialect-neutral projection (different engines). */
  mode: 'native' | 'neutral';
  /** Objects compared (native) or tables and views compared (neutral). */
  compared: number;
  findings: Finding[];
}

/**
 * Compares the schema objects of two databases. Same engine: every object read in the engine's own terms (tables,
 * keys, indexes, functions, triggers, policies, row security, grants, comments…) must exist on both sides with the
 * same definition, and no sequence may be behind the source or behind its column's largest value (unless
 * `sequences: false`). Different engines:
 * the neutral projection (tables, columns, keys, indexes, views) must be equal.
 */
export async function verifySchemas(
  from: TenantDb,
  to: TenantDb,
  dialects: { source: Dialect; target: Dialect },
  tables?: readonly string[],
  options: { sequences?: boolean; acceptLoss?: readonly string[]; choice?: SchemaChoice } = {},
): Promise<SchemaVerification> {
  const { source, target } = dialects;
  if (source.native && source.name === target.name) {
    const exclude = machineryIn(source.defaultSchema);
    const [a, b] = (await Promise.all([source.native.read(from.db, exclude), target.native!.read(to.db, exclude)]))
      .map((s) => keepChosenSchemas(s, options.choice ?? {}))
      .map((s) => (tables ? only(s, tables, source.defaultSchema) : s));
    if (major(a!.version) !== major(b!.version)) await redeparseViews(a, b, (bodies) => target.native!.redeparseViews(to.db, bodies));
    const findings = compareNative(a, b, options.acceptLoss);
    // While writers still run (a switch before its cutover) positions move on both sides: only definitions compare.
    if (options.sequences === false) return { mode: 'native', compared: a.units.length, findings };
    const targetStates = new Map(
      (
        await target.native!.readSequences(
          to.db,
          a.sequences.filter((s) => b.sequences.some((t) => t.name === s.name)).map((s) => s.name),
        )
      ).map((s) => [s.name, s]),
    );
    for (const s of a.sequences) {
      const t = targetStates.get(s.name);
      // Behind means short of the source in the direction the sequence counts.
      const down = BigInt(s.increment) < 0n;
      if (t && (down ? position(t) > position(s) : position(t) < position(s))) {
        findings.push({
          rule: 'verify-sequence-behind',
          severity: 'error',
          subject: s.name,
          message: `sequence ${s.name} is at ${describe(t)} on the target, behind the source's ${describe(s)}: new rows would reuse numbers`,
        });
      }
    }
    // A sequence the source itself left behind its column (rows inserted with explicit ids) is copied as it is.
    const sourceBehind = new Set((await source.native.sequencesBehind(from.db)).map((s) => `${s.sequence}@${s.value}`));
    for (const behind of await target.native!.sequencesBehind(to.db)) {
      if (sourceBehind.has(`${behind.sequence}@${behind.value}`)) continue;
      findings.push({
        rule: 'verify-sequence-behind',
        severity: 'error',
        subject: behind.sequence,
        message: `sequence ${behind.sequence} is at ${behind.value} on the target, behind the values already in ${behind.column} (${behind.max}): the next insert would collide`,
      });
    }
    return { mode: 'native', compared: a.units.length, findings };
  }
  const [a, b] = await Promise.all([source.introspect(from.db), target.introspect(to.db)]);
  const own = (names: string[]) => (t: { schema: string; name: string }) => !names.includes(`${t.schema}.${t.name}`);
  const inSchemas = inChosenSchemas(options.choice ?? {});
  const chosen = (t: { schema: string; name: string }) =>
    (!tables || tables.includes(t.name) || tables.includes(`${t.schema}.${t.name}`)) && inSchemas(t.schema);
  const strip = (model: typeof a, names: string[]) => ({
    ...model,
    tables: model.tables.filter((t) => own(names)(t) && chosen(t)),
    views: tables ? [] : model.views,
  });
  // Each column is expected with the type the copy gives it in this engine (SQLite's 64-bit INTEGER is a bigint).
  const same = source.name === target.name;
  // A primary key column is NOT NULL everywhere but in SQLite, where only a declaration makes it so.
  const keyed = (t: Table, c: Column) => (t.primaryKey?.columns.includes(c.name) ? { ...c, nullable: false } : c);
  // What the copy was allowed to leave behind is not expected on the target (accepted as copy did: by kind, or all).
  const accepted = (kind: string) => options.acceptLoss?.includes(kind) || (options.acceptLoss?.includes('all') && !isSecurityKind(kind));
  // Into an engine with one schema every table lands in it (the copy names that loss, kind `schema`).
  const flat = !target.capabilities.schemas;
  const carried = (t: Table) => ({
    ...t,
    ...(flat ? { schema: a.defaultSchema, foreignKeys: t.foreignKeys.map((fk) => ({ ...fk, referencedSchema: a.defaultSchema })) } : {}),
    indexes: accepted('index') ? t.indexes.filter((i) => !i.columns.some((c) => c.startsWith('(')) && (same || i.where === null)) : t.indexes,
    columns: t.columns.map((c) => ({
      ...keyed(t, c),
      type: widths(plannedType(c, source.copy, target, same, a).type),
      generated: accepted('generated-column') ? null : c.generated,
    })),
  });
  const expected = { ...a, tables: a.tables.map(carried), views: a.views.filter((v) => !accepted(v.materialized ? 'materialized-view' : 'view')) };
  const found = { ...b, tables: b.tables.map((t) => ({ ...t, columns: t.columns.map((c) => ({ ...keyed(t, c), type: widths(c.type) })) })) };
  const differences = diffNeutral(
    strip(expected, machineryIn(source.defaultSchema).excludeTables),
    strip(found, machineryIn(target.defaultSchema).excludeTables),
    { identity: false, nativeEnums: source.capabilities.enums && target.capabilities.enums },
  );
  return {
    mode: 'neutral',
    compared: a.tables.length + a.views.length,
    findings: differences.map((d) => ({ rule: 'verify-schema-differs', severity: 'error', subject: d.split(':')[0] ?? d, message: d })),
  };
}

/**
 * Integer and floating types compared by family: a database moved back into an engine that already holds its tables
 * (a rollback) keeps its own widths, and the rows' values are compared exactly anyway.
 */
function widths(type: NeutralType): NeutralType {
  if (type.kind === 'smallint' || type.kind === 'integer') return { ...type, kind: 'bigint' };
  if (type.kind === 'real') return { ...type, kind: 'double' };
  return type.element ? { ...type, element: widths(type.element) } : type;
}

const major = (version: number) => Math.floor(version / 10000);

/** The objects of some tables only: each relation named and whatever belongs to it (keys, indexes, triggers, grants). */
function only(schema: NativeSchema, tables: readonly string[], defaultSchema: string): NativeSchema {
  const wanted = new Set(
    schema.tables.filter((t) => tables.includes(t.q) || tables.includes(t.name) || tables.includes(`${t.schema}.${t.name}`)).map((t) => t.q),
  );
  for (const name of tables) if (!name.includes('.')) wanted.add(`${defaultSchema}.${name}`);
  const units = schema.units.filter((u) => (u.table !== null && wanted.has(u.table)) || (u.kind === 'grant' && u.table !== null && wanted.has(u.table)));
  return {
    ...schema,
    units,
    tables: schema.tables.filter((t) => wanted.has(t.q)),
    sequences: schema.sequences.filter((s) => s.ownedBy !== null && [...wanted].some((w) => s.ownedBy!.startsWith(`${w}.`))),
    unsupported: [],
  };
}

/**
 * Servers of different major versions print the same view differently (PostgreSQL 16 stopped qualifying columns of
 * a single-table query). Each source view that differs is deparsed again by the target's server, so it is compared
 * as that server prints it: a view that really differs still differs.
 */
async function redeparseViews(a: NativeSchema, b: NativeSchema, redeparse: (bodies: string[]) => Promise<string[]>): Promise<void> {
  const there = new Map(b.units.map((u) => [u.id, u]));
  const differing = a.units.filter(
    (u) => (u.kind === 'view' || (u.kind === 'materialized-view' && !u.id.startsWith('refresh:'))) && there.has(u.id) && there.get(u.id)!.sql[0] !== u.sql[0],
  );
  const split = (statement: string) => {
    const at = statement.indexOf(' AS\n');
    const tail = statement.endsWith('\nWITH NO DATA') ? '\nWITH NO DATA' : '';
    return { head: statement.slice(0, at + 4), body: statement.slice(at + 4, statement.length - tail.length), tail };
  };
  const parts = differing.map((u) => split(u.sql[0]!));
  const bodies = await redeparse(parts.map((p) => p.body));
  differing.forEach((u, i) => {
    u.sql = [`${parts[i]!.head}${bodies[i]}${parts[i]!.tail}`, ...u.sql.slice(1)];
  });
}

/** Unit by unit: missing, extra, or defined differently. */
/** Objects of kinds the reader cannot recreate are compared by name: missing is a loss unless its kind was accepted. */
function compareNative(a: NativeSchema, b: NativeSchema, acceptLoss: readonly string[] = []): Finding[] {
  const findings: Finding[] = [];
  const there = new Map(b.units.map((u) => [u.id, u]));
  const here = new Set(a.units.map((u) => u.id));
  for (const u of a.units) {
    const other = there.get(u.id);
    if (!other) {
      findings.push({ rule: 'verify-object-missing', severity: 'error', subject: u.name, message: `${describeUnit(u)} is missing on the target` });
      continue;
    }
    const difference = firstDifference(u.sql, other.sql);
    if (difference)
      findings.push({ rule: 'verify-object-differs', severity: 'error', subject: u.name, message: `${describeUnit(u)} differs on the target: ${difference}` });
  }
  for (const u of b.units) {
    if (!here.has(u.id))
      findings.push({ rule: 'verify-object-extra', severity: 'error', subject: u.name, message: `${describeUnit(u)} exists on the target only` });
  }
  const right = new Set(b.unsupported.map((x) => `${x.kind} ${x.name}`));
  for (const x of a.unsupported) {
    const what = `${x.kind} ${x.name}`;
    if (right.has(what) || acceptLoss.includes(x.kind) || acceptLoss.includes('all')) continue;
    findings.push({ rule: 'verify-object-missing', severity: 'error', subject: what, message: `${what} is missing on the target` });
  }
  return findings;
}

function describeUnit(u: NativeUnit): string {
  const what =
    u.kind === 'grant'
      ? 'privileges on'
      : u.kind === 'materialized-view' && u.id.startsWith('refresh:')
        ? 'the data of materialized view'
        : u.kind.replace(/-/g, ' ');
  return `${what} ${u.name}`;
}

/** The first line that differs, in the first statement that differs: `source has «…», target has «…»`. */
function firstDifference(a: string[], b: string[]): string | undefined {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    if (a[i] === undefined || b[i] === undefined) return `source has «${short(a[i] ?? '(nothing)')}», target has «${short(b[i] ?? '(nothing)')}»`;
    const left = a[i]!.split('\n');
    const right = b[i]!.split('\n');
    const at = left.findIndex((line, n) => line !== right[n]);
    const line = at < 0 ? left.length : at;
    return `${left.length > 1 ? `line ${line + 1}: ` : ''}source has «${short(left[line] ?? '(nothing)')}», target has «${short(right[line] ?? '(nothing)')}»`;
  }
  return undefined;
}

function short(text: string): string {
  const flat = text.trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}…` : flat;
}

/** Where the sequence stands: its last value, or one step before it when not yet called. */
function position(s: { lastValue: string; isCalled: boolean; increment: string }): bigint {
  return BigInt(s.lastValue) - (s.isCalled ? 0n : BigInt(s.increment));
}

function describe(s: { lastValue: string; isCalled: boolean }): string {
  return s.isCalled ? s.lastValue : `${s.lastValue} (not yet used)`;
}
