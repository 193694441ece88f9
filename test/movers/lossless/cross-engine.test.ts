import { beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@byos/runtime';
import { loadAppSchema, uniqueRole } from '../../helpers/app-schema.ts';
import { sqlOn } from '../../helpers/sql.ts';
import { runCliInProcess } from '../../helpers/cli.ts';
import { freshPostgresDatabase, freshSqlitePath } from '../../helpers/databases.ts';

// Between engines a copy cannot carry everything. Before a single row moves it names every object that will not
// arrive or will arrive changed, and refuses until those losses are accepted by kind; row-level security, policies
// and grants are accepted only when named. The finished copy's report lists what was left behind.
const SECURITY = 'row-security,policy,grant,default-privileges';
let source: string;
beforeAll(async () => {
  source = await freshPostgresDatabase('cross_src');
  await loadAppSchema(source, uniqueRole());
}, 60_000);

async function sqliteTables(url: string): Promise<string[]> {
  const db = await connect(url);
  try {
    return (await db.db.introspection.getTables()).map((t) => t.name);
  } finally {
    await db.close();
  }
}

describe('Postgres → SQLite of the application schema', () => {
  it('refuses before anything moves, naming every object that will not arrive or arrives changed', async () => {
    const target = `sqlite:${await freshSqlitePath('cross_refused')}`;
    const result = await runCliInProcess(['copy', '--from', source, '--to', target]);
    expect(result.code).toBe(1);
    const refused = result.stderr;
    for (const line of [
      /policy app\.member member_tenant will not arrive, and nothing on the target enforces it in its place/,
      /row security app\.member will not arrive/,
      /trigger app\.account account_audit will not arrive/,
      /function app\.set_plan\(bigint,app\.plan\) will not arrive/,
      /procedure billing\.close_year\(integer\) will not arrive/,
      /grant app\.account will not arrive/,
      /default privileges .* will not arrive/,
      /exclusion constraint app\.booking booking_room_id_during_excl will not arrive/,
      /view app\.account_summary will not arrive/,
      /materialized view billing\.revenue_by_month will not arrive/,
      /billing\.invoice arrives as one plain table: its 3 partitions .*invoice_2025_account_fkey/,
      /extension citext .* will not arrive/,
      /the target has one schema: the tables of billing arrive there/,
      /app\.account\.email: .*citext/,
      /app\.account\.search: generated column/,
      /comments on app\.account, app\.account\.plan will not arrive/,
    ]) {
      expect(refused).toMatch(line);
    }
    expect(refused).toMatch(/^to copy anyway, accept these losses by kind: --accept-loss .*policy/m);
    expect(await sqliteTables(target)).toEqual([]);
  });

  it('accepting every kind but the security ones still refuses, naming only those', async () => {
    const target = `sqlite:${await freshSqlitePath('cross_all')}`;
    const result = await runCliInProcess(['copy', '--from', source, '--to', target, '--accept-loss', 'all', '--json']);
    expect(result.code).toBe(1);
    const kinds = new Set([...result.stderr.matchAll(/accepted only by naming ([a-z-]+)\)/g)].map((m) => m[1]));
    expect([...kinds].sort()).toEqual(SECURITY.split(',').sort());
    // Only the security losses are refusals now; the accepted ones were warned about, not refused.
    const refusal = result.stderr.slice(result.stderr.indexOf('byos: copy refused'));
    expect(result.stderr).toMatch(/^warning copy-loss-view app\.account_summary: .*\(accepted\)$/m);
    expect(refusal).not.toMatch(/view app\.account_summary will not arrive/);
    expect(result.stderr).toMatch(
      /^to copy anyway, accept these losses by kind: --accept-loss (row-security|policy|grant|default-privileges)(,(row-security|policy|grant|default-privileges))*/m,
    );
    expect(await sqliteTables(target)).toEqual([]);
  });

  it('with every loss accepted, security ones by name, the copy completes, verifies, and its report lists what was left behind', async () => {
    const target = `sqlite:${await freshSqlitePath('cross_ok')}`;
    const result = await runCliInProcess(['copy', '--from', source, '--to', target, '--accept-loss', `all,${SECURITY}`, '--verify', '--json']);
    expect(result.stderr).not.toMatch(/^byos:/m);
    expect(result.code).toBe(0);
    const { copy, verify } = JSON.parse(result.stdout);
    const left = copy.findings.filter((f: { rule: string }) => f.rule.startsWith('copy-loss-'));
    expect(left.every((f: { severity: string; message: string }) => f.severity === 'warning' && f.message.endsWith('(accepted)'))).toBe(true);
    expect(left.map((f: { subject: string }) => f.subject)).toEqual(
      expect.arrayContaining(['app.member member_tenant', 'app.account account_audit', 'app.account_summary']),
    );
    expect(verify.equal).toBe(true);
    expect(verify.schema.mode).toBe('neutral');
    expect(copy.rows).toBeGreaterThan(10);
  });
});

describe('a subset of tables copied between engines', () => {
  it('names the details lost on a table whose name the catalog quotes (a reserved word, mixed case)', async () => {
    const subset = await freshPostgresDatabase('cross_subset_src');
    await sqlOn(
      subset,
      `create table "user" (id int primary key, tags text[]); create index user_tags on "user" using gin (tags);
      create table "Order" (id int primary key, n int); create index order_n on "Order" (n desc); create table other (id int primary key)`,
    );
    const refused = await runCliInProcess(['copy', '--from', subset, '--to', `sqlite:${await freshSqlitePath('cross_subset')}`, '--tables', 'user,Order']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/public\.user_tags: a gin index arrives as a plain one/);
    expect(refused.stderr).toMatch(/public\.order_n: its column order \(DESC, NULLS FIRST\/LAST\) does not arrive/);
  });
});
