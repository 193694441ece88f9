import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NeutralType } from '@byos/runtime';
import { classifyTypeChange, lintPostgresSql } from '@byos/runtime/migrate/lint';
import { freshPostgresDatabase } from '../helpers/databases.ts';

/**
 * The rules claim what Postgres does; this checks the claims on a real server. A rewrite gives the table a new
 * file (pg_relation_filenode changes); a catalog-only change keeps it.
 */
let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: await freshPostgresDatabase('lint_behaviour') });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
});

async function freshTable(): Promise<void> {
  await client.query('DROP TABLE IF EXISTS t');
  await client.query('CREATE TABLE t (id int, name varchar(80), age int, total numeric(10,2))');
  await client.query("INSERT INTO t SELECT g, 'name ' || g, g, g / 3.0 FROM generate_series(1, 200) g");
}

async function rewrites(ddl: string): Promise<boolean> {
  await freshTable();
  const before = (await client.query("SELECT pg_relation_filenode('t') AS f")).rows[0].f;
  await client.query(ddl);
  const after = (await client.query("SELECT pg_relation_filenode('t') AS f")).rows[0].f;
  return before !== after;
}

async function flagged(rule: string, ddl: string): Promise<boolean> {
  return (await lintPostgresSql(ddl)).some((f) => f.rule === rule);
}

describe('lint rules match what Postgres really does', () => {
  it.each([
    ['ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0', false],
    ['ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now()', false],
    ['ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid()', true],
    ['ALTER TABLE t ADD COLUMN c double precision DEFAULT random()', true],
    ['ALTER TABLE t ADD COLUMN c bigint GENERATED ALWAYS AS IDENTITY', true],
  ])('adding-field-with-default: %s rewrites = %s', async (ddl, rewrite) => {
    expect(await rewrites(ddl)).toBe(rewrite);
    expect(await flagged('adding-field-with-default', ddl)).toBe(rewrite);
  });

  const varchar = (length?: number): NeutralType => ({ kind: 'varchar', length });
  it.each([
    ['name', varchar(80), varchar(200), 'varchar(200)', false],
    ['name', varchar(80), { kind: 'text' }, 'text', false],
    ['total', { kind: 'decimal', precision: 10, scale: 2 }, { kind: 'decimal', precision: 14, scale: 2 }, 'numeric(14,2)', false],
    ['age', { kind: 'integer' }, { kind: 'bigint' }, 'bigint', true],
    ['total', { kind: 'decimal', precision: 10, scale: 2 }, { kind: 'decimal', precision: 12, scale: 4 }, 'numeric(12,4)', true],
  ] as [string, NeutralType, NeutralType, string, boolean][])(
    'type change of %s to %s: "free" exactly when Postgres keeps the file',
    async (column, from, to, sqlType, rewrite) => {
      expect(await rewrites(`ALTER TABLE t ALTER COLUMN ${column} TYPE ${sqlType}`)).toBe(rewrite);
      expect(classifyTypeChange(from, to) === 'free').toBe(!rewrite);
    },
  );

  it('a narrowing the rule calls an error fails on real data', async () => {
    expect(classifyTypeChange(varchar(80), varchar(5))).toBe('narrow');
    await freshTable();
    await expect(client.query('ALTER TABLE t ALTER COLUMN name TYPE varchar(5)')).rejects.toThrow(/too long/);
  });

  it('adding-required-field: the flagged statement fails on a table with rows; the fixed one succeeds', async () => {
    await freshTable();
    const bad = 'ALTER TABLE t ADD COLUMN country text NOT NULL';
    expect(await flagged('adding-required-field', bad)).toBe(true);
    await expect(client.query(bad)).rejects.toThrow(/contains null values/);
    const good = "ALTER TABLE t ADD COLUMN country text NOT NULL DEFAULT 'NL'";
    expect(await flagged('adding-required-field', good)).toBe(false);
    await client.query(good);
  });

  it('the SET NOT NULL safe plan the rule accepts runs as written', async () => {
    await freshTable();
    const plan = [
      "SET lock_timeout = '2s';",
      'ALTER TABLE t ADD CONSTRAINT t_age_nn CHECK (age IS NOT NULL) NOT VALID;',
      'ALTER TABLE t VALIDATE CONSTRAINT t_age_nn;',
      'ALTER TABLE t ALTER COLUMN age SET NOT NULL;',
      'ALTER TABLE t DROP CONSTRAINT t_age_nn;',
    ].join('\n');
    expect(await lintPostgresSql(plan)).toEqual([]);
    await client.query(plan);
    const { rows } = await client.query("SELECT attnotnull FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'age'");
    expect(rows[0].attnotnull).toBe(true);
  });
});
