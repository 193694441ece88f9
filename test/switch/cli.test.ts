import { execFileSync } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connect } from '@byos/runtime';
import { followUpCommands } from '../../cli/src/commands/switch.ts';
import { runCliInProcess } from '../helpers/cli.ts';
import { freshPostgresDatabase, freshSqlitePath } from '../helpers/databases.ts';
import { dumpTenant, seedTenant, sorted } from './workload.ts';

describe('byos switch', () => {
  it('switches a SQLite tenant to Postgres and back, with a JSON report and no password anywhere in the state', async () => {
    const sqlitePath = await freshSqlitePath('cli_switch');
    await seedTenant({ provider: 'local-sqlite', dialect: 'sqlite', database: sqlitePath });
    const pgUrl = await freshPostgresDatabase('cli_switch');
    const password = decodeURIComponent(new URL(pgUrl).password);
    const state = join(dirname(sqlitePath), 'state');

    const usage = await runCliInProcess(['switch', 'acme', '--state', state]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/exactly one of --to PROFILE, --rollback or --finish/);

    const run = await runCliInProcess(['switch', 'acme', '--from', `sqlite:${sqlitePath}`, '--to', pgUrl, '--state', state, '--json']);
    expect(run.stderr).not.toContain(password);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ tenant: 'acme', state: 'switched', direction: 'switch', rowsCopied: 340, verification: { equal: true } });
    expect(run.stdout).not.toContain(password);
    const pg = await connect(pgUrl);
    const sqlite = await connect(`sqlite:${sqlitePath}`);
    try {
      expect(sorted(await dumpTenant(pg))).toEqual(sorted(await dumpTenant(sqlite)));
      // A write on the new database during the rollback window comes back with the rollback.
      await pg.db.insertInto('entry').values({ id: 77_777, account_id: 1, amount: 5, note: 'after the switch' }).execute();
    } finally {
      await pg.close();
      await sqlite.close();
    }
    for (const file of await readdir(state, { recursive: true })) {
      if (file.endsWith('.password')) continue; // the 0600 secret file the profile refers to
      const text = await readFile(join(state, file), 'utf8').catch(() => '');
      expect(text, file).not.toContain(password);
    }

    const back = await runCliInProcess(['switch', 'acme', '--rollback', '--state', state]);
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/acme: rolled-back .*postgres.* → .*sqlite/);
    const sqliteAfter = await connect(`sqlite:${sqlitePath}`);
    try {
      expect((await sqliteAfter.db.selectFrom('entry').select('note').where('id', '=', 77_777).executeTakeFirst())?.note).toBe('after the switch');
    } finally {
      await sqliteAfter.close();
    }
    const nothing = await runCliInProcess(['switch', 'acme', '--rollback', '--state', state]);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/no switch to roll back/);
  });
});

describe('the commands a switch prints for its rollback and finish', () => {
  it('carry a --state that is not the default, quoted so that a shell reads the same words back', () => {
    expect(followUpCommands('acme', '.byos/state')).toEqual({ rollback: 'byos switch acme --rollback', finish: 'byos switch acme --finish' });
    const { rollback } = followUpCommands("o'brien co", "/tmp/state dir/it's");
    const words = execFileSync('sh', ['-c', `printf '%s\\n' ${rollback}`], { encoding: 'utf8' })
      .trimEnd()
      .split('\n');
    expect(words).toEqual(['byos', 'switch', "o'brien co", '--state', "/tmp/state dir/it's", '--rollback']);
  });
});
