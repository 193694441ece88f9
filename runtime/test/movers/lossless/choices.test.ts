import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { postgresNativeSchema } from '../../../src/dialects/postgres/native/index.ts';
import { LOSS_KINDS, unknownLossKinds } from '../../../src/movers/copy/losses.ts';
import { sqlOn } from '../../../../test/helpers/sql.ts';
import { REPO_ROOT, runCliInProcess } from '../../../../test/helpers/cli.ts';
import { freshPostgresDatabase, freshSqlitePath } from '../../../../test/helpers/databases.ts';
import { dumpDiff, schemaDump } from '../../../../test/helpers/pg-dump.ts';

// What a review of the docs against the CLI found: collations were refused yet "accepting" one failed half-way; a
// partial copy's verification compared the whole database and dropped the target's public schema; misspelt kinds
// were accepted silently; --json printed nothing on failure; a refused copy left an empty SQLite file.
const TIMEOUT = 120_000;

describe('collations travel with a Postgres → Postgres copy', { timeout: TIMEOUT }, () => {
  it('ICU (non-deterministic, with a comment) and libc collations: identical pg_dump, and the target compares as the source did', async () => {
    const [source, target] = [await freshPostgresDatabase('coll_src'), await freshPostgresDatabase('coll_dst')];
    await sqlOn(
      source,
      `create schema app;
      create collation app.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
      create collation "Num ✓" (provider = icu, locale = 'en-u-kn-true');
      create collation mixed (provider = libc, lc_collate = 'C', lc_ctype = 'POSIX');
      comment on collation app.ci is 'case-insensitive';
      create table app.users (id int primary key, email text collate app.ci unique, code text collate "Num ✓", k text collate mixed);
      create index users_code on app.users (code collate "C");
      insert into app.users values (1, 'A@x', '10', 'a'), (2, 'b@x', '9', 'b');`,
    );
    const result = await runCliInProcess(['copy', '--from', source, '--to', target, '--verify']);
    expect(result.stderr).not.toMatch(/^byos:/m);
    expect(result.code).toBe(0);
    const [a, b] = await Promise.all([schemaDump(source), schemaDump(target)]);
    expect(b, dumpDiff(a, b)).toBe(a);
    // Case-insensitive on the target too: the unique key refuses 'a@X' as it would on the source.
    await expect(sqlOn(target, `insert into app.users values (3, 'a@X', '1', 'c')`)).rejects.toThrow(/duplicate key value violates unique constraint/);
  });
});

describe('objects the copy cannot recreate', { timeout: TIMEOUT }, () => {
  const load = async (url: string) =>
    sqlOn(
      url,
      `create function eq3(int, int) returns boolean language sql immutable as 'select $1 = $2';
      create operator === (function = eq3, leftarg = int, rightarg = int);
      create operator !== (function = eq3, leftarg = int, rightarg = int);
      create text search configuration my_ts (copy = english);
      create text search configuration unused_ts (copy = simple);
      create table docs (id int primary key, body text, n int);
      create index docs_fts on docs using gin (to_tsvector('my_ts'::regconfig, body));
      create view v3 as select * from docs where n === 3;
      insert into docs values (1, 'hello world', 3);`,
    );

  it('are refused by name with the kinds to accept; one a carried object needs cannot be accepted, even with all', async () => {
    const [source, target] = [await freshPostgresDatabase('unrec_src'), await freshPostgresDatabase('unrec_dst')];
    await load(source);
    const refused = await runCliInProcess(['copy', '--from', source, '--to', target]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/operator public\.===\(integer,integer\) cannot be recreated by the copy, and view public\.v3 cannot be created without it/);
    expect(refused.stderr).toMatch(
      /text search configuration public\.my_ts cannot be recreated by the copy, and index public\.docs_fts cannot be created without it/,
    );
    expect(refused.stderr).toMatch(
      /^to copy anyway, accept these losses by kind: --accept-loss "operator,text search configuration" .*; the other refusals cannot be accepted$/m,
    );
    const all = await runCliInProcess(['copy', '--from', source, '--to', target, '--accept-loss', 'all', '--json']);
    expect(all.code).toBe(1);
    const { error } = JSON.parse(all.stdout) as { error: { exitCode: number; findings: { subject: string; severity: string }[] } };
    expect(error.exitCode).toBe(1);
    expect(error.findings.map((f) => f.subject).sort()).toEqual(['public.===(integer,integer)', 'public.my_ts']);
    expect(await sqlOn(target, `select count(*)::int as n from pg_class where relname = 'docs'`)).toEqual([{ n: 0 }]);
  });

  it('with the needing objects gone, accepting the kinds copies the rest and reports what was left behind', async () => {
    const [source, target] = [await freshPostgresDatabase('unrec2_src'), await freshPostgresDatabase('unrec2_dst')];
    await load(source);
    await sqlOn(source, 'drop view v3; drop index docs_fts');
    const copied = await runCliInProcess(['copy', '--from', source, '--to', target, '--accept-loss', 'operator,text search configuration', '--verify']);
    expect(copied.stderr).not.toMatch(/^byos:/m);
    expect(copied.code).toBe(0);
    expect(copied.stdout).toMatch(
      /warning copy-object-not-carried public\.my_ts: text search configuration public\.my_ts cannot be recreated by the copy \(accepted\)/,
    );
    expect(await sqlOn(target, 'select count(*)::int as n from docs')).toEqual([{ n: 1 }]);
  });

  it('a misspelt kind is a usage error naming the kinds there are, before anything connects', async () => {
    const result = await runCliInProcess([
      'copy',
      '--from',
      'postgres://nobody@127.0.0.1:1/none',
      '--to',
      'postgres://nobody@127.0.0.1:1/none',
      '--accept-loss',
      'views,trigger',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--accept-loss: no loss has the kind "views"; kinds: .*\bview\b.*\btext search configuration\b/);
    expect(unknownLossKinds(['view', 'all', 'operator', 'nonsense'], postgresNativeSchema.notRecreatedKinds)).toEqual(['nonsense']);
  });

  it('every kind the Postgres reader can report is one a user may name', () => {
    const folder = join(REPO_ROOT, 'runtime/src/dialects/postgres/native');
    const named = readdirSync(folder).flatMap((f) =>
      [...readFileSync(join(folder, f), 'utf8').matchAll(/notRecreated\(\s*(?:[^,]*\?\s*)?(['"])((?:\\.|(?!\1).)+)\1/g)].map((m) => m[2]!),
    );
    expect(named.length).toBeGreaterThan(3);
    for (const kind of named) expect(postgresNativeSchema.notRecreatedKinds).toContain(kind.replace(/\\'/g, "'"));
    expect(LOSS_KINDS).toContain('all');
  });
});

describe('a copy of some schemas', { timeout: TIMEOUT }, () => {
  it('verifies those schemas only, and leaves the target its own public schema as a new database has it', async () => {
    const [source, target, fresh] = [await freshPostgresDatabase('part_src'), await freshPostgresDatabase('part_dst'), await freshPostgresDatabase('part_new')];
    await sqlOn(
      source,
      `create schema a; create schema b;
      create table a.t (id serial primary key); create table b.u (id int primary key); create table public.p (id int);
      insert into a.t default values; comment on schema public is 'the source''s'`,
    );
    const copied = await runCliInProcess(['copy', '--from', source, '--to', target, '--schemas', 'a', '--verify']);
    expect(copied.stderr).not.toMatch(/^byos:/m);
    expect(copied.code).toBe(0);
    const publicOf = `select pg_get_userbyid(nspowner) as owner, nspacl::text as acl, obj_description(oid, 'pg_namespace') as comment from pg_namespace where nspname = 'public'`;
    expect(await sqlOn(target, publicOf)).toEqual(await sqlOn(fresh, publicOf));
    expect((await runCliInProcess(['verify', '--from', source, '--to', target, '--schemas', 'a'])).code).toBe(0);
    expect((await runCliInProcess(['verify', '--from', source, '--to', target, '--exclude-schemas', 'b,public'])).code).toBe(0);
    const whole = await runCliInProcess(['verify', '--from', source, '--to', target]);
    expect(whole.code).toBe(1);
    expect(whole.stdout).toMatch(/b\.u/);
  });

  it('is refused where it would be ignored: with --tables, or between engines', async () => {
    const source = await freshPostgresDatabase('part_tables_src');
    await sqlOn(source, 'create schema a; create table a.t (id int primary key)');
    const withTables = await runCliInProcess([
      'copy',
      '--from',
      source,
      '--to',
      await freshPostgresDatabase('part_tables_dst'),
      '--tables',
      'a.t',
      '--schemas',
      'a',
    ]);
    expect(withTables.code).toBe(1);
    expect(withTables.stderr).toMatch(/^ {2}a: schemas are chosen only for a whole copy between two postgres databases/m);
    const file = await freshSqlitePath('part_sqlite');
    const intoSqlite = await runCliInProcess(['copy', '--from', source, '--to', `sqlite:${file}`, '--schemas', 'a']);
    expect(intoSqlite.code).toBe(1);
    // Refused before a row moved: the SQLite file opening the target created is gone again.
    expect(existsSync(file)).toBe(false);
  });
});
