import { sql } from 'kysely';
import { connect, type ConnectionProfileInput, type TenantDb } from '@byos/runtime';
import type { TenantRouter } from '@byos/runtime/router';

export const SEED_ACCOUNTS = 40;
export const SEED_ENTRIES = 300;

/** The tenant's schema and seed rows: accounts, and ledger entries referencing them. */
export async function seedTenant(profile: ConnectionProfileInput, entryCount = SEED_ENTRIES): Promise<void> {
  const t = await connect(profile);
  try {
    await sql`create table account (id integer primary key, owner text not null, balance integer not null)`.execute(t.db);
    await sql`create table entry (id integer primary key, account_id integer not null references account (id), amount integer not null, note text)`.execute(
      t.db,
    );
    for (let i = 1; i <= SEED_ACCOUNTS; i++)
      await t.db
        .insertInto('account')
        .values({ id: i, owner: `owner ${i}`, balance: 1000 })
        .execute();
    const entries = Array.from({ length: entryCount }, (_, i) => ({
      id: i + 1,
      account_id: (i % SEED_ACCOUNTS) + 1,
      amount: i,
      note: i % 3 ? `seed ${i}` : null,
    }));
    for (let i = 0; i < entries.length; i += 500)
      await t.db
        .insertInto('entry')
        .values(entries.slice(i, i + 500))
        .execute();
  } finally {
    await t.close();
  }
}

export interface Model {
  account: Map<number, { owner: string; balance: number }>;
  entry: Map<number, { account_id: number; amount: number; note: string | null }>;
}

export function seedModel(entryCount = SEED_ENTRIES): Model {
  const model: Model = { account: new Map(), entry: new Map() };
  for (let i = 1; i <= SEED_ACCOUNTS; i++) model.account.set(i, { owner: `owner ${i}`, balance: 1000 });
  for (let i = 0; i < entryCount; i++) model.entry.set(i + 1, { account_id: (i % SEED_ACCOUNTS) + 1, amount: i, note: i % 3 ? `seed ${i}` : null });
  return model;
}

/**
 * Writers through the router: each owns the keys ≡ its number (mod writers), so the expected state is known
 * exactly. Inserts, relative updates (a replayed-twice or lost update shows in the balance) and deletes, some as
 * single statements, some as transactions. Returns a stop function resolving to the number of writes.
 */
export function startWriters(
  router: TenantRouter,
  tenant: string,
  model: Model,
  writers = 2,
): { stop: () => Promise<{ writes: number; slowestMs: number }>; writes: () => number } {
  let running = true;
  let writes = 0;
  let slowest = 0;
  const loops = Array.from({ length: writers }, async (_, w) => {
    let counter = 0;
    const nextId = () => 1_000_000 + counter++ * writers + w; // ≡ w (mod writers): this writer's own keys
    let step = 0;
    while (running) {
      const started = performance.now();
      step++;
      const acme = await router.get(tenant);
      const accountId = ((step * writers + w) % SEED_ACCOUNTS) + 1;
      const owned = [...model.entry.keys()].filter((id) => id % writers === w);
      if (step % 4 === 0 && owned.length) {
        const victim = owned[step % owned.length]!;
        await acme.db.deleteFrom('entry').where('id', '=', victim).execute();
        model.entry.delete(victim);
      } else if (step % 4 === 1) {
        const id = nextId();
        await router.transaction(tenant, async (trx) => {
          await trx
            .insertInto('entry')
            .values({ id, account_id: accountId, amount: step, note: `w${w} ${step}` })
            .execute();
          await trx
            .updateTable('account')
            .set((eb) => ({ balance: eb('balance', '+', step) }))
            .where('id', '=', accountId)
            .execute();
        });
        model.entry.set(id, { account_id: accountId, amount: step, note: `w${w} ${step}` });
        const a = model.account.get(accountId)!;
        a.balance += step;
      } else if (step % 4 === 2) {
        const id = nextId();
        await acme.db.insertInto('entry').values({ id, account_id: accountId, amount: -step, note: null }).execute();
        model.entry.set(id, { account_id: accountId, amount: -step, note: null });
      } else if (owned.length) {
        const id = owned[(step * 7) % owned.length]!;
        await acme.db
          .updateTable('entry')
          .set((eb) => ({ amount: eb('amount', '+', 1), note: `touched ${step}` }))
          .where('id', '=', id)
          .execute();
        const e = model.entry.get(id)!;
        e.amount += 1;
        e.note = `touched ${step}`;
      }
      writes++;
      slowest = Math.max(slowest, performance.now() - started);
      await new Promise((r) => setTimeout(r, 4));
    }
  });
  return {
    writes: () => writes,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return { writes, slowestMs: slowest };
    },
  };
}

/** The tenant's rows as a Model, numbers normalised (Postgres may return bigint as text). */
export async function dumpTenant(t: Pick<TenantDb, 'db'>): Promise<Model> {
  const model: Model = { account: new Map(), entry: new Map() };
  for (const r of await t.db.selectFrom('account').selectAll().orderBy('id').execute())
    model.account.set(Number(r.id), { owner: r.owner, balance: Number(r.balance) });
  for (const r of await t.db.selectFrom('entry').selectAll().orderBy('id').execute())
    model.entry.set(Number(r.id), { account_id: Number(r.account_id), amount: Number(r.amount), note: r.note });
  return model;
}

export function sorted(model: Model) {
  return {
    account: [...model.account.entries()].sort((a, b) => a[0] - b[0]),
    entry: [...model.entry.entries()].sort((a, b) => a[0] - b[0]),
  };
}
