import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ConnectionProfile } from '@byos/runtime';
import type { Plan, TenantOutcome } from '@byos/pulumi/operator';
import { createOutput, EXIT_FAILURE, EXIT_OK } from '../output.ts';
import { createProgress } from '../progress.ts';
import { loadOperator } from '../pulumi-side.ts';

interface OperatorFlags {
  stacks: string;
  state: string;
  migrations?: string;
  profiles?: string;
  allowRetire?: boolean;
  writersStopped?: boolean;
  policyPack?: string;
  json?: boolean;
}

const HELP_PLAN = `
The plan compares the tenant specs in git (stacks/Pulumi.<tenant>.yaml) with what reconcile last recorded, and
says per tenant what reconcile will do: provision, update the infrastructure, switch providers (with the rows to
move, counted on the live database), apply migrations, or retire. It changes nothing.

Exit codes: 0 plan made, 1 a stack file is not a valid spec, 2 usage.

Examples:
  byos plan
  byos plan --migrations migrations --json`;

const HELP_RECONCILE = `
Carries out the plan. Provisioning runs \`pulumi up\` through Pulumi's Automation API (the Pulumi CLI must be
installed); a placement whose profile is given in --profiles DIR (<tenant>.<provider>.json or <tenant>.json) is
taken as provisioned, so the data steps (migrations, live switches) run without Pulumi. Every completed step is
recorded before the next starts: after a crash, run it again and it continues. One tenant's failure does not stop
the others.

Exit codes: 0 every tenant reconciled, 1 a tenant failed or a stack file is invalid, 2 usage.

Examples:
  byos reconcile --profiles .byos/profiles
  byos reconcile --migrations migrations --allow-retire --json`;

function withOperatorOptions(command: Command): Command {
  return command
    .option('--stacks <dir>', 'folder of tenant stack files', 'stacks')
    .option('--state <dir>', 'folder of the recorded state, one JSON file per tenant', '.byos/state/tenants')
    .option('--migrations <dir>', 'migrations folder: pending migrations are part of the plan')
    .option('--json', 'print the result as JSON');
}

export function registerOperator(program: Command): void {
  withOperatorOptions(program.command('plan').description('what reconcile would do for each tenant, from the specs in git and the recorded state'))
    .addHelpText('after', HELP_PLAN)
    .action(async (flags: OperatorFlags) => {
      const out = createOutput(Boolean(flags.json));
      const plan = await makePlan(flags, 'plan');
      out.result(plan);
      if (!out.json) out.info(await formatPlan(plan));
      process.exitCode = plan.problems.length ? EXIT_FAILURE : EXIT_OK;
    });

  withOperatorOptions(program.command('reconcile').description('make every tenant match its spec in git: provision, migrate, switch, retire'))
    .option('--profiles <dir>', 'ready profiles (<tenant>.<provider>.json): placements taken as provisioned, no Pulumi needed')
    .option('--allow-retire', 'allow deleting the database of a tenant whose stack file is gone')
    .option(
      '--writers-stopped',
      'for engines without a write fence: confirm that the tenants being switched have no writers outside this process (their applications are stopped)',
    )
    .option('--policy-pack <dir>', 'the CrossGuard policy pack every automated pulumi up runs with (default: policies/ or node_modules/@byos/policies)')
    .addHelpText('after', HELP_RECONCILE)
    .action(async (flags: OperatorFlags) => {
      const out = createOutput(Boolean(flags.json));
      const plan = await makePlan(flags, 'reconcile');
      const outcomes = await runReconcile(plan, flags, Boolean(flags.json));
      out.result({ problems: plan.problems, tenants: outcomes });
      if (!out.json) {
        for (const p of plan.problems) out.info(`! ${p.file}: ${p.message}`);
        for (const o of outcomes) {
          out.info(`${o.tenant}: ${o.status}`);
          for (const line of o.done) out.info(`  ✓ ${line}`);
          if (o.error) out.info(`  ✗ ${o.error}`);
        }
      }
      process.exitCode = plan.problems.length || outcomes.some((o) => o.status === 'failed') ? EXIT_FAILURE : EXIT_OK;
    });
}

async function makePlan(flags: OperatorFlags, command: 'plan' | 'reconcile'): Promise<Plan> {
  const { readDesiredTenants, planTenants, liveProbes, StateStore } = await loadOperator(command);
  const desired = await readDesiredTenants(flags.stacks);
  const recorded = await new StateStore(flags.state).list();
  const migrations = flags.migrations ? await migrationProbe() : undefined;
  return planTenants(desired, recorded, liveProbes({ migrationsDir: flags.migrations, migrations }));
}

/** Migration ids in the folder, and those a tenant's journal records as applied. */
async function migrationProbe() {
  const { loadMigrations, migrationStatus } = await import('@byos/runtime/migrate');
  const { connect } = await import('@byos/runtime');
  return {
    all: async (dir: string) => (await loadMigrations(dir)).map((m) => m.id),
    applied: async (placement: { profile?: ConnectionProfile; stack: string }, dir: string) => {
      if (!placement.profile) throw new Error(`no profile recorded for stack ${placement.stack}`);
      const tenant = await connect(placement.profile);
      try {
        return (await migrationStatus(tenant, await loadMigrations(dir))).filter((row) => row.state === 'applied').map((row) => row.id);
      } finally {
        await tenant.close();
      }
    },
  };
}

async function formatPlan(plan: Plan): Promise<string> {
  const { describeAction } = await loadOperator('plan');
  const lines: string[] = [];
  for (const p of plan.problems) lines.push(`! ${p.file}: ${p.message}`);
  for (const t of plan.tenants) {
    lines.push(`${t.tenant}: ${t.actions.length ? `${t.actions.length} change(s)` : 'up to date'}`);
    for (const a of t.actions) lines.push(`  + ${describeAction(a)}`);
    for (const n of t.notes) lines.push(`  · ${n}`);
  }
  const changes = plan.tenants.reduce((n, t) => n + t.actions.length, 0);
  lines.push(`${plan.tenants.length} tenant(s), ${changes} change(s)${plan.problems.length ? `, ${plan.problems.length} invalid stack file(s)` : ''}`);
  return lines.join('\n');
}

async function runReconcile(plan: Plan, flags: OperatorFlags, json: boolean): Promise<TenantOutcome[]> {
  const [{ reconcile, realSteps, describeAction, readDesiredTenants, StateStore, switchRefusal }, migrate, { switchTenant }, router, { connect }, dialects] =
    await Promise.all([
      loadOperator('reconcile'),
      import('@byos/runtime/migrate'),
      import('@byos/runtime/switch'),
      import('@byos/runtime/router'),
      import('@byos/runtime'),
      import('@byos/runtime/dialects'),
    ]);
  const stateRoot = resolve(flags.state, '..');
  const desired = await readDesiredTenants(flags.stacks);
  const total = plan.tenants.reduce((n, t) => n + t.actions.length, 0);
  const progress = createProgress({ total: Math.max(total, 1), json });
  const steps = realSteps({
    workDir: process.cwd(),
    // Local tenants' passwords only: a cloud tenant's stays in its stack's secret output (passwordRef pulumi:…).
    secretsDir: join(stateRoot, 'secrets'),
    policyPack: flags.policyPack,
    profilesDir: flags.profiles,
    onOutput: json ? undefined : (line) => process.stderr.write(`  ${line}\n`),
    migrate: async (_tenant, profile) => {
      if (!flags.migrations) return [];
      const db = await connect(profile);
      try {
        return (await migrate.migrateUp(db, await migrate.loadMigrations(flags.migrations))).ran.map((r) => r.id);
      } finally {
        await db.close();
      }
    },
    // The switch raises a write fence at the source database for the cutover, so writers in any process are refused
    // there, and flips the tenant registry applications' routers follow (`.byos/state/profiles`). Both engines need
    // a fence (a rollback fences the target); without one, only --writers-stopped lets the switch through.
    switch: async (tenant, from, to) => {
      const [source, target] = await Promise.all([dialects.loadDialect(from.dialect), dialects.loadDialect(to.dialect)]);
      const fenced = Boolean(source.fence && target.fence);
      const refusal = switchRefusal(from, { writersStopped: flags.writersStopped, hasWriteFence: () => fenced });
      if (refusal) throw new Error(refusal);
      const profiles = router.fileTenantRegistry(join(stateRoot, 'profiles'));
      const known = await profiles.active(tenant).catch(() => undefined);
      if (!known) await profiles.activate(tenant, from);
      const tenantRouter = router.createTenantRouter({ profiles, routerId: `byos-reconcile:${process.pid}` });
      try {
        const report = await switchTenant({ tenant, router: tenantRouter, to, stateDir: join(stateRoot, 'switches') });
        const silent = report.acknowledgements?.missing.map((r) => r.routerId) ?? [];
        return (
          `${report.rowsCopied.toLocaleString('en-US')} rows copied, ${report.changesReplayed} changes replayed, verified ${report.verification?.equal ? 'equal' : 'n/a'}, writers paused ${Math.round(report.pauseMs)} ms` +
          (silent.length ? `; ${silent.length} router(s) did not acknowledge the flip: ${silent.join(', ')}` : '')
        );
      } finally {
        await tenantRouter.close();
        await profiles.close();
      }
    },
  });
  const store = new StateStore(flags.state);
  try {
    return await reconcile(plan, desired.tenants, {
      state: store,
      steps,
      allowRetire: flags.allowRetire,
      onStep: (tenant, action) => progress.step(`${tenant}: ${describeAction(action)}`),
    });
  } finally {
    progress.done();
  }
}
