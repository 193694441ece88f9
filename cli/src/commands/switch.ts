import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { createTenantRouter, fileTenantRegistry, postgresTenantRegistry } from '@byos/runtime/router';
import { closeRollbackWindow, fingerprint, ROLLBACK_STEPS, SWITCH_STEPS, SwitchVerificationError, switchTenant, type SwitchReport } from '@byos/runtime/switch';
import { profileFromArgument, URL_ENV, urlOrProfileOption } from '../connection-options.ts';
import { LIMITS, wholeNumber } from '../options.ts';
import { createOutput, EXIT_FAILURE, EXIT_OK, UsageError } from '../output.ts';
import { createProgress } from '../progress.ts';

interface SwitchFlags {
  to?: string;
  from?: string;
  state: string;
  rollback?: boolean;
  finish?: boolean;
  tables?: string;
  jobs: number;
  json?: boolean;
  registry?: string;
  ackTimeout: number;
}

const DEFAULT_STATE = '.byos/state';

/** A word a shell reads back as itself: plain, or single-quoted. */
function shellWord(text: string): string {
  return /^[\w./@:+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The commands that roll a switch back or close its window: they must find its journal, so the same --state. */
export function followUpCommands(tenant: string, state: string): { rollback: string; finish: string } {
  const base = `byos switch ${shellWord(tenant)}${state === DEFAULT_STATE ? '' : ` --state ${shellWord(state)}`}`;
  return { rollback: `${base} --rollback`, finish: `${base} --finish` };
}

export function registerSwitch(program: Command): void {
  program
    .command('switch')
    .description('move a live tenant to another database (capture, copy, replay, verified cutover), or roll it back')
    .argument('<tenant>', 'tenant id (its active profile lives in STATE/profiles)')
    .addOption(urlOrProfileOption('--to <profile>', 'target: a ConnectionProfile file (JSON/YAML) or a database URL', URL_ENV.to))
    .addOption(urlOrProfileOption('--from <profile>', "the tenant's current database, recorded as its active profile the first time", URL_ENV.from))
    .option('--state <dir>', 'state folder: the journal (<tenant>.switch.jsonl) and the profile store (profiles/)', DEFAULT_STATE)
    .option('--rollback', 'return to the database the last switch left, with what was written since (reverse capture)')
    .option('--finish', "close the last switch's rollback window (reverse capture off)")
    .option('--tables <names>', 'comma-separated tables to move (default: all)')
    .option('--jobs <n>', `tables copied at once (1 to ${LIMITS.jobs})`, wholeNumber('--jobs', 1, LIMITS.jobs), 4)
    .option('--registry <url>', 'tenant registry in a Postgres control database (default: the files in STATE/profiles)')
    .option('--ack-timeout <ms>', "how long to wait for every live router's acknowledgement of the flip", wholeNumber('--ack-timeout', 0, 3_600_000), 30_000)
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nApplications that reach the tenant through createTenantRouter({ profiles: fileTenantRegistry(STATE/profiles) })\n' +
        '(or postgresTenantRegistry({ url }) with --registry URL) follow the flip; the switch waits for their\n' +
        'acknowledgements up to --ack-timeout and names the routers that did not (the switch stands).\n' +
        'A run killed at any point continues when run again with the same arguments.\n\n' +
        'Examples:\n  byos switch acme --from sqlite:./acme.sqlite --to postgres://u:p@db:5432/acme\n  byos switch acme --rollback\n  byos switch acme --finish',
    )
    .action(async (tenant: string, flags: SwitchFlags, command: Command) => {
      const out = createOutput(Boolean(flags.json));
      // $BYOS_TO_URL names the target of a switch; it does not make --rollback or --finish a switch as well.
      if ((flags.rollback || flags.finish) && command.getOptionValueSource('to') === 'env') flags.to = undefined;
      const modes = [flags.rollback, flags.finish, flags.to !== undefined].filter(Boolean).length;
      if (modes !== 1) throw new UsageError(`give exactly one of --to PROFILE, --rollback or --finish (--to may come from $${URL_ENV.to})`);
      const jobs = flags.jobs;
      const stateDir = resolve(flags.state);
      const profiles = flags.registry
        ? await postgresTenantRegistry({ url: flags.registry, secretsDir: join(stateDir, 'profiles') })
        : fileTenantRegistry(join(stateDir, 'profiles'));
      if (flags.from) {
        const from = await profileFromArgument(flags.from, '--from');
        const active = await profiles.active(tenant).catch(() => undefined);
        if (!active) await profiles.activate(tenant, from);
        else if (fingerprint(active) !== fingerprint(from) && flags.to) {
          throw new UsageError(`--from names ${fingerprint(from)}, but ${tenant} is recorded on ${fingerprint(active)} in ${stateDir}`);
        }
      }
      const router = createTenantRouter({ profiles, routerId: `byos-switch:${process.pid}` });
      try {
        if (flags.finish) {
          await closeRollbackWindow({ tenant, router, stateDir });
          out.result({ tenant, closed: true });
          out.info(`${tenant}: rollback window closed, reverse capture off`);
          process.exitCode = EXIT_OK;
          return;
        }
        const to = flags.to ? await profileFromArgument(flags.to, '--to') : undefined;
        const steps = flags.rollback ? ROLLBACK_STEPS.length : SWITCH_STEPS.length;
        const progress = createProgress({ total: steps, json: out.json });
        let lastDetail = 0;
        let report: SwitchReport;
        try {
          report = await switchTenant({
            tenant,
            router,
            to,
            stateDir,
            ackTimeoutMs: flags.ackTimeout,
            rollback: Boolean(flags.rollback),
            jobs,
            tables: flags.tables
              ? flags.tables
                  .split(',')
                  .map((t) => t.trim())
                  .filter(Boolean)
              : undefined,
            onProgress: (p) => {
              if (p.step === 'copying' || p.step === 'replaying') {
                // Rows and lag at most once a second, on stderr.
                if (Date.now() - lastDetail < 1000) return;
                lastDetail = Date.now();
                out.warn(p.step === 'copying' ? `  ${p.table}: ${p.rows ?? 0}/${p.totalRows ?? '?'} rows` : `  ${p.message}`);
                return;
              }
              if (p.step === 'acknowledging') return;
              progress.step(p.step);
            },
          });
        } catch (error) {
          if (error instanceof SwitchVerificationError) {
            out.result({ tenant, state: 'verify-failed', findings: error.findings });
            out.warn(error.message);
            process.exitCode = EXIT_FAILURE;
            return;
          }
          throw error;
        } finally {
          progress.done();
        }
        out.result(report);
        out.info(
          `${tenant}: ${report.state} ${report.from} → ${report.to}${report.resumed ? ' (resumed)' : ''}: ` +
            `${report.rowsCopied} rows copied, ${report.changesReplayed} changes replayed, ` +
            `${report.verification ? `${report.verification.tables.length} tables verified equal, ` : ''}writes held ${report.pauseMs.toFixed(0)} ms`,
        );
        const missing = report.acknowledgements?.missing ?? [];
        if (missing.length) {
          out.warn(
            `${missing.length} router(s) did not acknowledge the flip within ${report.acknowledgements!.waitedMs} ms and may still use the old database: ` +
              missing.map((r) => r.routerId).join(', '),
          );
        }
        if (report.state === 'switched') {
          const next = followUpCommands(tenant, flags.state);
          out.info(`rollback: ${next.rollback}   close the window: ${next.finish}`);
        }
        process.exitCode = EXIT_OK;
      } finally {
        await router.close();
        await profiles.close();
      }
    });
}
