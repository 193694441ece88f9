import { describe, expect, it } from 'vitest';
import { copyChinookSqlite } from '../../cli/src/demo/chinook.ts';
import { runCli, runCliInProcess } from '../helpers/cli.ts';
import { freshPostgresDatabase, freshSqlitePath } from '../helpers/databases.ts';

// Issue 15, item 11: a URL (and its password) can come from the environment instead of argv, where shell history
// and `ps` would show it. BYOS_URL stands for --url, BYOS_FROM_URL for --from, BYOS_TO_URL for --to.

describe('database URLs from the environment', () => {
  it('BYOS_URL stands for --url; --url and --profile given on the command line win over it', async () => {
    const path = await freshSqlitePath('env_url');
    await copyChinookSqlite(path);
    const fromEnv = await runCli(['introspect', '--json'], { env: { BYOS_URL: `sqlite:${path}` } });
    expect(fromEnv.stderr).toBe('');
    expect(fromEnv.code).toBe(0);
    expect(JSON.parse(fromEnv.stdout).tables).toHaveLength(11);

    const other = await freshSqlitePath('env_url_other');
    await copyChinookSqlite(other);
    const flagWins = await runCli(['introspect', '--url', `sqlite:${other}`, '--json'], { env: { BYOS_URL: 'sqlite:/nowhere/missing.sqlite' } });
    expect(flagWins.code).toBe(0);
    const profileWins = await runCli(['introspect', '--profile', '/nowhere/missing.profile.json'], { env: { BYOS_URL: `sqlite:${path}` } });
    expect(profileWins.code).toBe(2);
    expect(profileWins.stderr).toContain('/nowhere/missing.profile.json');
  });

  it('BYOS_FROM_URL and BYOS_TO_URL stand for --from and --to of copy and verify; the password appears nowhere', async () => {
    const source = await freshSqlitePath('env_from');
    await copyChinookSqlite(source);
    const target = await freshPostgresDatabase('env_to');
    const password = decodeURIComponent(new URL(target).password);
    const env = { BYOS_FROM_URL: `sqlite:${source}`, BYOS_TO_URL: target };
    const copied = await runCli(['copy', '--tables', 'Artist,Album', '--verify', '--json'], { env });
    expect(copied.stderr).not.toMatch(/byos:/);
    expect(copied.code).toBe(0);
    expect(JSON.parse(copied.stdout).verify.equal).toBe(true);
    const verified = await runCli(['verify', '--tables', 'Artist', '--json'], { env });
    expect(verified.code).toBe(0);
    expect(copied.stdout + copied.stderr + verified.stdout + verified.stderr).not.toContain(password);
  });

  it('without the flag or the variable, the error names both', async () => {
    const missing = await runCli(['copy', '--to', 'sqlite::memory:'], { env: { BYOS_FROM_URL: '' } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--from/);
    expect(missing.stderr).toMatch(/BYOS_FROM_URL/);
    const neither = await runCli(['introspect']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('give exactly one of --url URL or --profile FILE');
    expect(neither.stderr).toContain('BYOS_URL');
  });

  it('every command that takes a URL names its variable in --help', async () => {
    const commands: [string[], string[]][] = [
      [['introspect'], ['BYOS_URL']],
      [['export'], ['BYOS_URL']],
      [['import'], ['BYOS_URL']],
      [['pii', 'scan'], ['BYOS_URL']],
      [['backup', 'verify'], ['BYOS_URL']],
      [['migrate', 'up'], ['BYOS_URL']],
      [['types'], ['BYOS_URL']],
      [['audit', 'verify'], ['BYOS_URL']],
      [['keys', 'rotate'], ['BYOS_URL']],
      [['copy'], ['BYOS_FROM_URL', 'BYOS_TO_URL']],
      [['verify'], ['BYOS_FROM_URL', 'BYOS_TO_URL']],
      [['switch'], ['BYOS_FROM_URL', 'BYOS_TO_URL']],
    ];
    for (const [command, names] of commands) {
      const help = await runCliInProcess([...command, '--help']);
      expect(help.code, command.join(' ')).toBe(0);
      for (const name of names) expect(help.stdout, `${command.join(' ')} --help`).toContain(name);
    }
  });
});
