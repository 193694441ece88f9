import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { connect, parseTableName } from '@byos/runtime';
import { runCliInProcess } from '../helpers/cli.ts';
import { freshPostgresDatabase } from '../helpers/databases.ts';
import { atFileEnd } from '../helpers/file-cleanup.ts';

describe('byos introspect names', () => {
  it('prints names as --table takes them: bare in the default schema, schema.name elsewhere, quoted where needed', async () => {
    const url = await freshPostgresDatabase('introspect-names');
    const tenant = await connect(url);
    atFileEnd(() => tenant.close());
    await sql
      .raw(
        `create schema app;
        create schema "Odd ""Schema"" ü";
        create type app.mood as enum ('up', 'down');
        create domain "my.dom" as int check (value > 0);
        create table orders (id int primary key);
        create table app.people (id int primary key, m app.mood);
        create table "Odd ""Schema"" ü"."a.b" (id int primary key, person int references app.people (id));
        create table "Odd ""Schema"" ü"."We ""ird"" Ñame" (id int);
        create view app.v as select id from app.people;`,
      )
      .execute(tenant.db);
    const result = await runCliInProcess(['introspect', '--url', url]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    for (const line of [
      'orders',
      'app.people',
      'Odd "Schema" ü."a.b"',
      'Odd "Schema" ü.We "ird" Ñame',
      '  foreign key (person) -> app.people (id) on delete no action',
      'view app.v: id',
      'enum app.mood: up, down',
    ]) {
      expect(lines, line).toContain(line);
    }
    expect(lines.some((l) => l.startsWith('domain "my.dom": integer'))).toBe(true);
    // What it prints is what --table reads back.
    expect(parseTableName('Odd "Schema" ü."a.b"')).toEqual({ schema: 'Odd "Schema" ü', name: 'a.b' });
  });
});
