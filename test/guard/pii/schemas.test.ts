import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect, type TenantDb } from '@byos/runtime';
import { scanPii } from '@byos/runtime/guard/pii';
import { runCliInProcess } from '../../helpers/cli.ts';
import { freshPostgresDatabase } from '../../helpers/databases.ts';
import { atFileEnd } from '../../helpers/file-cleanup.ts';

const ODD = 'Odd "Schema" ü';
const LIST = 'Kunden "ü" .list';
const HOSTILE = 'x"; drop table victim; --';

describe('PII scan over every schema, with names that need quoting (postgres)', () => {
  let tenant: TenantDb;
  let url: string;

  beforeAll(async () => {
    url = await freshPostgresDatabase('pii-schemas');
    tenant = await connect(url);
    atFileEnd(() => tenant.close());
    await sql
      .raw(
        `create schema app;
        create schema "Odd ""Schema"" ü";
        create table victim (id int); insert into victim values (1);
        create table people (id int primary key, contact text);
        create table app.people (id int primary key, contact text);
        create table "Odd ""Schema"" ü"."Kunden ""ü"" .list" ("E-Mail Adresse" text, "Größe" int);`,
      )
      .execute(tenant.db);
    await sql`create table ${sql.id('app', HOSTILE)} (id int, ${sql.id(HOSTILE)} text)`.execute(tenant.db);
    for (let i = 1; i <= 40; i++) {
      const email = `kunde.${i}@example.org`;
      await sql`insert into people values (${i}, ${email})`.execute(tenant.db);
      await sql`insert into app.people values (${i}, ${email})`.execute(tenant.db);
      await sql`insert into ${sql.id(ODD, LIST)} values (${email}, ${i})`.execute(tenant.db);
      await sql`insert into ${sql.id('app', HOSTILE)} values (${i}, ${email})`.execute(tenant.db);
    }
  });

  it('scans every schema and names columns schema.table.column outside the default one, quoted where needed', async () => {
    const result = await scanPii(tenant, { sample: 50 });
    const emails = result.findings
      .filter((f) => f.rule === 'pii-email')
      .map((f) => f.subject)
      .sort();
    expect(emails).toEqual([`${ODD}."${LIST.replace(/"/g, '""')}".E-Mail Adresse`, `app.${HOSTILE}.${HOSTILE}`, 'app.people.contact', 'people.contact'].sort());
    const hostile = result.columns.find((c) => c.schema === 'app' && c.table === HOSTILE && c.column === HOSTILE)!;
    expect([hostile.subject, hostile.sampled, hostile.nonNull]).toEqual([`app.${HOSTILE}.${HOSTILE}`, 40, 40]);
    expect(JSON.stringify(result)).not.toContain('kunde.1@example.org');
    expect((await sql`select * from victim`.execute(tenant.db)).rows).toEqual([{ id: 1 }]);
  });

  it('sampling quotes schema, table and column on the small-table and the block-sampling paths', async () => {
    await sql`analyze`.execute(tenant.db);
    const { sampling } = tenant.dialect;
    for (const smallTableRows of [100_000, 5]) {
      const sampled = await sampling.sampleRows(tenant.db, { schema: ODD, name: LIST }, ['E-Mail Adresse'], 10, { smallTableRows });
      expect(sampled, String(smallTableRows)).toHaveLength(10);
      expect(sampled.every((r) => /^kunde\.\d+@example\.org$/.test(String(r['E-Mail Adresse'])))).toBe(true);
      const hostile = await sampling.sampleRows(tenant.db, { schema: 'app', name: HOSTILE }, [HOSTILE], 3, { smallTableRows });
      expect(Object.keys(hostile[0]!)).toEqual([HOSTILE]);
    }
    expect((await sql`select * from victim`.execute(tenant.db)).rows).toEqual([{ id: 1 }]);
  });

  it('--table picks tables by the same names: bare in the default schema, schema.table, quoted parts', async () => {
    const subjects = async (tables: (string | { schema?: string; name: string })[]) =>
      (await scanPii(tenant, { sample: 20, tables })).columns.map((c) => c.subject);
    expect(await subjects(['people'])).toEqual(['people.id', 'people.contact']);
    expect(await subjects(['app.people'])).toEqual(['app.people.id', 'app.people.contact']);
    expect(await subjects([`${ODD}."${LIST.replace(/"/g, '""')}"`])).toEqual([
      `${ODD}."Kunden ""ü"" .list".E-Mail Adresse`,
      `${ODD}."Kunden ""ü"" .list".Größe`,
    ]);
    expect(await subjects([{ schema: 'app', name: HOSTILE }])).toEqual([`app.${HOSTILE}.id`, `app.${HOSTILE}.${HOSTILE}`]);
    // Unquoted, the dot splits it: schema `Kunden "ü" ` (a trailing space, so printed quoted), table `list`.
    await expect(scanPii(tenant, { tables: [LIST] })).rejects.toThrow(`no such table: "Kunden ""ü"" ".list (did you mean ${ODD}."Kunden ""ü"" .list"?)`);
  });

  it(`byos pii scan --table 'app.${HOSTILE}' reads it as a name, never as SQL; victim survives`, async () => {
    const result = await runCliInProcess(['pii', 'scan', '--url', url, '--sample', '10', '--table', `app.${HOSTILE}`, `${ODD}."${LIST.replace(/"/g, '""')}"`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`app.${HOSTILE}.${HOSTILE}  email`);
    expect(result.stdout).toMatch(/Odd "Schema" ü\."Kunden ""ü"" \.list"\.E-Mail Adresse\s+email/);
    expect(result.stdout).not.toContain('people');
    const usage = await runCliInProcess(['pii', 'scan', '--url', url, '--table', 'a.b.c']);
    expect(usage.code).toBe(2);
    expect((await sql`select * from victim`.execute(tenant.db)).rows).toEqual([{ id: 1 }]);
  });
});
