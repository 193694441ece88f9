import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import { connect, type TenantDb } from '@byos/runtime';
import { createFieldEncryption, createLocalKeyFile } from '@byos/runtime/guard/crypto';
import { startLocalPostgres } from '@byos/runtime/local-postgres';
import { type BenchRow, median } from './run.ts';

const ROWS = 5000;
const BATCH = 500;
const ROUNDS = 3;

function dataset() {
  return Array.from({ length: ROWS }, (_, i) => ({
    id: randomUUID(),
    name: `Customer ${i}`,
    email: `customer${i}@example.com`,
    ssn: `${String(100 + (i % 800)).padStart(3, '0')}-${String(i % 100).padStart(2, '0')}-${String(i % 10000).padStart(4, '0')}`,
    note: `account opened in branch ${i % 37}, tier ${i % 5}`,
  }));
}

async function createTable(db: Kysely<any>, table: string): Promise<void> {
  await db.schema
    .createTable(table)
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(100)')
    .addColumn('email', 'varchar(400)')
    .addColumn('email_bidx', 'varchar(64)')
    .addColumn('ssn', 'varchar(400)')
    .addColumn('note', 'varchar(400)')
    .execute();
}

/** Rows/s for inserting the data set in batches, then for reading it all back, median of ROUNDS fresh tables. */
async function measure(db: Kysely<any>, table: string, rows: ReturnType<typeof dataset>, round: number) {
  const name = `${table}_${round}`;
  await createTable(db.withoutPlugins(), name);
  let start = performance.now();
  for (let i = 0; i < rows.length; i += BATCH)
    await db
      .insertInto(name)
      .values(rows.slice(i, i + BATCH))
      .execute();
  const insert = rows.length / ((performance.now() - start) / 1000);
  start = performance.now();
  const read = await db.selectFrom(name).select(['id', 'name', 'email', 'ssn', 'note']).execute();
  const select = read.length / ((performance.now() - start) / 1000);
  if (read.length !== rows.length || read.find((r) => r.id === rows[7]!.id)?.email !== rows[7]!.email) throw new Error(`${name}: read back the wrong rows`);
  return { insert, select };
}

/**
 * Field encryption's cost: the same rows inserted and selected through Kysely with the encryption plugin (email with
 * a blind index, and ssn encrypted) and without it, on the same database in the same run.
 */
export default async function cryptoBench(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'byos-bench-crypto-'));
  await chmod(dir, 0o755);
  const server = await startLocalPostgres({ dataDir: join(dir, 'pg'), password: 'bench', ephemeral: true });
  const keyFile = join(dir, 'kek.key');
  await createLocalKeyFile(keyFile);
  const tenants: [string, TenantDb][] = [];
  try {
    tenants.push([
      'postgres',
      await connect({
        provider: 'local-postgres',
        dialect: 'postgres',
        host: server.host,
        port: server.port,
        user: server.user,
        password: 'bench',
        database: 'postgres',
        tls: { mode: 'disable' },
      }),
    ]);
    tenants.push(['sqlite', await connect(`sqlite:${join(dir, 'bench.sqlite')}`)]);
    const rows = dataset();
    const out: BenchRow[] = [];
    for (const [label, tenant] of tenants) {
      const tables = Array.from({ length: ROUNDS }, (_, r) => ({
        table: `enc_${r}`,
        primaryKey: ['id'],
        columns: [{ name: 'email', blindIndex: { normalize: 'email' as const } }, 'ssn'],
      }));
      const fe = await createFieldEncryption(tenant.db, { config: { tenant: 'bench', keyProvider: { type: 'local-file', path: keyFile }, tables } });
      const plain = { insert: [] as number[], select: [] as number[] };
      const encrypted = { insert: [] as number[], select: [] as number[] };
      // Alternate the two so neither gets the warmer cache throughout.
      for (let r = 0; r < ROUNDS; r++) {
        const p = await measure(tenant.db, 'plain', rows, r);
        const e = await measure(fe.db, 'enc', rows, r);
        plain.insert.push(p.insert);
        plain.select.push(p.select);
        encrypted.insert.push(e.insert);
        encrypted.select.push(e.select);
      }
      const note = `${ROWS} rows, 2 encrypted columns + 1 blind index, median of ${ROUNDS}`;
      out.push({
        name: `insert with field encryption (${label})`,
        byos: median(encrypted.insert),
        alternative: median(plain.insert),
        against: 'same insert, no encryption',
        unit: 'rows/s',
        better: 'higher',
        note,
      });
      out.push({
        name: `select with field decryption (${label})`,
        byos: median(encrypted.select),
        alternative: median(plain.select),
        against: 'same select, no encryption',
        unit: 'rows/s',
        better: 'higher',
        note,
      });
    }
    return out;
  } finally {
    for (const [, tenant] of tenants) await tenant.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
