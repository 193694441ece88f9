import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { generateTypes, introspect, kitCode, kitEnvFile, parseConnectionProfile } from '@byos/runtime';
import { loadMigrations } from '@byos/runtime/migrate';
import { runCliInProcess } from '../helpers/cli.ts';
import { freshTenantDb } from '../helpers/databases.ts';
import { scratchProject, typecheck } from '../helpers/scratch.ts';

// Every generator writes user text (a sentence, a profile's tenant, names, values and comments read from a
// database) into TypeScript. A line terminator other than LF (U+2028, U+2029, CR) ends a `//` comment as well: what
// follows it is code, run when the file is loaded. Each payload below would write a marker file.
const root = await mkdtemp(join(tmpdir(), 'byos-generated-code-'));
afterAll(() => rm(root, { recursive: true, force: true }));
/** Writes `w.js` into `dir`: loading it creates `dir/marker`. */
const plantMarkerWriter = (dir: string) =>
  writeFile(join(dir, 'w.js'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(join(dir, 'marker'))}, 'injected');\n`);
const TERMINATORS = ['\u2028', '\u2029', '\r'];
const payload = (terminator: string, path = '../w.js') => `a${terminator}import('${path}')//`;
const hostileName = (terminator: string) => `x${terminator}*/"\\\`\${y}'`;

describe('generated code keeps user text as data', { timeout: 180_000 }, async () => {
  const project = await scratchProject('generated-code');

  it('migrate new: a sentence with U+2028, U+2029 or CR writes a migration that loads without running anything and compiles', async () => {
    const folder = join(root, 'migrations');
    await mkdir(folder);
    await plantMarkerWriter(root);
    expect((await runCliInProcess(['migrate', 'new', 'create table customers with id (integer) primary key', '--dir', folder])).code).toBe(0);
    for (const terminator of TERMINATORS) {
      const sentence = `add column "${payload(terminator)}" (text) to customers`;
      const made = await runCliInProcess(['migrate', 'new', sentence, '--dir', folder]);
      expect(made.code).toBe(0);
    }
    const migrations = await loadMigrations(folder);
    await new Promise((resolve) => setTimeout(resolve, 100)); // an injected dynamic import would have settled
    expect(existsSync(join(root, 'marker'))).toBe(false);
    // The names come back exactly as written.
    expect(migrations.slice(1).map((m) => (m.ops[0] as { column: { name: string } }).column.name)).toEqual(TERMINATORS.map((t) => payload(t)));
    for (const name of await readdir(folder)) await writeFile(join(project, `migration_${name}`), await readFile(join(folder, name)));
  });

  it('the connection kit: a tenant or region holding line terminators stays a string, and no .env line is injected', () => {
    const profile = parseConnectionProfile({
      provider: 'local-postgres',
      dialect: 'postgres',
      host: '127.0.0.1',
      database: `app\nNODE_OPTIONS=--require=${join(root, 'w.js')}`,
      user: 'app',
      tenant: `acme\nNODE_OPTIONS=--require=${join(root, 'w.js')}${payload('\u2028')}`,
      region: hostileName('\u2029'),
      tls: { mode: 'disable' },
    });
    const code = kitCode(profile, { lang: 'ts' });
    expect(code).toContain(`tenant: "acme\\nNODE_OPTIONS=--require=${join(root, 'w.js')}a\\u2028import('../w.js')//"`);
    const env = kitEnvFile(profile);
    expect(Object.keys(parseEnv(env)).sort()).toEqual(['BYOS_DB_HOST', 'BYOS_DB_NAME', 'BYOS_DB_PASSWORD', 'BYOS_DB_PORT', 'BYOS_DB_USER']);
    return writeFile(join(project, 'kit.ts'), code);
  });

  it('types: table, column, enum, CHECK values and comments from a database compile, and importing runs nothing', async () => {
    const tenant = await freshTenantDb('postgres', 'generated_code');
    await plantMarkerWriter(project);
    const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
    const lit = (text: string) => `'${text.replace(/'/g, "''")}'`;
    const values = TERMINATORS.map((t) => payload(t, './w.js'));
    // Under --camel-case p_q… and pQ… share a DB key: the second is named in a // comment.
    for (const t of TERMINATORS)
      await sql.raw(`CREATE TABLE ${q(`p_q${payload(t, './w.js')}`)} (id int); CREATE TABLE ${q(`pQ${payload(t, './w.js')}`)} (id int)`).execute(tenant.db);
    await sql.raw(`CREATE TYPE ${q(hostileName('\u2028'))} AS ENUM (${values.map(lit).join(', ')})`).execute(tenant.db);
    await sql
      .raw(
        `CREATE TABLE ${q(hostileName('\r'))} (id int PRIMARY KEY, ${q(hostileName('\u2029'))} ${q(hostileName('\u2028'))}, ` +
          `size text CHECK (size IN (${values.map(lit).join(', ')})));` +
          `COMMENT ON TABLE ${q(hostileName('\r'))} IS ${lit(`${payload('\u2028')} */ ${payload('\n')}`)};` +
          `COMMENT ON COLUMN ${q(hostileName('\r'))}.size IS ${lit(payload('\u2029'))}`,
      )
      .execute(tenant.db);
    const text = generateTypes(await introspect(tenant), { zod: true, kysely: true, camelCase: true });
    await writeFile(join(project, 'db.ts'), text);
    await typecheck(project);
    const generated = await import(join(project, 'db.ts'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(join(project, 'marker'))).toBe(false);
    expect(text).toContain('is left out: its key "pQa\\u2028import(');
    expect(Object.values(generated).find((v) => Array.isArray(v))).toEqual(values);
  });
});
