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

describe('SQLite → Postgres batches streamed while the one before commits', () => {
  it('a batch the server refuses after its rows were sent leaves a committed prefix that matches its checkpoint; resume completes', async () => {
    const from = await connect(`sqlite:${await freshSqlitePath('overlap')}`);
    opened.push(from);
    await sql`create table items (id integer primary key, v text not null)`.execute(from.db);
    await sql`insert into items with recursive n(i) as (select 1 union all select i + 1 from n where i < 6000) select i, 'value ' || i from n`.execute(from.db);
    // The last row of the 6th batch of 500: the server refuses it once the whole batch has been read and sent,
    // while the 7th batch streams on a second connection.
    await sql`update items set v = 'refused' where id = 3000`.execute(from.db);
    const to = await freshTenantDb('postgres', 'overlap_to');
    opened.push(to);
    await sql`create table items (id bigint primary key, v text not null check (v <> 'refused'))`.execute(to.db);

    const progress: number[] = [];
    const failure = await copyDatabase({
      from,
      to,
      batchSize: 500,
      jobs: 1,
      schema: 'existing',
      onProgress: (p) => p.phase === 'load' && progress.push(p.rows!),
    }).then(
      () => null,
      (error: Error) => error,
    );
    expect(failure?.message).toMatch(/^copying the rows of items failed: .*check constraint/);
    // Every committed batch was reported in order, and the target holds exactly those rows: batches 1–5, none of
    // the 7th (it rolled back behind the refused 6th), its checkpoint naming the last of them.
    expect(progress).toEqual([500, 1000, 1500, 2000, 2500]);
    const state = await targetState(to);
    expect(state).toMatchObject({ rows: 2500, top: '2500', checkpointRows: 2500 });
    expect(JSON.parse(state.checkpointKey!)).toEqual([{ bigint: '2500' }]);

    await sql`update items set v = 'value 3000' where id = 3000`.execute(from.db);
    const report = await copyDatabase({ from, to, batchSize: 500, jobs: 1, schema: 'existing', resume: true });
    // 7 batches of 500, and an empty one that finds the end (the table ends on a batch boundary).
    expect(report.tables).toEqual([expect.objectContaining({ table: 'items', rows: 6000, resumedAt: 2500, batches: 8 })]);
    expect((await verifyDatabases({ from, to })).findings).toEqual([]);
  });

  it('a table ending exactly on a batch boundary commits every row once', async () => {
    const from = await connect(`sqlite:${await freshSqlitePath('overlap_even')}`);
    opened.push(from);
    await sql`create table items (id integer primary key, v text)`.execute(from.db);
    await sql`insert into items with recursive n(i) as (select 1 union all select i + 1 from n where i < 4000) select i, 'v' || i from n`.execute(from.db);
    const to = await freshTenantDb('postgres', 'overlap_even_to');
    opened.push(to);
    const report = await copyDatabase({ from, to, batchSize: 1000 });
    expect(report.tables).toEqual([expect.objectContaining({ table: 'items', rows: 4000 })]);
    expect((await verifyDatabases({ from, to })).findings).toEqual([]);
  });

  it('batches default to 50,000 rows from SQLite (read in short pages) and 10,000 from a server (read as one page)', async () => {
    const from = await connect(`sqlite:${await freshSqlitePath('default_batch')}`);
    opened.push(from);
    await sql`create table items (id integer primary key, v text)`.execute(from.db);
    await sql`insert into items with recursive n(i) as (select 1 union all select i + 1 from n where i < 50001) select i, 'v' || i from n`.execute(from.db);
    const to = await freshTenantDb('postgres', 'default_batch_to');
    opened.push(to);
    const forth = await copyDatabase({ from, to });
    expect(forth.tables).toEqual([expect.objectContaining({ table: 'items', rows: 50001, batches: 2 })]);
    const back = await connect(`sqlite:${await freshSqlitePath('default_batch_back')}`);
    opened.push(back);
    const report = await copyDatabase({ from: to, to: back });
    expect(report.tables).toEqual([expect.objectContaining({ table: 'items', rows: 50001, batches: 6 })]);
  });
});
