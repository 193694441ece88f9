import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.ts';
import { freshPostgresDatabase } from '../../helpers/databases.ts';
import { oneLineFailure, tinyDisk } from '../../helpers/full-disk.ts';
import { sqlOn } from '../../helpers/sql.ts';

// Every failure of `byos import` is one line naming what failed, exit 1, and the table is as it was. Run as a user
// would (node bin/byos.js): an unhandled 'error' event would end the process with a stack trace.

const dir = await mkdtemp(join(tmpdir(), 'byos-import-fail-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('byos import failures', async () => {
  const pg = await freshPostgresDatabase('import_fail');
  await sqlOn(pg, 'create table people (id integer primary key, name text not null, age integer); insert into people values (1, $$kept$$, 1)');
  const count = async () => (await sqlOn<{ n: string }>(pg, 'select count(*) as n from people'))[0]!.n;
  // 5,000 good rows; with `bad`, every other one has an age that is not a number
  const csv = async (name: string, bad: boolean) => {
    const lines = ['id,name,age', ...Array.from({ length: 5000 }, (_, i) => `${i + 2},${'name '.repeat(8)}${i},${bad && i % 2 ? 'not a number' : i}`)];
    const path = join(dir, name);
    await writeFile(path, `${lines.join('\n')}\n`);
    return path;
  };

  it('the server ending the session mid-import is one line, and the table is unchanged', async () => {
    await sqlOn(
      pg,
      `create function stop_at_3000() returns trigger language plpgsql as $$ begin
         if new.id = 3000 then perform pg_terminate_backend(pg_backend_pid()); end if; return new; end $$;
       create trigger stop before insert on people for each row execute function stop_at_3000()`,
    );
    try {
      const file = await csv('killed.csv', false);
      for (const format of ['csv', 'xlsx']) {
        let input = file;
        if (format === 'xlsx') {
          input = join(dir, 'killed.xlsx');
          const exported = await runCli([
            'export',
            '--url',
            pg,
            '--query',
            'select i + 2 as id, $$n$$ || i as name, i as age from generate_series(0, 4999) i',
            '--out',
            input,
          ]);
          expect(exported.code, exported.stderr).toBe(0);
        }
        const line = oneLineFailure(await runCli(['import', input, '--url', pg, '--table', 'people']));
        expect(line, format).toMatch(
          /^byos: the import of .* into people stopped after \d+ row\(s\) read: .*(terminat|connection|ECONNRESET).*; nothing was imported \(the table is unchanged\)$/i,
        );
        expect(await count()).toBe('1');
      }
    } finally {
      await sqlOn(pg, 'drop trigger stop on people; drop function stop_at_3000()');
    }
  });

  it('--rejects in a missing folder or naming a folder is one line, before anything is read into the table', async () => {
    const file = await csv('bad.csv', true);
    const missing = join(dir, 'no-such-folder', 'rejects.csv');
    expect(oneLineFailure(await runCli(['import', file, '--url', pg, '--table', 'people', '--on-error', 'skip', '--rejects', missing]))).toBe(
      `byos: cannot write ${missing}: its folder does not exist (ENOENT)`,
    );
    const folder = join(dir, 'a-folder');
    await mkdir(folder);
    expect(oneLineFailure(await runCli(['import', file, '--url', pg, '--table', 'people', '--on-error', 'skip', '--rejects', folder]))).toBe(
      `byos: cannot write ${folder}: it is a folder (EISDIR)`,
    );
    expect(await count()).toBe('1');
  });

  it('--mapping to be saved in a missing folder is one line too', async () => {
    const file = await csv('good.csv', false);
    const missing = join(dir, 'no-such-folder', 'mapping.json');
    expect(oneLineFailure(await runCli(['import', file, '--url', pg, '--table', 'people', '--mapping', missing, '--dry-run']))).toBe(
      `byos: cannot write ${missing}: its folder does not exist (ENOENT)`,
    );
  });

  it('a full disk under --rejects fails the import with one line; the table is unchanged and no partial file is left', async () => {
    const disk = await tinyDisk(64);
    const file = await csv('many-bad.csv', true);
    for (const format of ['csv', 'xlsx']) {
      const rejects = join(disk, `rejects.${format}`);
      let input = file;
      if (format === 'xlsx') {
        input = join(dir, 'many-bad.xlsx');
        const exported = await runCli([
          'export',
          '--url',
          pg,
          '--query',
          `select i + 2 as id, repeat('name ', 8) || i as name, case when i % 2 = 1 then 'not a number' else i::text end as age from generate_series(0, 4999) i`,
          '--out',
          input,
        ]);
        expect(exported.code, exported.stderr).toBe(0);
      }
      const line = oneLineFailure(await runCli(['import', input, '--url', pg, '--table', 'people', '--on-error', 'skip', '--rejects', rejects]));
      expect(line).toBe(`byos: cannot write ${rejects}: the disk is full (ENOSPC)`);
      expect(await count()).toBe('1');
      expect(await readdir(disk)).toEqual([]);
    }
  });
});
