import { connect, introspect } from '@byos/runtime';
import { type AutomationApi, resolvePulumiPassword } from './automation.ts';
import type { PlanProbes, RowEstimate } from './plan.ts';
import type { Placement } from './state.ts';

/** Counts the tables and rows a switch would move, on the tenant's current database. */
export async function estimateRows(placement: Placement): Promise<RowEstimate> {
  if (!placement.profile) throw new Error(`no profile recorded for stack ${placement.stack}`);
  const tenant = await connect(placement.profile);
  try {
    const model = await introspect(tenant);
    let rows = 0;
    for (const table of model.tables) {
      const result = await tenant.db
        .withSchema(table.schema)
        .selectFrom(table.name)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      rows += Number(result.n);
    }
    return { tables: model.tables.length, rows };
  } finally {
    await tenant.close();
  }
}

export interface ProbeOptions {
  /** The migrations folder; without it the plan does not look at migrations. */
  migrationsDir?: string;
  /** Ids of the migrations applied on a database (the runner's journal), and of all in the folder. */
  migrations?: { all(dir: string): Promise<string[]>; applied(placement: Placement, dir: string): Promise<string[]> };
  /** The Pulumi project a recorded `pulumi:` password reference is resolved in (default: the current folder). */
  workDir?: string;
  automation?: AutomationApi;
}

/** The probes `byos plan` and `byos reconcile` use against live databases. */
export function liveProbes(options: ProbeOptions): PlanProbes {
  const { migrationsDir, migrations } = options;
  // A cloud tenant's recorded profile refers to its stack's secret output; the password is read into memory only.
  const withPassword = async (placement: Placement): Promise<Placement> =>
    placement.profile
      ? { ...placement, profile: await resolvePulumiPassword(placement.profile, { workDir: options.workDir ?? process.cwd(), automation: options.automation }) }
      : placement;
  return {
    estimate: async (placement) => estimateRows(await withPassword(placement)),
    pendingMigrations:
      migrationsDir && migrations
        ? async (placement) => {
            const all = await migrations.all(migrationsDir);
            if (!placement) return all;
            const applied = new Set(await migrations.applied(await withPassword(placement), migrationsDir));
            return all.filter((id) => !applied.has(id));
          }
        : undefined,
  };
}
