import type { TenantDb } from '../connect.ts';
import type { Finding } from '../contracts/finding.ts';
import type { AppliedKey, CaptureTable } from '../movers/capture/index.ts';
import { normalizeValue, type ValueClass, valueClass, verifyDatabases, type VerifyReport } from '../movers/verify/index.ts';

/**
 * What the cutover verifies while writers are held:
 * - `changed` (default): a full checksum verification runs BEFORE the pause, with writers running; inside the
 *   pause only row counts, a full checksum of the tables that mismatched then, and a value-by-value re-check of
 *   every key replayed since that verification started. The pause grows with the writes, not with the data.
 * - `checksums`: counts and checksums of every row of every table inside the pause (grows with the data).
 * - `counts`: row counts only.
 */
export type VerifyMode = 'changed' | 'checksums' | 'counts';

/** What the pause compared (SwitchReport.verification.scope). */
export interface VerificationScope {
  mode: VerifyMode;
  /** Tables whose row counts were compared in the pause. */
  counted: string[];
  /** Tables whose every row was checksummed in the pause. */
  checksummed: string[];
  /** Rows re-read on both sides and compared value by value in the pause (`changed`: the keys replayed since the pre-verification began). */
  keysRechecked: number;
  /** `changed`: tables the pre-verification (writers running) checksummed, and those it found different. */
  preVerified?: string[];
  preMismatched?: string[];
  /** `changed`: mismatched tables compared again row by row before the pause, and the rows found different there. */
  preRefined?: string[];
  preSuspects?: number;
  /** `changed`: how long the pre-verification took (outside the pause). */
  preVerifyMs?: number;
}

/**
 * Every key a replay applied on the target, per table, each once: the collector of the `changed` mode
 * (ReplayOptions.onApplied = keys.collect).
 */
export class ChangedKeys {
  readonly tables = new Map<string, { table: CaptureTable; keys: Map<string, Record<string, unknown>> }>();
  readonly collect = (applied: readonly AppliedKey[]): void => {
    for (const { table, pk } of applied) {
      let entry = this.tables.get(table.name);
      if (!entry) this.tables.set(table.name, (entry = { table, keys: new Map() }));
      entry.keys.set(JSON.stringify(table.primaryKey.map((c) => pk[c])), pk);
    }
  };
  get size(): number {
    let n = 0;
    for (const { keys } of this.tables.values()) n += keys.size;
    return n;
  }
}

/** What the pre-verification left for the pause: the tables to checksum again and the keys to re-check. */
export interface PreVerification {
  /** Keys replayed since the pre-verification began, plus the rows its row-by-row pass found different. */
  keys: ChangedKeys;
  tables: string[];
  /** Tables whose checksums differed (writes in flight, or a real divergence). */
  mismatched: string[];
  /** Of those, the ones compared again row by row before the pause (integer keys): their differing rows are in `keys`. */
  refined: string[];
  /** Rows the row-by-row pass found different (re-checked in the pause; usually writes in flight). */
  suspects: number;
  /** Tables the pause checksums in full: mismatched and not refined (no integer key, or a column missing). */
  checksumInPause: string[];
  ms: number;
}

type Sides = { from: TenantDb; to: TenantDb; tables: readonly CaptureTable[]; targetTables: readonly CaptureTable[] };

/**
 * The `changed` mode's first half, run with writers still going and no replay running: a full checksum
 * verification of `tables`. Start replaying with `keys.collect` as onApplied right after this returns (the keys
 * collector exists from before the verification starts).
 *
 * Why the pause then needs to look only at the collected keys and at the mismatched tables. Take a key k that no
 * replay applied after this verification started (at T0). Its source row did not change after T0: a change
 * commits together with its captured change row, so it is either pending when a later replay runs or committed
 * later, and every pending change is replayed by the catch-up after this or, at the latest, by the drain inside
 * the pause, which empties the change table with writers held; that replay would have collected k. Its target row
 * did not change either: only the replay writes to the target before the flip. So k's rows on both sides stayed as
 * they were from T0 to the end of the pause, and this verification saw them in that state. Where it found a table
 * equal, the multiset of canonical rows (key included) matched, so each such k matched its own row on the other
 * side (short of a 64-bit sum-and-xor hash collision). The rows it may have seen mid-change are exactly the
 * collected keys, which the pause re-reads on both sides; tables it found different are checksummed again in full.
 * Not covered: a write made directly on the target, outside the switch, to a key never replayed after T0.
 *
 * A table written while it is checksummed differs (its source page is read before its target page, and nothing is
 * replayed meanwhile), so busy tables would all be checksummed again in the pause. Instead, a table with an integer
 * key is compared once more row by row, still before the pause: an uncollected key is frozen since T0, so that
 * pass sees it as the pause would; every key it finds different joins the keys the pause re-checks.
 */
export async function preVerify(sides: Sides): Promise<PreVerification> {
  const keys = new ChangedKeys();
  const started = performance.now();
  const tables = sides.tables.map((t) => t.name);
  const report = await verifyDatabases({ from: sides.from, to: sides.to, tables, sample: 0, schema: false });
  const mismatched = new Set(report.tables.filter((t) => !t.equal).map((t) => t.table));
  const structural = new Set<string>();
  for (const f of report.findings) {
    if (f.severity !== 'error') continue;
    const table = tables.find((t) => f.subject === t || f.subject.startsWith(`${t}.`));
    if (!table) continue;
    mismatched.add(table);
    if (f.rule !== 'verify-mismatch' && f.rule !== 'verify-row-count') structural.add(table);
  }
  const refined: string[] = [];
  let suspects = 0;
  for (const table of sides.tables) {
    if (!mismatched.has(table.name) || structural.has(table.name)) continue;
    const other = sides.targetTables.find((t) => t.name === table.name);
    if (!other || !table.primaryKey.every((c) => valueClass(table.kinds[c]!, other.kinds[c] ?? table.kinds[c]!) === 'integer')) continue;
    const differing = await differingKeys(sides.from, sides.to, table, other);
    keys.collect(differing.map((pk) => ({ table, pk })));
    suspects += differing.length;
    refined.push(table.name);
  }
  return {
    keys,
    tables,
    mismatched: tables.filter((t) => mismatched.has(t)),
    refined,
    suspects,
    checksumInPause: tables.filter((t) => mismatched.has(t) && !refined.includes(t)),
    ms: Math.round(performance.now() - started),
  };
}

const PAGE = 5000;

/** Keys (integer primary key) whose rows differ between the sides, or exist on one side only; read in key ranges. */
async function differingKeys(from: TenantDb, to: TenantDb, table: CaptureTable, other: CaptureTable): Promise<Record<string, unknown>[]> {
  const [source, target] = [from.dialect, to.dialect];
  const names = table.columns.filter((c) => other.columns.includes(c));
  const classes = new Map<string, ValueClass>(names.map((c) => [c, valueClass(table.kinds[c]!, other.kinds[c] ?? table.kinds[c]!)]));
  const read = (t: CaptureTable) => ({
    columns: names.map((name) => ({ name, type: t.types[name]! })),
    key: t.primaryKey.map((name) => ({ name, type: t.types[name]! })),
  });
  const keyOf = (row: readonly unknown[]) => table.primaryKey.map((c) => row[names.indexOf(c)]);
  const text = (row: readonly unknown[]) => names.map((c, i) => normalizeValue(row[i], classes.get(c)!));
  const differing: Record<string, unknown>[] = [];
  let after: unknown[] | null = null;
  for (;;) {
    const page = await source.copy.readPage(from, { table: table.ref, ...read(table), after, limit: PAGE });
    const final = page.length < PAGE;
    const upTo = page.length ? keyOf(page[page.length - 1]!) : null;
    const theirs = await target.copy.readPage(to, { table: other.ref, ...read(other), after, upTo: final ? null : upTo });
    const mine = new Map(page.map((row) => [JSON.stringify(keyText(keyOf(row))), JSON.stringify(text(row))]));
    const seen = new Set<string>();
    for (const row of theirs) {
      const id = JSON.stringify(keyText(keyOf(row)));
      seen.add(id);
      if (mine.get(id) !== JSON.stringify(text(row))) differing.push(integerKey(table, keyOf(row)));
    }
    for (const row of page) if (!seen.has(JSON.stringify(keyText(keyOf(row))))) differing.push(integerKey(table, keyOf(row)));
    if (final) break;
    after = upTo;
  }
  return differing;
}

function keyText(values: readonly unknown[]): (string | null)[] {
  return values.map((v) => normalizeValue(v, 'integer'));
}

/** An integer key read from a row as the values a replay's keys carry (numbers when safe, as decodeKey gives). */
function integerKey(table: CaptureTable, values: readonly unknown[]): Record<string, unknown> {
  return Object.fromEntries(
    table.primaryKey.map((c, i) => {
      const text = normalizeValue(values[i], 'integer');
      const n = Number(text);
      return [c, text !== null && Number.isSafeInteger(n) ? n : text];
    }),
  );
}

/**
 * The `changed` mode's second half, inside the pause after the drain: row counts of every table, a full checksum
 * verification of the tables the pre-verification found different, and every collected key read on both sides
 * and compared with verifyDatabases' own normalisation.
 */
export async function verifyInPause(
  sides: { from: TenantDb; to: TenantDb; tables: readonly CaptureTable[]; targetTables: readonly CaptureTable[] },
  pre: PreVerification,
  sample: number,
): Promise<{ report: VerifyReport; scope: VerificationScope }> {
  const names = sides.tables.map((t) => t.name);
  const counts = await compareCounts(sides.from, sides.to, sides.tables);
  const full = pre.checksumInPause.length
    ? await verifyDatabases({ from: sides.from, to: sides.to, tables: pre.checksumInPause, sample, schema: false })
    : undefined;
  const rechecked = await recheckKeys(sides.from, sides.to, pre.keys, sides.targetTables);
  const findings = [...counts.findings, ...(full?.findings ?? []), ...rechecked.findings];
  const tables = counts.tables.map((t) => full?.tables.find((f) => f.table === t.table) ?? t);
  return {
    report: { tables, findings, equal: !findings.some((f) => f.severity === 'error') },
    scope: {
      mode: 'changed',
      counted: names,
      checksummed: pre.checksumInPause,
      keysRechecked: rechecked.rows,
      preVerified: pre.tables,
      preMismatched: pre.mismatched,
      preRefined: pre.refined,
      preSuspects: pre.suspects,
      preVerifyMs: pre.ms,
    },
  };
}

/** Row counts per table on both sides, as a VerifyReport without checksums. */
export async function compareCounts(from: TenantDb, to: TenantDb, tables: readonly CaptureTable[]): Promise<VerifyReport> {
  const rows = await Promise.all(
    tables.map(async ({ name: table, ref }) => {
      const [sourceRows, targetRows] = await Promise.all([from.dialect.copy.count(from, ref), to.dialect.copy.count(to, ref)]);
      return { table, sourceRows, targetRows, sourceChecksum: 'not computed', targetChecksum: 'not computed', equal: sourceRows === targetRows, sampled: 0 };
    }),
  );
  const findings: Finding[] = rows
    .filter((r) => !r.equal)
    .map((r) => ({
      rule: 'switch-row-count',
      severity: 'error',
      subject: r.table,
      message: `${r.sourceRows} rows on the source, ${r.targetRows} on the target after the last replay`,
    }));
  return { tables: rows, findings, equal: findings.length === 0 };
}

/** Keys whose text reads back as the change table holds it, so a miss by IN list is a real absence. */
const EXACT_KEY_KINDS = new Set(['smallint', 'integer', 'bigint', 'text', 'varchar', 'char', 'uuid']);
const CHUNK = 500;

type Reader = {
  tenant: TenantDb;
  table: CaptureTable;
  read: (keys: Record<string, unknown>[]) => Promise<unknown[][]>;
  one: (key: unknown[]) => Promise<unknown[] | undefined>;
};

/** Reads every collected key on both sides (one IN-list query per table and side per 500 keys) and compares. */
async function recheckKeys(
  from: TenantDb,
  to: TenantDb,
  collected: ChangedKeys,
  targetTables: readonly CaptureTable[],
): Promise<{ rows: number; findings: Finding[] }> {
  const findings: Finding[] = [];
  let rows = 0;
  const reader = (tenant: TenantDb, table: CaptureTable): Reader => ({
    tenant,
    table,
    read: (keys) => tenant.dialect.capture.readRows(tenant, table, keys),
    one: async (key) => {
      const columns = table.columns.map((name) => ({ name, type: table.types[name]! }));
      const keyColumns = table.primaryKey.map((name) => ({ name, type: table.types[name]! }));
      return (await tenant.dialect.copy.readPage(tenant, { table: table.ref, columns, key: keyColumns, at: key }))[0];
    },
  });
  for (const { table, keys } of collected.tables.values()) {
    const other = targetTables.find((t) => t.name === table.name) ?? table;
    // Columns on both sides, compared in the class verifyDatabases gives the pair.
    const columns = table.columns.filter((c) => other.columns.includes(c));
    const classes = new Map<string, ValueClass>(columns.map((c) => [c, valueClass(table.kinds[c]!, other.kinds[c] ?? table.kinds[c]!)]));
    const exact = table.primaryKey.every((c) => EXACT_KEY_KINDS.has(table.kinds[c] ?? ''));
    const sides = [reader(from, table), reader(to, other)] as const;
    const keyId = (values: readonly unknown[]) => JSON.stringify(values.map((v, i) => normalizeValue(v, classes.get(table.primaryKey[i]!)!)));
    const pks = [...keys.values()];
    for (let i = 0; i < pks.length; i += CHUNK) {
      const chunk = pks.slice(i, i + CHUNK);
      const [a, b] = await Promise.all(
        sides.map(async (side) => {
          const found = new Map<string, Record<string, string | null>>();
          for (const raw of await side.read(chunk)) {
            const row = canonical(side.table, raw, classes);
            found.set(keyId(table.primaryKey.map((c) => row[c])), row);
          }
          return found;
        }),
      );
      for (const pk of chunk) {
        const keyValues = table.primaryKey.map((c) => pk[c]);
        const id = keyId(keyValues);
        let s = a.get(id);
        let t = b.get(id);
        if (!exact && !s !== !t) {
          // A key whose text may differ from the row's (a timestamp key) is looked up on its own before it counts as missing.
          if (!s) s = await lookUp(sides[0], keyValues, classes);
          if (!t) t = await lookUp(sides[1], keyValues, classes);
        }
        rows++;
        const where = `${table.name} ${describeKey(keyValues)}`;
        if (!s && !t) continue;
        if (!s || !t) {
          findings.push({
            rule: 'switch-changed-row',
            severity: 'error',
            subject: where,
            message: `row with key ${describeKey(keyValues)} of ${table.name} is ${s ? 'missing from' : 'only on'} the target after the last replay`,
          });
          continue;
        }
        const differing = columns.filter((c) => s[c] !== t[c]);
        if (differing.length) {
          findings.push({
            rule: 'switch-changed-row',
            severity: 'error',
            subject: where,
            message: `row with key ${describeKey(keyValues)} of ${table.name} differs in ${differing.join(', ')} after the last replay`,
          });
        }
      }
    }
  }
  return { rows, findings };
}

async function lookUp(side: Reader, key: unknown[], classes: Map<string, ValueClass>): Promise<Record<string, string | null> | undefined> {
  const raw = await side.one(key);
  return raw ? canonical(side.table, raw, classes) : undefined;
}

/** A row read in `table.columns` order as canonical text by column name (the compared columns only). */
function canonical(table: CaptureTable, raw: readonly unknown[], classes: Map<string, ValueClass>): Record<string, string | null> {
  const row: Record<string, string | null> = {};
  table.columns.forEach((c, i) => {
    const cls = classes.get(c);
    if (cls) row[c] = normalizeValue(raw[i], cls);
  });
  return row;
}

function describeKey(values: readonly unknown[]): string {
  const text = values.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : String(v)));
  return text.length === 1 ? text[0]! : `(${text.join(', ')})`;
}
