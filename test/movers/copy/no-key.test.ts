import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '@byos/runtime';
import { copyDatabase } from '@byos/runtime/copy';
import { verifyDatabases } from '@byos/runtime/verify';
import { freshSqlitePath, freshTenantDb } from '../../helpers/databases.ts';

describe('a table without a primary key', () => {
  it('is copied in one pass, reported, and verified as a whole', async () => {
    const from = await connect(`sqlite:${await freshSqlitePath('nokey')}`);
    afterAll(() => from.close());
    await sql`create table log (at text, level text, message text)`.execute(from.db);
    await sql`insert into log with recursive n(i) as (select 1 union all select i + 1 from n where i < 1234)
      select datetime('2024-01-01', '+' || i || ' minutes'), case when i % 3 = 0 then 'warn' else 'info' end, 'line ' || i from n`.execute(from.db);
    await sql`insert into log values (null, null, 'dup'), (null, null, 'dup')`.execute(from.db);
    const to = await freshTenantDb('postgres', 'nokey_to');
    const report = await copyDatabase({ from, to, batchSize: 100 });
    expect(report.tables).toEqual([expect.objectContaining({ table: 'log', rows: 1236, method: 'one-pass', batches: 1 })]);
    expect(report.findings).toContainEqual(expect.objectContaining({ rule: 'copy-no-primary-key', subject: 'log' }));
    expect((await verifyDatabases({ from, to })).findings).toEqual([]);

    // One duplicate row gone: counts and the whole-table checksum say so.
    await sql`delete from log where ctid = (select ctid from log where message = 'dup' limit 1)`.execute(to.db);
    const result = await verifyDatabases({ from, to });
    expect(result.findings.map((f) => f.rule).sort()).toEqual(['verify-mismatch', 'verify-row-count']);
    expect(result.findings.find((f) => f.rule === 'verify-mismatch')!.message).toMatch(/^whole table differs .*1236 source rows, 1235 target rows/);
  });
});
