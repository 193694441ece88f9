import { type ConnectionProfile, connect, type Finding } from '@byos/runtime';
import { planDatabaseCopy } from '@byos/runtime/copy';
import { describeProfile, type TargetView } from './targets.ts';

/**
 * Copy speed the estimate divides by, from the README's copy benchmark (`npm run bench -- copy`): SQLite → Postgres
 * 300,000 rows in 0.41 s, Postgres → Postgres 1.6M rows in 2.83 s. Other pairs take the slower figure.
 */
export const COPY_RATES: { pair: string; rowsPerSecond: number; source: string }[] = [
  { pair: 'sqlite→postgres', rowsPerSecond: Math.round(300_000 / 0.41), source: 'README Benchmarks, copy: SQLite → Postgres 300,000 rows in 0.41 s' },
  { pair: 'postgres→postgres', rowsPerSecond: Math.round(1_600_000 / 2.83), source: 'README Benchmarks, copy: Postgres → Postgres 1.6M rows in 2.83 s' },
];

export interface MovePlan {
  from: TargetView;
  to: TargetView;
  tables: { table: string; target: string; columns: number; rows: number }[];
  totalRows: number;
  /** What the copy changes or cannot carry; `error` ones refuse the move. */
  findings: Finding[];
  blocked: boolean;
  estimate: { seconds: number; rowsPerSecond: number; basis: string };
}

/** The same plan `byos copy` and the switch make (planDatabaseCopy), with each table's rows and a time estimate. */
export async function planMove(from: ConnectionProfile, to: ConnectionProfile): Promise<MovePlan> {
  const source = await connect(from);
  try {
    const target = await connect(to);
    try {
      const plan = await planDatabaseCopy({ from: source, to: target });
      const tables = await Promise.all(
        plan.tables.map(async (t) => ({
          table: t.source.name,
          target: t.target,
          columns: t.columns.length,
          rows: await source.dialect.copy.count(source, t.source),
        })),
      );
      tables.sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
      const totalRows = tables.reduce((n, t) => n + t.rows, 0);
      const pair = `${source.dialect.name}→${target.dialect.name}`;
      const rate = COPY_RATES.find((r) => r.pair === pair) ?? COPY_RATES.reduce((a, b) => (a.rowsPerSecond < b.rowsPerSecond ? a : b));
      return {
        from: describeProfile(from),
        to: describeProfile(to),
        tables,
        totalRows,
        findings: plan.findings,
        blocked: plan.findings.some((f) => f.severity === 'error'),
        estimate: {
          seconds: totalRows / rate.rowsPerSecond,
          rowsPerSecond: rate.rowsPerSecond,
          basis: `${rate.source}${rate.pair === pair ? '' : ` (no figure for ${pair}: the slower one)`}`,
        },
      };
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
