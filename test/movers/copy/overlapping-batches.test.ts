import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type TenantDb } from '@byos/runtime';
import { copyDatabase } from '@byos/runtime/copy';
import { verifyDatabases } from '@byos/runtime/verify';
import { freshSqlitePath, freshTenantDb } from '../../helpers/databases.ts';

const opened: TenantDb[] = [];
afterAll(async () => {
  for (const t of opened) await t.close();
});

/** The rows and the checkpoint the target holds: the checkpoint must describe exactly the rows there. */
async function targetState(to: TenantDb) {
  const rows = await sql<{ n: string; top: string | null }>`select count(*)::text as n, max(id)::text as top from items`.execute(to.db);
  const checkpoint = await sql<{ last_key: string | null; rows_copied: string }>`select last_key, rows_copied::text from byos_copy_checkpoint`.execute(to.db);
  return {
    rows: Number(rows.rows[0]!.n),
    top: rows.rows[0]!.top,
    checkpointRows: Number(checkpoint.rows[0]!.rows_copied),
    checkpointKey: checkpoint.rows[0]!.last_key,
  };
}

/** A SQLite file with `items (id, v)` of `rows` rows, and an empty Postgres database to copy it into. */
async function itemsToPostgres(name: string, rows: number): Promise<{ from: TenantDb; to: TenantDb }> {
  const from = await connect(`sqlite:${await freshSqlitePath(name)}`);
  opened.push(from);
  await sql`create table items (id integer primary key, v text)`.execute(from.db);
  await sql`insert into items with recursive n(i) as (select 1 union all select i + 1 from n where i < ${rows}) select i, 'v' || i from n`.execute(from.db);
  const to = await freshTenantDb('postgres', `${name}_to`);
  opened.push(to);
  return { from, to };
}

describe('SQLite → Postgres batches streamed while the one before commits', () => {
  it('a batch the server refuses while the one before commits leaves a committed prefix that matches its checkpoint; resume completes', async () => {
    const from = await connect(`sqlite:${await freshSqlitePath('overlap')}`);
    opened.push(from);
    await sql`create table items (id integer primary key, v text not null, d date)`.execute(from.db);
    await sql`insert into items with recursive n(i) as (select 1 union all select i + 1 from n where i < 6000) select i, 'value ' || i, '2024-01-01' from n`.execute(
      from.db,
    );
    // A date SQLite keeps as text and Postgres refuses: the last row of the 6th batch of 500, refused by the server
    // while the 5th commits or just after.
    await sql`update items set d = '2024-02-30' where id = 3000`.execute(from.db);
    const to = await freshTenantDb('postgres', 'overlap_to');
    opened.push(to);

    const progress: number[] = [];
    const failure = await copyDatabase({ from, to, batchSize: 500, jobs: 1, onProgress: (p) => p.phase === 'load' && progress.push(p.rows!) }).then(
      () => null,
      (error: Error) => error,
    );
    expect(failure?.message).toMatch(/^copying the rows of items failed: .*date/);
    // Every committed batch was reported in order, and the target holds exactly those rows: batches 1–5, none of
    // the 7th (it rolled back behind the refused 6th), its checkpoint naming the last of them.
    expect(progress).toEqual([500, 1000, 1500, 2000, 2500]);
    const state = await targetState(to);
    expect(state).toMatchObject({ rows: 2500, top: '2500', checkpointRows: 2500 });
    expect(JSON.parse(state.checkpointKey!)).toEqual([{ bigint: '2500' }]);

    await sql`update items set d = '2024-02-29' where id = 3000`.execute(from.db);
    const report = await copyDatabase({ from, to, batchSize: 500, jobs: 1, resume: true });
    // 7 batches of 500, and an empty one that finds the end (the table ends on a batch boundary).
    expect(report.tables).toEqual([expect.objectContaining({ table: 'items', rows: 6000, resumedAt: 2500, batches: 8 })]);
    expect((await verifyDatabases({ from, to })).findings).toEqual([]);
  });

  it('rows of two batches that collide on a unique key fail the copy, never hang it', async () => {
    const from = await connect(`sqlite:${await freshSqlitePath('overlap_unique')}`);
    opened.push(from);
    await sql`create table items (id integer primary key, at datetime unique)`.execute(from.db);
    await sql`insert into items with recursive n(i) as (select 1 union all select i + 1 from n where i < 1500) select i, datetime('2020-01-01', '+' || i || ' minutes') from n`.execute(
      from.db,
    );
    // Distinct text in SQLite, one timestamp in Postgres: the last row of batch 1 and the first of batch 2.
    await sql`update items set at = '2030-01-01 00:00:00' where id = 500`.execute(from.db);
    await sql`update items set at = '2030-01-01T00:00:00' where id = 501`.execute(from.db);
    for (let attempt = 0; attempt < 3; attempt++) {
      const to = await freshTenantDb('postgres', 'overlap_unique_to');
      opened.push(to);
      const outcome = await Promise.race([
        copyDatabase({ from, to, batchSize: 500, jobs: 1 }).then(
          () => 'copied',
          (error: Error) => error.message,
        ),
        new Promise<string>((resolve) => setTimeout(() => resolve('still running after 10 s'), 10_000).unref()),
      ]);
      expect(outcome).toMatch(/duplicate key value violates unique constraint/);
    }
  }, 60_000);

  it('into existing tables a batch waits for the one before: a row whose parent is in the batch before is accepted', async () => {
    const from = await connect(`sqlite:${await freshSqlitePath('overlap_fk')}`);
    opened.push(from);
    await sql`create table items (id integer primary key, parent_id integer references items(id))`.execute(from.db);
    await sql`insert into items with recursive n(i) as (select 1 union all select i + 1 from n where i < 3000) select i, nullif(i - 1, 0) from n`.execute(
      from.db,
    );
    const to = await freshTenantDb('postgres', 'overlap_fk_to');
    opened.push(to);
    await sql`create table items (id bigint primary key, parent_id bigint references items(id))`.execute(to.db);
    const report = await copyDatabase({ from, to, batchSize: 500, jobs: 1, schema: 'existing' });
    expect(report.tables).toEqual([expect.objectContaining({ table: 'items', rows: 3000 })]);
    expect((await verifyDatabases({ from, to })).findings).toEqual([]);
  });

  it('a table ending exactly on a batch boundary commits every row once', async () => {
    const { from, to } = await itemsToPostgres('overlap_even', 4000);
    const report = await copyDatabase({ from, to, batchSize: 1000 });
    expect(report.tables).toEqual([expect.objectContaining({ table: 'items', rows: 4000 })]);
    expect((await verifyDatabases({ from, to })).findings).toEqual([]);
  });

  it('batches default to 50,000 rows from SQLite (read in short pages) and 10,000 from a server (read as one page)', async () => {
    const { from, to } = await itemsToPostgres('default_batch', 50001);
    const forth = await copyDatabase({ from, to });
    expect(forth.tables).toEqual([expect.objectContaining({ table: 'items', rows: 50001, batches: 2 })]);
    const back = await connect(`sqlite:${await freshSqlitePath('default_batch_back')}`);
    opened.push(back);
    const report = await copyDatabase({ from: to, to: back });
    expect(report.tables).toEqual([expect.objectContaining({ table: 'items', rows: 50001, batches: 6 })]);
  });
});
