import { execFile } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { kitCode, kitEnvFile, parseConnectionProfile, PROVIDERS, PROVIDER_TRAITS } from '@byos/runtime';
import { startLocalPostgres } from '@byos/runtime/local-postgres';
import { freshProfile } from '../../helpers/databases.ts';
import { runCli } from '../../helpers/cli.ts';
import { scratchProject, typecheck } from '../../helpers/scratch.ts';

const run = promisify(execFile);

describe('connection kit', () => {
  // One compile for every provider's kit (tsc reads the runtime's sources each time: seconds, more under load).
  it('generates TypeScript for every provider that compiles under strict, and runs select 1 against the test Postgres', { timeout: 180_000 }, async () => {
    const input = await freshProfile('postgres', 'kit');
    const profile = parseConnectionProfile(input);
    const dir = await scratchProject('kit');
    const code = kitCode(profile, { lang: 'ts' });
    expect(code).not.toContain(profile.password!);
    await writeFile(join(dir, 'app.ts'), code);
    for (const provider of PROVIDERS.filter((p) => PROVIDER_TRAITS[p].cloud)) {
      const cloud = parseConnectionProfile({
        provider,
        dialect: PROVIDER_TRAITS[provider].dialect,
        host: 'db.example.com',
        database: 'app',
        user: 'app',
        tls: { mode: 'verify-full' },
      });
      await writeFile(join(dir, `${provider}.ts`), kitCode(cloud, { lang: 'ts' }));
    }
    const embedded = parseConnectionProfile({
      provider: 'local-postgres',
      dialect: 'postgres',
      database: 'app',
      user: 'postgres',
      passwordRef: 'file:/x/pw',
      dataDir: '/x/pg',
    });
    await writeFile(join(dir, 'embedded.ts'), kitCode(embedded, { lang: 'ts' }));
    await typecheck(dir);
    const env = {
      ...process.env,
      BYOS_DB_HOST: profile.host!,
      BYOS_DB_PORT: String(profile.port),
      BYOS_DB_NAME: profile.database,
      BYOS_DB_USER: profile.user!,
      BYOS_DB_PASSWORD: profile.password!,
    };
    // The scratch folder is inside the repository: --conditions=@byos/source resolves @byos/runtime to its sources, not dist/.
    const { stdout } = await run(process.execPath, ['--conditions=@byos/source', join(dir, 'app.ts')], { env, cwd: dir });
    expect(stdout).toContain('connected: { ok: 1 }');
  });

  it('generates JavaScript that runs against a SQLite tenant', async () => {
    const dir = await scratchProject('kit');
    const input = await freshProfile('sqlite', 'kit');
    await writeFile(join(dir, 'app.mjs'), kitCode(parseConnectionProfile(input), { lang: 'js' }));
    const { stdout } = await run(process.execPath, ['--conditions=@byos/source', join(dir, 'app.mjs')], {
      env: { ...process.env, BYOS_DB_PATH: input.database },
      cwd: dir,
    });
    expect(stdout).toContain('connected: { ok: 1 }');
  });

  it("for an embedded local-postgres profile (the demo's), the kit starts the server in its folder instead of naming a host", async () => {
    const dir = await scratchProject('kit');
    const dataDir = join(dir, 'pg');
    await chmod(dir, 0o755); // as root, the server runs as the postgres user
    const server = await startLocalPostgres({ dataDir, password: 'kit-embedded-pw' });
    await server.stop();
    const profile = parseConnectionProfile({
      provider: 'local-postgres',
      dialect: 'postgres',
      tenant: 'demo',
      database: 'postgres',
      user: 'postgres',
      passwordRef: `file:${join(dir, 'pw')}`,
      dataDir,
    });
    const env = kitEnvFile(profile);
    expect(env).toContain(`BYOS_DB_DATA_DIR=${dataDir}`);
    expect(env).not.toContain('BYOS_DB_HOST');
    expect(env).toContain(`it is in ${join(dir, 'pw')}`);
    await writeFile(join(dir, 'embedded.mjs'), kitCode(profile, { lang: 'js' }));
    const vars = { BYOS_DB_DATA_DIR: dataDir, BYOS_DB_NAME: 'postgres', BYOS_DB_USER: 'postgres', BYOS_DB_PASSWORD: 'kit-embedded-pw' };
    const { stdout } = await run(process.execPath, ['--conditions=@byos/source', join(dir, 'embedded.mjs')], { env: { ...process.env, ...vars }, cwd: dir });
    expect(stdout).toContain('connected: { ok: 1 }');
  });

  it.each(PROVIDERS.filter((p) => PROVIDER_TRAITS[p].cloud))('%s: TLS verified, notes included, no password anywhere', (provider) => {
    const profile = parseConnectionProfile({
      provider,
      dialect: PROVIDER_TRAITS[provider].dialect,
      host: 'db.example.com',
      port: 5432,
      database: 'app',
      user: 'app',
      password: 'n0t-in-the-kit',
      tls: { mode: 'verify-full' },
    });
    const code = kitCode(profile, { lang: 'ts' });
    const env = kitEnvFile(profile);
    expect(code + env).not.toContain('n0t-in-the-kit');
    expect(code).toContain(`provider: "${provider}"`);
    expect(code).toContain('mode: "verify-full"');
    expect(env).toMatch(/^BYOS_DB_PASSWORD=$/m);
    expect(env).toContain('BYOS_DB_HOST=db.example.com');
  });

  it('byos kit prints the code, or the .env template with --env, and never the password', async () => {
    const dir = await scratchProject('kit');
    const file = join(dir, 'supabase.profile.json');
    await writeFile(
      file,
      JSON.stringify({
        provider: 'supabase',
        dialect: 'postgres',
        host: 'aws-0-ap-southeast-1.pooler.supabase.com',
        port: 6543,
        database: 'postgres',
        user: 'postgres.abcd',
        password: 'pw-from-pulumi-secret',
        pooler: { mode: 'transaction' },
        tls: { mode: 'verify-full' },
      }),
    );
    const code = await runCli(['kit', '--profile', file]);
    expect(code.code).toBe(0);
    expect(code.stdout).toContain('pooler: { mode: "transaction" }');
    expect(code.stdout).toContain('transaction pooler');
    const env = await runCli(['kit', '--profile', file, '--env']);
    expect(env.stdout).toContain('BYOS_DB_PORT=6543');
    expect(code.stdout + env.stdout + code.stderr + env.stderr).not.toContain('pw-from-pulumi-secret');
    const bad = await runCli(['kit', '--profile', file, '--lang', 'cobol']);
    expect(bad.code).toBe(2);
  });
});
