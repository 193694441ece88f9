/**
 * Scores `byos migrate new` on a JSONL set of sentences. Each line is `{"sentence", "ops"}` (the ops it must give)
 * or `{"sentence", "refuse": true}` (nonsense it must refuse). In expected ops a name `"*"` stands for any generated
 * name, and `"typeGuessed": true` accepts any type for the columns whose type the sentence did not give.
 *
 * Every sentence goes through the CLI as a user's would (`migrate new … --dry-run --json`), in a folder whose first
 * migration builds the shop schema below, so names are resolved against the schema the folder implies.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MigrationOp, type MigrationOpInput, parseMigrationOps } from '@byos/runtime';
import { migrationSource } from '../../cli/src/commands/migrate-authoring.ts';
import { runCliInProcess } from '../helpers/cli.ts';

export interface SentenceCase {
  sentence: string;
  ops?: unknown[];
  refuse?: boolean;
  typeGuessed?: boolean;
}

export type Outcome = 'right' | 'wrong' | 'refused' | 'refused-correctly' | 'not-refused' | 'bad-expectation';

export interface CaseResult {
  line: number;
  sentence: string;
  /** The op kinds expected (`refuse` for nonsense lines). */
  kind: string;
  outcome: Outcome;
  got?: MigrationOp[];
  message?: string;
}

const col = (name: string, kind: string, extra: Record<string, unknown> = {}) => ({
  name,
  type: { kind, ...(kind === 'decimal' ? { precision: 10, scale: 2 } : {}) },
  ...extra,
});
const required = { nullable: false };

/** The folder's first migration: the schema every sentence of a set is read against. */
export const SHOP_SCHEMA: MigrationOpInput[] = [
  {
    op: 'createTable',
    table: 'customers',
    columns: [col('id', 'integer', required), col('email', 'text', required), col('name', 'text'), col('country', 'text'), col('created_at', 'timestamp')],
    primaryKey: { columns: ['id'] },
  },
  {
    op: 'createTable',
    table: 'orders',
    columns: [
      col('id', 'integer', required),
      col('customer_id', 'integer', required),
      col('total', 'decimal'),
      col('status', 'text'),
      col('created_at', 'timestamp'),
    ],
    primaryKey: { columns: ['id'] },
  },
  {
    op: 'createTable',
    table: 'products',
    columns: [col('id', 'integer', required), col('sku', 'text', required), col('name', 'text', required), col('price', 'decimal')],
    primaryKey: { columns: ['id'] },
  },
  {
    op: 'createTable',
    table: 'order_items',
    columns: [col('order_id', 'integer'), col('product_id', 'integer'), col('quantity', 'integer', required), col('unit_price', 'decimal')],
  },
  {
    op: 'createTable',
    table: 'users',
    columns: [col('id', 'integer', required), col('email', 'text', required), col('password_hash', 'text'), col('role', 'text')],
    primaryKey: { columns: ['id'] },
  },
] as MigrationOpInput[];

export function readCases(text: string, source: string): SentenceCase[] {
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), i }))
    .filter(({ line }) => line !== '' && !line.startsWith('//'))
    .map(({ line, i }) => {
      try {
        return JSON.parse(line) as SentenceCase;
      } catch (error) {
        throw new Error(`${source}:${i + 1}: not JSON: ${(error as Error).message}`);
      }
    });
}

const WILDCARD = '*';

/** True when `got` matches `want`, where a `"*"` in `want` matches any value. */
function matches(want: unknown, got: unknown): boolean {
  if (want === WILDCARD) return got !== undefined;
  if (Array.isArray(want)) return Array.isArray(got) && want.length === got.length && want.every((w, i) => matches(w, got[i]));
  if (want && typeof want === 'object') {
    if (!got || typeof got !== 'object' || Array.isArray(got)) return false;
    const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
    return [...keys].every((k) => matches((want as Record<string, unknown>)[k], (got as Record<string, unknown>)[k]));
  }
  return want === got;
}

/** Column definitions of an op (createTable's columns, addColumn's column). */
function columnDefs(op: Record<string, unknown>): Record<string, unknown>[] {
  if (Array.isArray(op.columns) && op.op === 'createTable') return op.columns as Record<string, unknown>[];
  if (op.op === 'addColumn' && op.column) return [op.column as Record<string, unknown>];
  return [];
}

/**
 * The expected ops through the MigrationOp schema (defaults filled in, as the builder's are), with every column
 * type a wildcard when the line says the sentence gave no type.
 */
function expectedOps(c: SentenceCase): unknown[] {
  const ops = parseMigrationOps(c.ops) as unknown as Record<string, unknown>[];
  if (c.typeGuessed) for (const op of ops) for (const def of columnDefs(op)) def.type = WILDCARD;
  return ops;
}

/** Same ops in any order (a builder may emit an addUnique before or after its addColumn). */
export function sameOps(want: unknown[], got: unknown[]): boolean {
  if (want.length !== got.length) return false;
  const left = [...got];
  for (const w of want) {
    const i = left.findIndex((g) => matches(w, g));
    if (i < 0) return false;
    left.splice(i, 1);
  }
  return true;
}

/**
 * The named objects a line's expected ops drop or extend (an index, a constraint, an enum) that the shop schema
 * lacks: the writer of the line assumed they exist, and `migrate new` rightly refuses to drop what the folder's
 * schema does not have, so the line is read in a folder whose second migration creates them.
 */
export function prerequisites(want: readonly unknown[]): MigrationOpInput[] {
  const firstColumn = (table: string) => {
    const created = SHOP_SCHEMA.find((op) => op.op === 'createTable' && op.table === table) as { columns: { name: string }[] } | undefined;
    return created?.columns[0]?.name ?? 'id';
  };
  const ops: MigrationOpInput[] = [];
  for (const op of want as Record<string, string>[]) {
    const table = op.table as string;
    if (op.op === 'dropIndex') ops.push({ op: 'createIndex', table, name: op.name!, columns: [firstColumn(table)] });
    if (op.op === 'dropUnique') ops.push({ op: 'addUnique', table, unique: { name: op.name!, columns: [firstColumn(table)] } });
    if (op.op === 'dropCheck') ops.push({ op: 'addCheck', table, check: { name: op.name!, expression: '1 = 1' } });
    if (op.op === 'dropEnum') ops.push({ op: 'createEnum', name: op.name!, values: ['a'] });
    if (op.op === 'addEnumValue') ops.push({ op: 'createEnum', name: op.enum!, values: [op.after ?? op.before ?? 'a'] });
    if (op.op === 'dropForeignKey') {
      ops.push({ op: 'addColumn', table, column: { name: 'prerequisite_ref', type: { kind: 'integer' }, nullable: true } });
      ops.push({
        op: 'addForeignKey',
        table,
        foreignKey: { name: op.name!, columns: ['prerequisite_ref'], references: { table: 'customers', columns: ['id'] } },
      });
    }
  }
  return ops;
}

export async function scoreCases(cases: SentenceCase[]): Promise<CaseResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'byos-sentences-'));
  try {
    await writeFile(join(dir, '0001_shop.ts'), migrationSource('the shop schema', parseMigrationOps(SHOP_SCHEMA)));
    const results: CaseResult[] = [];
    for (const [i, c] of cases.entries()) {
      const base = { line: i + 1, sentence: c.sentence };
      let want: unknown[] | null = null;
      if (!c.refuse) {
        try {
          want = expectedOps(c);
        } catch (error) {
          results.push({ ...base, kind: 'invalid', outcome: 'bad-expectation', message: (error as Error).message.split('\n')[0] });
          continue;
        }
      }
      const kind = c.refuse ? 'refuse' : [...new Set((want as { op: string }[]).map((o) => o.op))].join('+');
      const needs = want ? prerequisites(want) : [];
      const folder = needs.length ? await mkdtemp(join(tmpdir(), 'byos-sentence-case-')) : dir;
      if (needs.length) {
        await writeFile(join(folder, '0001_shop.ts'), migrationSource('the shop schema', parseMigrationOps(SHOP_SCHEMA)));
        await writeFile(join(folder, '0002_prerequisites.ts'), migrationSource('what the line assumes exists', parseMigrationOps(needs)));
      }
      const r = await runCliInProcess(['migrate', 'new', c.sentence, '--dir', folder, '--dry-run', '--json', '--dialect', 'postgres']);
      if (folder !== dir) await rm(folder, { recursive: true, force: true });
      const doc = JSON.parse(r.stdout || '{}') as { ops?: MigrationOp[]; error?: { message: string } };
      if (r.code !== 0) {
        results.push({ ...base, kind, outcome: c.refuse ? 'refused-correctly' : 'refused', message: doc.error?.message ?? r.stderr.trim() });
        continue;
      }
      const got = doc.ops ?? [];
      if (c.refuse) results.push({ ...base, kind, outcome: 'not-refused', got });
      else results.push({ ...base, kind, outcome: sameOps(want!, got) ? 'right' : 'wrong', got });
    }
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function scoreFile(file: string): Promise<CaseResult[]> {
  return scoreCases(readCases(await readFile(file, 'utf8'), file));
}

export interface Summary {
  valid: number;
  right: number;
  wrong: number;
  refused: number;
  nonsense: number;
  refusedCorrectly: number;
  /** Right ops over valid sentences, in percent. */
  rightPercent: number;
  /** Nonsense refused, in percent (100 when the set has none). */
  refusedPercent: number;
}

export function summarize(results: CaseResult[]): Summary {
  const valid = results.filter((r) => r.kind !== 'refuse' && r.outcome !== 'bad-expectation');
  const nonsense = results.filter((r) => r.kind === 'refuse');
  const count = (rs: CaseResult[], o: Outcome) => rs.filter((r) => r.outcome === o).length;
  const pct = (n: number, of: number) => (of ? (100 * n) / of : 100);
  return {
    valid: valid.length,
    right: count(valid, 'right'),
    wrong: count(valid, 'wrong'),
    refused: count(valid, 'refused'),
    nonsense: nonsense.length,
    refusedCorrectly: count(nonsense, 'refused-correctly'),
    rightPercent: pct(count(valid, 'right'), valid.length),
    refusedPercent: pct(count(nonsense, 'refused-correctly'), nonsense.length),
  };
}

/** The report: per op kind, then overall, then every line that missed (with what it gave). */
export function report(name: string, results: CaseResult[], details = true): string {
  const lines: string[] = [];
  const kinds = [...new Set(results.map((r) => r.kind))].sort();
  const pct = (n: number, of: number) => `${of ? ((100 * n) / of).toFixed(1) : '-'}%`.padStart(7);
  lines.push(`${name}: ${results.length} sentences`);
  lines.push(`  ${'kind'.padEnd(28)} ${'n'.padStart(4)} ${'right'.padStart(7)} ${'wrong'.padStart(7)} ${'refused'.padStart(7)}`);
  for (const kind of kinds) {
    const rs = results.filter((r) => r.kind === kind);
    const n = rs.length;
    const c = (o: Outcome) => rs.filter((r) => r.outcome === o).length;
    if (kind === 'refuse')
      lines.push(`  ${'nonsense (refused correctly)'.padEnd(28)} ${String(n).padStart(4)} ${pct(c('refused-correctly'), n)} ${pct(c('not-refused'), n)}`);
    else if (kind !== 'invalid')
      lines.push(`  ${kind.padEnd(28)} ${String(n).padStart(4)} ${pct(c('right'), n)} ${pct(c('wrong'), n)} ${pct(c('refused'), n)}`);
  }
  const s = summarize(results);
  lines.push(
    `  overall: ${s.right}/${s.valid} valid sentences right (${s.rightPercent.toFixed(1)}%), ${s.wrong} wrong, ${s.refused} refused; nonsense refused ${s.refusedCorrectly}/${s.nonsense} (${s.refusedPercent.toFixed(1)}%)`,
  );
  const bad = results.filter((r) => r.outcome === 'bad-expectation');
  if (bad.length)
    lines.push(`  ${bad.length} lines whose expected ops the MigrationOp schema rejects (not scored): ${bad.map((r) => `line ${r.line}`).join(', ')}`);
  if (details) {
    for (const r of results) {
      if (r.outcome === 'right' || r.outcome === 'refused-correctly') continue;
      const what = r.got ? JSON.stringify(r.got) : (r.message ?? '').split('\n')[0];
      lines.push(`  ${r.outcome.padEnd(15)} line ${String(r.line).padStart(3)}: ${r.sentence}\n${' '.repeat(20)}→ ${what}`);
    }
  }
  return lines.join('\n');
}
