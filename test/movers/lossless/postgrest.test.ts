import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@byos/runtime';
import { copyDatabase } from '@byos/runtime/copy';
import { verifyDatabases } from '@byos/runtime/verify';
import { sqlOn } from '../../helpers/sql.ts';
import { freshPostgresDatabase } from '../../helpers/databases.ts';
import { dumpDiff, runClient, pgToolsFor, schemaDump } from '../../helpers/pg-dump.ts';
import { loadPostgrest } from '../../helpers/postgrest.ts';
import { startSystemPostgres, type SystemPostgres } from '../../helpers/system-postgres.ts';

// PostgREST's own test schema (data/postgrest): 11 schemas with non-ASCII and punctuation names, same-named
// tables across schemas and differing only in case, overloaded functions and aggregates, casts, INSTEAD OF
// triggers, a rule, a foreign table, a self-referencing view, hundreds of grants. Copied Postgres → Postgres, the
// schema dump and the data are identical.
const TIMEOUT = 240_000;

/** pg_dump --data-only, each COPY block's rows sorted: heap order is not part of the data. */
async function dataDump(url: string): Promise<string> {
  const tools = await pgToolsFor(url);
  const { stdout } = await runClient(tools.pgDump, url, ['--data-only', '--no-owner']);
  const out: string[] = [];
  let rows: string[] | null = null;
  for (const line of stdout.split('\n')) {
    if (rows) {
      if (line === '\\.') {
        out.push(...rows.sort(), line);
        rows = null;
      } else rows.push(line);
    } else if (!/^(--|SET |SELECT pg_catalog\.set_config|\\(un)?restrict )/.test(line)) {
      out.push(line);
      if (/^COPY .* FROM stdin;$/.test(line)) rows = [];
    }
  }
  return out.join('\n');
}

async function copyAndCompare(source: string, target: string): Promise<void> {
  const [from, to] = [await connect(source), await connect(target)];
  try {
    const report = await copyDatabase({ from, to, jobs: 2 });
    expect(report.findings).toEqual([]);
    expect(report.objects!.created).toBeGreaterThan(1000);
    const verified = await verifyDatabases({ from, to, sample: 0 });
    expect(verified.findings).toEqual([]);
  } finally {
    await from.close();
    await to.close();
  }
  const [a, b] = await Promise.all([schemaDump(source), schemaDump(target)]);
  expect(b, dumpDiff(a, b)).toBe(a);
  const [da, db] = await Promise.all([dataDump(source), dataDump(target)]);
  expect(db, dumpDiff(da, db)).toBe(da);
}

describe('the PostgREST test schema copies Postgres → Postgres with an identical schema dump and data', { timeout: TIMEOUT }, () => {
  let system: SystemPostgres;
  beforeAll(async () => {
    system = await startSystemPostgres();
  }, TIMEOUT);
  afterAll(async () => {
    await system?.stop();
  });

  it('PostgreSQL 15 with PostGIS → another database on it', async () => {
    await sqlOn(system.url, 'create database pgrst_src');
    await sqlOn(system.url, 'create database pgrst_dst');
    const source = system.url.replace(/\/postgres$/, '/pgrst_src');
    expect(await loadPostgrest(source, { postgis: true })).toEqual({ tables: 237, views: 85, functions: 247 });
    await copyAndCompare(source, system.url.replace(/\/postgres$/, '/pgrst_dst'));
  });

  it('embedded PostgreSQL 18 → 18 (no PostGIS there)', async () => {
    const [source, target] = [await freshPostgresDatabase('pgrst_src'), await freshPostgresDatabase('pgrst_dst')];
    await loadPostgrest(source);
    await copyAndCompare(source, target);
  });
});
