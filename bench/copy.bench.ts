import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaDump } from '../test/helpers/pg-dump.ts';
import { sqlOn } from '../test/helpers/sql.ts';
import { startSystemPostgres } from '../test/helpers/system-postgres.ts';
import {
  admin,
  compareSchemas,
  describeSchema,
  fillShop,
  freshRunDatabase,
  type Measured,
  measure,
  PG_ROWS,
  positive,
  pgcopydbVersion,
  runByos,
  runDumpRestore,
  runPgcopydb,
  type SchemaComparison,
  sequencePositions,
  shopChecksums,
  shopCounts,
  type ToolRun,
  urlOf,
  warmUp,
} from './copy-pg.ts';
import { cpuList, fillSqliteAndCsv, sqliteRounds } from './copy-sqlite.ts';
import { type BenchRow, median } from './run.ts';

/** Rows of the SQLite → Postgres data set. */
const SQLITE_ROWS = positive('BYOS_BENCH_COPY_SQLITE_ROWS', 300_000);
/** Alternated rounds of the three Postgres → Postgres copies (medians are reported). */
const ROUNDS = positive('BYOS_BENCH_COPY_ROUNDS', 5);
/**
 * A run during which other work on the machine used more than this share of one core (CPU seconds per second of the
 * run, beside the tool and the two servers) is run again, up to TRIES times in all: on a shared 2-core machine such a
 * run measures the neighbour, not the tool (a quiet run shows under 0.03).
 */
const NOISE = 0.1;
const TRIES = 4;
/** Alternated rounds of the SQLite → Postgres copy against psql \copy. */
const SQLITE_ROUNDS = positive('BYOS_BENCH_COPY_SQLITE_ROUNDS', 5);
/** `sqlite`: only the SQLite → Postgres rows (the Postgres → Postgres rounds take many minutes). */
const ONLY = process.env.BYOS_BENCH_COPY_ONLY;
/** Parallelism of both parallel tools: byos --jobs, pgcopydb --table-jobs and --index-jobs. */
const JOBS = positive('BYOS_BENCH_COPY_JOBS', 2);

interface PgTool {
  key: 'byos' | 'pgcopydb' | 'dump';
  label: string;
  run: (to: string, round: number) => Promise<ToolRun>;
}

interface PgOutcome {
  ms: number[];
  /** CPU seconds of the tool and both servers, per round. */
  cpu: number[];
  /** Runs done again because other work on the machine took CPU meanwhile, and runs kept although it did. */
  repeated: number;
  noisy: number;
  /** The last round's schema comparison (any round that differed is kept instead). */
  schema?: SchemaComparison;
  /** Rounds whose rows or sequence positions differed from the source's. */
  wrongData: number[];
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/**
 * Postgres → Postgres, PostgreSQL 15 on both sides (so pg_dump and pgcopydb match the servers), on the shop data set
 * (bench/copy-pg.ts): `byos copy --jobs 2` as the CLI process against `pgcopydb clone --table-jobs 2 --index-jobs 2`
 * and against `pg_dump | psql`, in alternated rounds, each into a fresh empty database; medians. Each copy's
 * `pg_dump --schema-only` is compared with the source's, its rows (md5 per table, in key order) and its sequence
 * positions too. SQLite → Postgres: `byos copy` against `psql \copy` of the same rows from CSV into a table created
 * beforehand (the limit).
 */
export default async function copyBench(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'byos-bench-copy-'));
  await chmod(dir, 0o755);
  const settings = { shared_buffers: '256MB', max_wal_size: '4GB' };
  const source = await startSystemPostgres(settings);
  const target = await startSystemPostgres(settings);
  try {
    const rows: BenchRow[] = [];
    async function postgresRows() {
      const pgcopydb = pgcopydbVersion();
      process.stderr.write(`  filling the source (${PG_ROWS} rows)…\n`);
      await fillShop(source, 'bench_src');
      const from = urlOf(source, 'bench_src');
      const [{ mb }] = await sqlOn<{ mb: string }>(from, `SELECT round(pg_database_size('bench_src') / 1e6) AS mb`);
      const counts = await shopCounts(from);
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      const [sourceDump, sourceSums, sourceSequences] = [await schemaDump(from), await shopChecksums(from), await sequencePositions(from)];
      await warmUp(source, target, 'bench_src');

      const bin = source.binDir;
      const tools: PgTool[] = [
        { key: 'byos', label: `byos copy --jobs ${JOBS}`, run: (to) => runByos(from, to, JOBS) },
        {
          key: 'pgcopydb',
          label: `pgcopydb clone --table-jobs ${JOBS} --index-jobs ${JOBS}`,
          run: (to, round) => runPgcopydb(from, to, JOBS, join(dir, `pgcopydb-${round}`), bin),
        },
        { key: 'dump', label: 'pg_dump | psql', run: (to) => runDumpRestore(from, to, bin) },
      ];
      const outcome = Object.fromEntries(tools.map((t) => [t.key, { ms: [], cpu: [], repeated: 0, noisy: 0, wrongData: [] } as PgOutcome])) as Record<
        PgTool['key'],
        PgOutcome
      >;
      for (let round = 1; round <= ROUNDS; round++) {
        for (const tool of tools) {
          const result = outcome[tool.key];
          const database = `copy_${round}_${tool.key}`;
          const to = urlOf(target, database);
          let measured: Measured;
          for (let attempt = 1; ; attempt++) {
            await freshRunDatabase({ source, target }, database);
            measured = await measure({ source, target }, () => tool.run(to, round));
            if (measured.cpu.other <= NOISE * (measured.run.ms / 1000) || attempt === TRIES) break;
            result.repeated++;
            process.stderr.write(
              `  round ${round}: ${tool.label} ${seconds(measured.run.ms)} s while other work used ${measured.cpu.other.toFixed(1)} CPU s: run again\n`,
            );
          }
          const { run, cpu } = measured;
          result.ms.push(run.ms);
          result.cpu.push(cpu.tool + cpu.source + cpu.target);
          if (cpu.other > NOISE * (run.ms / 1000)) result.noisy++;
          const schema = await compareSchemas(sourceDump, to);
          if (!result.schema || result.schema.identical) result.schema = schema;
          const sums = await shopChecksums(to);
          const sameRows = Object.entries(sourceSums).every(([t, sum]) => sums[t] === sum);
          const sameSequences = (await sequencePositions(to)) === sourceSequences;
          if (!sameRows || !sameSequences) result.wrongData.push(round);
          process.stderr.write(
            `  round ${round}: ${tool.label} ${seconds(run.ms)} s (CPU s: tool ${cpu.tool.toFixed(2)}, source ${cpu.source.toFixed(2)}, target ${cpu.target.toFixed(2)}, other work ${cpu.other.toFixed(2)}), ` +
              `${describeSchema(schema)}${sameRows ? '' : ', ROWS DIFFER'}${sameSequences ? '' : ', SEQUENCES DIFFER'}\n`,
          );
          if (!schema.identical) process.stderr.write(`${schema.diff}\n`);
          await admin(target, `DROP DATABASE ${database}`);
        }
      }
      if (outcome.byos.wrongData.length)
        throw new Error(`copy bench: byos copied rows or sequence positions that differ from the source's (rounds ${outcome.byos.wrongData.join(', ')})`);
      const med = (key: PgTool['key']) => median(outcome[key].ms);
      const list = (key: PgTool['key']) => outcome[key].ms.map(seconds).join('/');
      const cpu = (key: PgTool['key']) => `${median(outcome[key].cpu).toFixed(1)} CPU s`;
      const data = (key: PgTool['key']) =>
        outcome[key].wrongData.length ? `ROWS OR SEQUENCES DIFFER in rounds ${outcome[key].wrongData.join(', ')}` : 'rows and sequences equal';
      const repeats = tools.map((t) => outcome[t.key].repeated).reduce((a, b) => a + b, 0);
      const noisy = tools.map((t) => outcome[t.key].noisy).reduce((a, b) => a + b, 0);
      const rounds =
        `median of ${ROUNDS} alternated rounds (byos, pgcopydb, pg_dump | psql), each into a fresh database` +
        `${repeats ? `, ${repeats} run${repeats > 1 ? 's' : ''} repeated because other work took over ${NOISE * 100}% of a core meanwhile` : ''}${noisy ? ` (${noisy} kept after ${TRIES} tries)` : ''}`;
      const name = `Postgres → Postgres, ${(total / 1e6).toFixed(2)}M rows / ${mb} MB, 5 tables`;
      rows.push({
        name,
        byos: med('byos') / 1000,
        alternative: med('pgcopydb') / 1000,
        against: `pgcopydb ${JOBS}+${JOBS} jobs`,
        unit: 's',
        better: 'lower',
        note:
          `${rounds}; byos ${list('byos')} s as the CLI process (node cli/bin/byos.js copy --jobs ${JOBS}, start-up included), ${pgcopydb.replace(/ version /, ' ')} clone --table-jobs ${JOBS} --index-jobs ${JOBS} ${list('pgcopydb')} s; ` +
          `CPU of the tool and both servers: byos ${cpu('byos')}, pgcopydb ${cpu('pgcopydb')}; ` +
          `byos ${describeSchema(outcome.byos.schema!)}, ${data('byos')}; pgcopydb ${describeSchema(outcome.pgcopydb.schema!)}, ${data('pgcopydb')}; ` +
          `pgcopydb also runs VACUUM ANALYZE on every table (${JOBS} more processes beside its ${JOBS} COPY and ${JOBS} CREATE INDEX ones), loads with COPY FREEZE after a TRUNCATE in the same transaction, ` +
          'sets maintenance_work_mem 1GB and synchronous_commit off on the target, copies from one exported snapshot and resumes per table; ' +
          'byos commits a checkpoint row with every batch (resumes mid-table) and ANALYZEs each table once its indexes exist',
      });
      rows.push({
        name,
        byos: med('byos') / 1000,
        alternative: med('dump') / 1000,
        against: 'pg_dump | psql',
        unit: 's',
        better: 'lower',
        note: `${rounds}; pg_dump | psql (plain format, one stream) ${list('dump')} s, ${cpu('dump')}, ${describeSchema(outcome.dump.schema!)}, ${data('dump')}`,
      });
    }
    if (ONLY !== 'sqlite') await postgresRows();
    process.stderr.write(`  SQLite → Postgres: ${SQLITE_ROWS} rows, ${SQLITE_ROUNDS} alternated rounds…\n`);
    const files = await fillSqliteAndCsv(dir, SQLITE_ROWS);
    // The default batch (50,000 rows from SQLite) and the 10,000 a server source defaults to: what a checkpoint costs.
    const lite = await sqliteRounds(target, files, SQLITE_ROUNDS, [undefined, 10_000]);
    if (lite.rows !== SQLITE_ROWS) throw new Error(`copy bench: byos copied ${lite.rows} rows from SQLite, expected ${SQLITE_ROWS}`);
    const ms = (list: number[]) => list.map((m) => (m / 1000).toFixed(2)).join('/');
    for (const variant of lite.byos) {
      const batch = variant.batchSize === undefined ? 'default batches (50,000 rows)' : `${variant.batchSize.toLocaleString('en')}-row batches`;
      rows.push({
        name: `SQLite → Postgres copy, ${SQLITE_ROWS.toLocaleString('en')} rows, ${batch}`,
        byos: median(variant.ms) / 1000,
        alternative: median(lite.csvMs) / 1000,
        against: 'psql \\copy from CSV',
        unit: 's',
        better: 'lower',
        note:
          `median of ${SQLITE_ROUNDS} alternated rounds, each into a fresh database: byos ${ms(variant.ms)} s, psql ${ms(lite.csvMs)} s; ` +
          `CPU s per round (tool+server): byos ${cpuList(variant.cpu)}, psql ${cpuList(lite.csvCpu)}; ` +
          'the CSV load is the limit (the table exists, no reading, no type mapping, no checkpoints); byos plans (introspects both sides), reads SQLite, maps types, creates the table, ' +
          'and commits each batch with its checkpoint, streaming the next batch on a second connection meanwhile',
      });
    }
    return rows;
  } finally {
    await source.stop();
    await target.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
