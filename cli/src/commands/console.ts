import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { startDemoPostgres } from '../demo/embedded-postgres.ts';
import { wholeNumber } from '../options.ts';
import { createOutput, UsageError } from '../output.ts';
import { loadConsole } from '../pulumi-side.ts';

interface ConsoleFlags {
  port: number;
  host: string;
  tenants: string;
  state: string;
  profiles?: string;
  migrations?: string;
  work?: string;
  demo?: string | true;
  json?: boolean;
}

const HELP = `
Starts a web app on this machine over the same code as the CLI: the fleet with each tenant's compliance, health,
schema, PII, keys, audit and backups; schema browser and types; spreadsheet import and export; plain-language
migrations; and moving a tenant to another database in three steps.

It prints a URL with a random token (as Jupyter does): every request needs it. It binds to 127.0.0.1 unless --host
says otherwise; binding elsewhere exposes the fleet to that network. Stop it with Ctrl-C.

With --demo DIR (after \`byos demo --dir DIR\`) it shows the demo's two tenants and starts the demo's embedded Postgres.

Exit codes: 0 stopped, 1 could not start (port in use, unreadable folder), 2 usage.

Examples:
  byos console --demo .byos/demo
  byos console --tenants stacks --state .byos/state --profiles .byos/profiles --migrations migrations`;

export function registerConsole(program: Command): void {
  program
    .command('console')
    .description('the web console: fleet, compliance, schemas, imports, migrations and moves in a browser (local, token-protected)')
    .option('--port <n>', 'port (0: any free one)', wholeNumber('--port', 0, 65_535), 4780)
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--tenants <dir>', 'folder of tenant stack files (Pulumi.<tenant>.yaml)', 'stacks')
    .option('--state <dir>', 'state root: operator records (tenants/), switch journals, the tenant registry (profiles/)', '.byos/state')
    .option('--profiles <dir>', 'ready connection profiles (<tenant>.json, <tenant>.<provider>.json)')
    .option('--migrations <dir>', 'migrations folder')
    .option('--work <dir>', "the console's own files: uploads, rejects, exports (default: STATE/console)")
    .option('--demo [dir]', "the demo's tenants (from `byos demo --dir DIR`); starts its embedded Postgres")
    .option('--json', 'print {"url","origin"} as one JSON line once listening')
    .addHelpText('after', HELP)
    .action(async (flags: ConsoleFlags) => {
      const out = createOutput(Boolean(flags.json));
      const { startConsole } = await loadConsole('console');
      const demoDir = flags.demo === undefined ? undefined : resolve(flags.demo === true ? '.byos/demo' : flags.demo);
      // Only a folder `byos demo` made: a mistyped path must not get a new database cluster written into it.
      if (demoDir && !existsSync(join(demoDir, 'stacks', 'Pulumi.demo-sqlite.yaml'))) {
        throw new UsageError(`${demoDir} holds no demo tenants: run \`byos demo --dir ${demoDir}\` first`);
      }
      const demoPostgres = demoDir ? await startDemoPostgres(demoDir) : undefined;
      const state = demoDir ? join(demoDir, 'state') : resolve(flags.state);
      const running = await startConsole({
        port: flags.port,
        host: flags.host,
        stacksDir: demoDir ? join(demoDir, 'stacks') : resolve(flags.tenants),
        stateDir: state,
        profilesDir: demoDir ? join(demoDir, 'profiles') : flags.profiles && resolve(flags.profiles),
        migrationsDir: flags.migrations ? resolve(flags.migrations) : demoDir ? join(demoDir, 'migrations') : undefined,
        workDir: flags.work ? resolve(flags.work) : join(state, 'console'),
      }).catch(async (error) => {
        if (demoPostgres?.server.owned) await demoPostgres.server.stop();
        throw error;
      });
      if (out.json) process.stdout.write(`${JSON.stringify({ url: running.url, origin: running.origin })}\n`);
      else {
        out.info(`BYOS Console on ${running.origin}`);
        out.info(`open: ${running.url}`);
        out.info('(the token in the URL is required; Ctrl-C stops the console)');
      }
      await new Promise<void>((done) => {
        const stop = () => done();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await running.close();
      if (demoPostgres?.server.owned) await demoPostgres.server.stop();
    });
}
