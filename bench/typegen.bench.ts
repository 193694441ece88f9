import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { startLocalPostgres } from '@byos/runtime/local-postgres';
import { type BenchRow, median } from './run.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TABLES = 500;
const RUNS = 3;

/**
 * kysely-codegen is the tool to beat. Its peer range excludes better-sqlite3 13, so it is installed on first use
 * into .tools/kysely-codegen (from the npm registry), outside the project's dependency tree.
 */
async function kyselyCodegenBin(): Promise<string> {
  const prefix = join(ROOT, '.tools', 'kysely-codegen');
  const bin = join(prefix, 'node_modules', 'kysely-codegen', 'dist', 'cli', 'bin.js');
  if (!existsSync(bin)) {
    await mkdir(prefix, { recursive: true });
    process.stderr.write('installing kysely-codegen into .tools/kysely-codegen…\n');
    await run('npm', ['install', '--prefix', prefix, '--no-save', '--legacy-peer-deps', '--no-audit', '--no-fund', 'kysely-codegen@0.20', 'kysely', 'pg']);
  }
  return bin;
}

/** 500 tables of mixed types, each with a foreign key to the one before, an index, an enum and a check here and there. */
function schemaSql(): string {
  const parts = [`create type status as enum ('new', 'active', 'closed');`];
  for (let i = 0; i < TABLES; i++) {
    parts.push(`create table t${i} (
      id bigint generated always as identity primary key, name varchar(80) not null, amount numeric(12,2) check (amount >= 0),
      qty integer not null default 0, flags boolean, created timestamptz not null default now(), tags text[], meta jsonb,
      state status not null default 'new', code uuid${i ? `, parent_id bigint references t${i - 1} (id)` : ''});
      create index t${i}_name on t${i} (name);
      comment on table t${i} is 'table number ${i}';`);
  }
  return parts.join('\n');
}

async function timeCommand(args: string[]): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run(process.execPath, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/** Introspection plus generation of a 500-table schema: `byos types --kysely` against `kysely-codegen`, same database. */
export default async function typegenBench(): Promise<BenchRow[]> {
  const codegen = await kyselyCodegenBin();
  const dir = await mkdtemp(join(tmpdir(), 'byos-bench-typegen-'));
  await chmod(dir, 0o755);
  const server = await startLocalPostgres({ dataDir: join(dir, 'pg'), password: 'bench', ephemeral: true });
  try {
    const url = `postgres://${server.user}:bench@${server.host}:${server.port}/postgres`;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(schemaSql());
    await client.end();
    const byosOut = join(dir, 'byos.ts');
    const codegenOut = join(dir, 'codegen.ts');
    const byos = await timeCommand(['--conditions=@byos/source', join(ROOT, 'cli/bin/byos.js'), 'types', '--url', url, '--out', byosOut, '--kysely']);
    const alternative = await timeCommand([codegen, '--dialect', 'postgres', '--url', url, '--out-file', codegenOut]);
    const [ours, theirs] = await Promise.all([readFile(byosOut, 'utf8'), readFile(codegenOut, 'utf8')]);
    return [
      {
        name: `${TABLES}-table Postgres: introspect + generate (CLI, median of ${RUNS})`,
        byos,
        alternative,
        against: 'kysely-codegen',
        unit: 'ms',
        better: 'lower',
        note: `byos also emits Row/Insert/Update and relationships: ${Math.round(ours.length / 1024)} KiB vs ${Math.round(theirs.length / 1024)} KiB`,
      },
    ];
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
