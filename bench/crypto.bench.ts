import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import { connect, type TenantDb } from '@byos/runtime';
import { createFieldEncryption, createLocalKeyFile } from '@byos/runtime/guard/crypto';
import { startLocalPostgres } from '@byos/runtime/local-postgres';
import { type BenchRow, median } from './run.ts';

const ROWS = 10_000;
const BATCH = 500;
const ROUNDS = 5;
/**
 * Reads of each table per round, the median kept: one read of 10,000 rows lasts 5–100 ms, and a single one measured
 * a garbage collection or a cold path as often as the read (SQLite encrypted: 8.9 and 12.6 µs/row in two runs).
 */
const READS = 5;

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

/** Rows/s for inserting the data set in batches into a fresh table, then for reading it all back (median of READS reads). */
async function measure(db: Kysely<any>, table: string, rows: readonly Record<string, unknown>[], round: number) {
  const name = `${table}_${round}`;
  await createTable(db.withoutPlugins(), name);
  let start = performance.now();
  for (let i = 0; i < rows.length; i += BATCH)
    await db
      .insertInto(name)
      .values(rows.slice(i, i + BATCH))
      .execute();
  const insert = rows.length / ((performance.now() - start) / 1000);
  const reads: number[] = [];
  for (let r = 0; r < READS; r++) {
    start = performance.now();
    const read = await db.selectFrom(name).select(['id', 'name', 'email', 'ssn', 'note']).execute();
    reads.push(read.length / ((performance.now() - start) / 1000));
    if (read.length !== rows.length || read.find((r) => r.id === rows[7]!.id)?.email !== rows[7]!.email) throw new Error(`${name}: read back the wrong rows`);
  }
  return { insert, select: median(reads) };
}

/**
 * The floor: µs per row for what node:crypto must do whatever the plugin around it does — two bare AES-256-GCM calls
 * (createCipheriv/createDecipheriv, setAAD, update, final, tag) on values like the bench's, plus one HMAC-SHA256 for
 * the blind index on insert. Measured in each round, between the inserts and selects it is compared with.
 */
function cryptoFloor(rows: ReturnType<typeof dataset>): () => { decrypt: number; encrypt: number } {
  const key = createSecretKey(randomBytes(32));
  const hmacKey = createSecretKey(randomBytes(32));
  const nonce = randomBytes(12);
  const ad = randomBytes(80);
  const plains = rows.map((r) => [Buffer.from(`s${r.email}`), Buffer.from(`s${r.ssn}`)] as const);
  const sealed = plains.map((pair) =>
    pair.map((p) => {
      const c = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
      c.setAAD(ad);
      return [Buffer.concat([c.update(p), c.final()]), c.getAuthTag()] as const;
    }),
  );
  const time = (f: (i: number) => void) => {
    const start = performance.now();
    for (let i = 0; i < rows.length; i++) f(i);
    return ((performance.now() - start) * 1000) / rows.length;
  };
  return () => {
    const decrypt = time((i) => {
      for (const [body, tag] of sealed[i]!) {
        const c = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
        c.setAAD(ad);
        c.setAuthTag(tag);
        c.update(body);
        c.final();
      }
    });
    const encrypt = time((i) => {
      for (const p of plains[i]!) {
        const c = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
        c.setAAD(ad);
        c.update(p);
        c.final();
        c.getAuthTag();
      }
      createHmac('sha256', hmacKey).update(rows[i]!.email).digest('hex');
    });
    return { decrypt, encrypt };
  };
}

/**
 * Field encryption's cost: the same rows inserted and selected through Kysely with the encryption plugin (email with
 * a blind index, and ssn encrypted) and without it, on the same database in the same run. Each row's note gives the
 * floor: the ratio if the plugin cost nothing beyond the bare node:crypto calls (see cryptoFloor) and the database's
 * cost of storing and reading the ciphertext rows (measured by writing and reading them without the plugin).
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
      'Postgres',
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
    tenants.push(['SQLite', await connect(`sqlite:${join(dir, 'bench.sqlite')}`)]);
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
      const floor = { insert: [] as number[], select: [] as number[] };
      const stored = { insert: [] as number[], select: [] as number[] };
      const bare = cryptoFloor(rows);
      // The same rows already encrypted, written and read without the plugin: what the database pays for the larger
      // values and the blind-index column, apart from any crypto.
      const sealed = rows.map((row) => ({
        ...row,
        email: fe.encryptField('enc_0', 'email', [row.id], row.email),
        email_bidx: fe.blindIndex('enc_0', 'email', row.email),
        ssn: fe.encryptField('enc_0', 'ssn', [row.id], row.ssn),
      }));
      bare(); // warm-up
      // Alternate the two so neither gets the warmer cache throughout.
      for (let r = 0; r < ROUNDS; r++) {
        const p = await measure(tenant.db, 'plain', rows, r);
        const e = await measure(fe.db, 'enc', rows, r);
        const c = await measure(tenant.db, 'sealed', sealed, r);
        stored.insert.push(c.insert);
        stored.select.push(c.select);
        plain.insert.push(p.insert);
        plain.select.push(p.select);
        encrypted.insert.push(e.insert);
        encrypted.select.push(e.select);
        const f = bare();
        floor.select.push(f.decrypt);
        floor.insert.push(f.encrypt);
      }
      const note = (op: 'select' | 'insert', plainRate: number) => {
        const plainUs = 1e6 / plainRate;
        const storedUs = 1e6 / median(stored[op]);
        const crypto = median(floor[op]);
        const what = op === 'select' ? '2 bare AES-GCM decrypts' : '2 bare AES-GCM encrypts + 1 HMAC';
        return (
          `${ROWS} rows, 2 encrypted columns + 1 blind index, median of ${ROUNDS} rounds (selects: each the median of ${READS} reads); floor ${((storedUs + crypto) / plainUs).toFixed(2)}×: ` +
          `${what} ${crypto.toFixed(2)} µs/row + the ciphertext rows without the plugin ${storedUs.toFixed(2)} µs/row, vs ${plainUs.toFixed(2)} µs/row unencrypted`
        );
      };
      for (const op of ['select', 'insert'] as const) {
        out.push({
          name: `${label} ${op}, 2 encrypted fields + blind index`,
          byos: median(encrypted[op]),
          alternative: median(plain[op]),
          against: `same ${op}, unencrypted`,
          unit: 'rows/s',
          better: 'higher',
          note: note(op, median(plain[op])),
        });
      }
    }
    return out;
  } finally {
    for (const [, tenant] of tenants) await tenant.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
