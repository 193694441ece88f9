import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { TenantDb } from '@byos/runtime';
import { CHANGE_TABLE, captureLag, replayChanges, startCapture, stopCapture } from '@byos/runtime/capture';
import { DIALECTS, freshTenantDb } from '../helpers/databases.ts';

async function schema(t: TenantDb): Promise<void> {
  const blob = t.dialect.name === 'postgres' ? sql`bytea` : sql`blob`;
  await sql`create table parent (id integer primary key, name text not null)`.execute(t.db);
  await sql`create table child (id integer primary key, parent_id integer not null references parent (id) on delete cascade, note text, amount numeric(12, 2), payload ${blob})`.execute(
    t.db,
  );
  await sql`create table pair (a integer not null, b text not null, v integer, primary key (a, b))`.execute(t.db);
}

async function dump(t: TenantDb) {
  const parent = await t.db.selectFrom('parent').selectAll().orderBy('id').execute();
  const child = (await t.db.selectFrom('child').selectAll().orderBy('id').execute()).map((r) => ({
    ...r,
    amount: r.amount === null ? null : Number(r.amount).toFixed(2),
    payload: r.payload === null ? null : Buffer.from(r.payload).toString('hex'),
  }));
  const pair = await t.db.selectFrom('pair').selectAll().orderBy('a').orderBy('b').execute();
  return { parent, child, pair };
}

async function writeSomeChanges(t: TenantDb, round: number): Promise<void> {
  const base = round * 100;
  await t.db
    .insertInto('parent')
    .values([
      { id: base + 1, name: `p${base + 1}` },
      { id: base + 2, name: `p${base + 2}` },
    ])
    .execute();
  await t.db
    .insertInto('child')
    .values([
      { id: base + 1, parent_id: base + 1, note: 'a', amount: '12.50', payload: Buffer.from([0, 1, 2, 255]) },
      { id: base + 2, parent_id: base + 2, note: "it's", amount: null, payload: null },
      { id: base + 3, parent_id: base + 2, note: null, amount: '-3.00', payload: Buffer.alloc(0) },
    ])
    .execute();
  await t.db
    .updateTable('child')
    .set({ note: 'updated' })
    .where('id', '=', base + 1)
    .execute();
  // A key change is captured as the old key's delete and the new key's upsert.
  await t.db
    .updateTable('child')
    .set({ id: base + 50 })
    .where('id', '=', base + 3)
    .execute();
  await t.db
    .deleteFrom('parent')
    .where('id', '=', base + 2)
    .execute(); // cascades to its children
  await t.db
    .insertInto('pair')
    .values([
      { a: round, b: 'x', v: 1 },
      { a: round, b: 'y', v: 2 },
    ])
    .execute();
  await t.db.updateTable('pair').set({ v: 20 }).where('a', '=', round).where('b', '=', 'y').execute();
  await t.db.deleteFrom('pair').where('a', '=', round).where('b', '=', 'x').execute();
}

for (const sourceDialect of DIALECTS) {
  for (const targetDialect of DIALECTS) {
    describe(`change capture ${sourceDialect} → ${targetDialect}`, () => {
      it('replays inserts, updates, key changes, cascaded and plain deletes so the target equals the source', async () => {
        const source = await freshTenantDb(sourceDialect, 'cap_src');
        const target = await freshTenantDb(targetDialect, 'cap_dst');
        await schema(source);
        await schema(target);
        await source.db.insertInto('parent').values({ id: 9000, name: 'before capture' }).execute();
        await target.db.insertInto('parent').values({ id: 9000, name: 'before capture' }).execute();
        const tables = await startCapture(source);
        expect(tables.map((t) => t.name).sort()).toEqual(['child', 'pair', 'parent']);
        await writeSomeChanges(source, 1);
        const lag = await captureLag(source);
        expect(lag).toBeGreaterThan(10);
        const result = await replayChanges({ from: source, to: target, tables, batchSize: 4 });
        expect(result.changes).toBe(lag);
        expect(result.lag).toBe(0);
        expect(result.batches).toBeGreaterThan(1);
        expect(await dump(target)).toEqual(await dump(source));
        // 150 (moved from 103) belonged to parent 102, whose delete cascaded.
        expect((await dump(target)).child.map((c) => (c as unknown as { id: unknown }).id)).toEqual([101]);
      });

      it('replaying the same changes again (a crash before they were acknowledged) leaves the same state', async () => {
        const source = await freshTenantDb(sourceDialect, 'cap_src');
        const target = await freshTenantDb(targetDialect, 'cap_dst');
        await schema(source);
        await schema(target);
        const tables = await startCapture(source);
        await writeSomeChanges(source, 2);
        const captured = await source.db.selectFrom(CHANGE_TABLE).select(['table_name', 'op', 'pk']).orderBy('seq').execute();
        await replayChanges({ from: source, to: target, tables });
        const once = await dump(target);
        // Put the very same changes back, as if the acknowledgement had never happened, and replay again.
        for (const c of captured) await source.db.insertInto(CHANGE_TABLE).values(c).execute();
        expect(await captureLag(source)).toBe(captured.length);
        await replayChanges({ from: source, to: target, tables });
        expect(await dump(target)).toEqual(once);
        expect(once).toEqual(await dump(source));
      });
    });
  }

  describe(`change capture on ${sourceDialect}`, () => {
    it('refuses a table without a primary key, naming it', async () => {
      const source = await freshTenantDb(sourceDialect, 'cap_nopk');
      await sql`create table keyed (id integer primary key)`.execute(source.db);
      await sql`create table event_log (at text, message text)`.execute(source.db);
      await expect(startCapture(source)).rejects.toThrow(/event_log has no primary key: an online switch/);
      expect(await source.db.selectFrom('keyed').selectAll().execute()).toEqual([]);
      // Only the keyed table: allowed.
      expect((await startCapture(source, ['keyed'])).map((t) => t.name)).toEqual(['keyed']);
    });

    it('stopCapture removes the triggers and the change table; writes are no longer captured', async () => {
      const source = await freshTenantDb(sourceDialect, 'cap_stop');
      await schema(source);
      await startCapture(source);
      await source.db.insertInto('parent').values({ id: 1, name: 'x' }).execute();
      expect(await captureLag(source)).toBe(1);
      await stopCapture(source);
      await source.db.insertInto('parent').values({ id: 2, name: 'y' }).execute();
      expect(await captureLag(source)).toBe(0);
      const leftover = await source.db.introspection.getTables();
      expect(leftover.map((t) => t.name)).not.toContain(CHANGE_TABLE);
    });
  });
}

describe('change capture on postgres', () => {
  it('refuses TRUNCATE while capture is on (row triggers cannot see it)', async () => {
    const source = await freshTenantDb('postgres', 'cap_trunc');
    await schema(source);
    await startCapture(source);
    await expect(sql`truncate pair`.execute(source.db)).rejects.toThrow(/TRUNCATE of pair is refused while byos change capture is on/);
  });
});
