import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase } from '../helpers/databases.ts';
import { dumpDiff, pgToolsFor, schemaDump } from '../helpers/pg-dump.ts';
import { loadPostgrest, POSTGREST_DIR, splitStatements, withoutPostgis } from '../helpers/postgrest.ts';
import { startSystemPostgres, type SystemPostgres } from '../helpers/system-postgres.ts';

// The PostgREST fixture (data/postgrest) and the pg_dump-based schema comparison that the Postgres→Postgres copy
// tests build on. Needs `bash scripts/pg-tools.sh` (pg_dump 18 in .tools/pg18, PostgreSQL 15 with PostGIS).
// A few seconds of work; a generous budget because the machine is shared.
const TIMEOUT = 180_000;

/** Dumps the database twice and checks what every comparison relies on. */
async function expectStableDump(url: string): Promise<string> {
  const first = await schemaDump(url);
  const second = await schemaDump(url);
  expect(first.length).toBeGreaterThan(100_000);
  expect(first).toContain('CREATE TABLE test.items');
  expect(first).not.toMatch(/^SET /m);
  expect(first).not.toMatch(/^--/m);
  expect(first).not.toMatch(/^\\(un)?restrict /m);
  expect(first).not.toMatch(/\n\n\n/);
  expect(second, dumpDiff(first, second)).toBe(first);
  return first;
}

describe('PostgREST fixture on the embedded PostgreSQL 18 (no PostGIS)', { timeout: TIMEOUT }, () => {
  it('loads with exact counts; schemaDump (pg_dump 18) is non-empty, normalised and stable', async () => {
    const url = await freshPostgresDatabase('pgrst');
    const tools = await pgToolsFor(url);
    expect(tools.major).toBe(18);
    expect(tools.pgDump).toMatch(/\.tools\/pg18\/bin\/pg_dump$/);

    const counts = await loadPostgrest(url);
    expect(counts).toEqual({ tables: 233, views: 83, functions: 233 });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number; postgis: boolean }>(
        `SELECT (SELECT count(*)::int FROM test.items) AS n, EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis') AS postgis`,
      );
      expect(rows[0]).toEqual({ n: 15, postgis: false });
    } finally {
      await client.end();
    }
    const dump = await expectStableDump(url);
    expect(dump).not.toMatch(/postgis|geometry/i);
  });

  it('loads concurrently into two databases of the same server (roles are cluster-wide)', async () => {
    const [a, b] = await Promise.all([freshPostgresDatabase('pgrst_a'), freshPostgresDatabase('pgrst_b')]);
    const counts = await Promise.all([loadPostgrest(a), loadPostgrest(b)]);
    expect(counts[0]).toEqual(counts[1]);
    const [dumpA, dumpB] = await Promise.all([schemaDump(a), schemaDump(b)]);
    expect(dumpB, dumpDiff(dumpA, dumpB)).toBe(dumpA);
  });
});

describe('PostgREST fixture on a throwaway Debian PostgreSQL 15', { timeout: TIMEOUT }, () => {
  let server: SystemPostgres;
  beforeAll(async () => {
    server = await startSystemPostgres();
  }, TIMEOUT);
  afterAll(async () => {
    await server?.stop();
  });

  async function database(name: string): Promise<string> {
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    return server.url.replace(/\/postgres$/, `/${name}`);
  }

  it('loads with PostGIS (the README counts) and without it (the same counts as on 18); dumps are stable', async () => {
    const [full, plain] = await Promise.all([database('pgrst_postgis'), database('pgrst_plain')]);
    expect((await pgToolsFor(full)).major).toBe(15);
    const [withPostgis, without] = await Promise.all([loadPostgrest(full, { postgis: true }), loadPostgrest(plain, { postgis: false })]);
    expect(withPostgis).toEqual({ tables: 237, views: 85, functions: 247 });
    expect(without).toEqual({ tables: 233, views: 83, functions: 233 });
    const dump = await expectStableDump(full);
    expect(dump).toContain('CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA extensions;');
    expect(dump).toMatch(/shop_geom extensions\.geometry\(Point,4326\)/);
    await expectStableDump(plain);
  });
});

describe('fixture helpers', () => {
  it('splitStatements cuts every fixture file into chunks that join back to it', async () => {
    for (const file of (await readdir(POSTGREST_DIR)).filter((f) => f.endsWith('.sql'))) {
      const sql = await readFile(join(POSTGREST_DIR, file), 'utf8');
      expect(splitStatements(sql).join(''), file).toBe(sql);
    }
  });

  it('withoutPostgis leaves out exactly the PostGIS objects and what names them', async () => {
    const schema = withoutPostgis(await readFile(join(POSTGREST_DIR, 'schema.sql'), 'utf8'));
    expect([...schema.left].sort()).toEqual(
      [
        'bom_csv_agg',
        'bom_csv_trans',
        'geo2json_agg',
        'geo2json_agg_any',
        'geo2json_trans',
        'get_line',
        'get_lines',
        'get_shop',
        'get_shop_bles',
        'lines',
        'lines_geojson_agg',
        'lines_geojson_trans',
        'shop_bles',
        'shops',
        'twkb_agg',
        'twkb_handler_transition',
      ].sort(),
    );
    expect(schema.dropped).toHaveLength(23);
    const data = withoutPostgis(await readFile(join(POSTGREST_DIR, 'data.sql'), 'utf8'), schema.left);
    expect(data.dropped).toHaveLength(9); // TRUNCATE and INSERTs of shops, shop_bles, lines
    expect(withoutPostgis(await readFile(join(POSTGREST_DIR, 'privileges.sql'), 'utf8'), schema.left).dropped).toEqual([]);
  });

  it('dumpDiff shows changed lines with - and +, and nothing for equal texts', () => {
    expect(dumpDiff('a\nb\nc\n', 'a\nb\nc\n')).toBe('');
    const diff = dumpDiff('CREATE TABLE t (\n    id integer\n);\n', 'CREATE TABLE t (\n    id bigint\n);\n');
    expect(diff).toContain('-    id integer');
    expect(diff).toContain('+    id bigint');
    expect(diff).toContain('@@ a:2 b:2 @@');
    const many = dumpDiff(Array.from({ length: 100 }, (_, i) => `x${i}`).join('\n'), Array.from({ length: 100 }, (_, i) => `y${i}`).join('\n'));
    expect(many).toContain('... and 160 more changed lines');
  });
});
