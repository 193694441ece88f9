import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DIALECTS, freshTenantDb } from '../../helpers/databases.ts';

describe.each(DIALECTS)('Dialect.sampling on %s', (dialect) => {
  it('small tables in random order; large tables through block sampling or a rowid window; distinct rows, at most the limit', async () => {
    const tenant = await freshTenantDb(dialect, 'sampling');
    await tenant.db.schema
      .createTable('t')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('v', 'text')
      .execute();
    const rows = Array.from({ length: 3000 }, (_, i) => ({ id: i + 1, v: `value ${i + 1}` }));
    for (let i = 0; i < rows.length; i += 500)
      await tenant.db
        .insertInto('t')
        .values(rows.slice(i, i + 500))
        .execute();
    await sql`analyze`.execute(tenant.db);
    const { sampling, defaultSchema } = tenant.dialect;
    const target = { schema: defaultSchema, name: 't' };

    const small = await sampling.sampleRows(tenant.db, target, ['id', 'v'], 20);
    expect(small).toHaveLength(20);
    expect(new Set(small.map((r) => r.id)).size).toBe(20);
    expect(small.every((r) => r.v === `value ${r.id}`)).toBe(true);
    // Random order: 20 of 3000 rows are not the first 20 (a chance of 1 in C(3000,20)).
    expect(small.map((r) => Number(r.id)).sort((a, b) => a - b)).not.toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

    const large = await sampling.sampleRows(tenant.db, target, ['id'], 200, { smallTableRows: 100 });
    expect(large).toHaveLength(200);
    expect(new Set(large.map((r) => r.id)).size).toBe(200);
    expect(Object.keys(large[0]!)).toEqual(['id']);

    const all = await sampling.sampleRows(tenant.db, target, ['id'], 5000, { smallTableRows: 100 });
    expect(new Set(all.map((r) => r.id)).size).toBe(3000);
  });

  it('quotes hostile table and column names', async () => {
    const tenant = await freshTenantDb(dialect, 'sampling_names');
    await sql`create table ${sql.id('we"ird')} (${sql.id('co"l; drop')} text)`.execute(tenant.db);
    await sql`insert into ${sql.id('we"ird')} values ('a@example.com')`.execute(tenant.db);
    const { sampling, defaultSchema } = tenant.dialect;
    expect(await sampling.sampleRows(tenant.db, { schema: defaultSchema, name: 'we"ird' }, ['co"l; drop'], 5)).toEqual([{ 'co"l; drop': 'a@example.com' }]);
  });
});
