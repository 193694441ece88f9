import type { NativeUnit } from '../../dialects/native-schema.ts';

export interface ScheduledLoad {
  /** The table loaded (units on it wait for it). */
  key: string;
  run: () => Promise<void>;
}

export interface ScheduledUnit {
  unit: NativeUnit;
  /** The rows it needs are loaded. */
  ready: () => boolean;
  run: () => Promise<void>;
}

/**
 * Runs table loads and post-data units on `jobs` workers, pgcopydb's way: a unit starts as soon as the units it
 * depends on are done and the rows it needs are loaded (a table's indexes and keys while other tables still copy),
 * before any further load. Two units never work on the same table at once; a unit that deadlocks with another
 * (two foreign keys locking the same pair of tables) is run again.
 */
export async function runScheduled(plan: { jobs: number; loads: ScheduledLoad[]; units: ScheduledUnit[]; onUnitsStart?: () => void }): Promise<void> {
  const loads = [...plan.loads];
  const waiting = [...plan.units];
  const pending = new Set(waiting.map((u) => u.unit.id));
  const busy = new Set<string>();
  const running = new Set<Promise<void>>();
  let failure: unknown;
  let announced = false;

  const nextUnit = (): ScheduledUnit | undefined => {
    const at = waiting.findIndex((u) => u.unit.deps.every((d) => !pending.has(d)) && !(u.unit.table && busy.has(u.unit.table)) && u.ready());
    return at < 0 ? undefined : waiting.splice(at, 1)[0];
  };
  const start = (busyKey: string | null, work: () => Promise<void>, onDone: () => void) => {
    if (busyKey) busy.add(busyKey);
    const task = work()
      .then(onDone, (error: unknown) => {
        failure ??= error;
      })
      .finally(() => {
        if (busyKey) busy.delete(busyKey);
        running.delete(task);
      });
    running.add(task);
  };

  while (!failure) {
    while (running.size < plan.jobs && !failure) {
      const unit = nextUnit();
      if (unit) {
        if (!announced) plan.onUnitsStart?.();
        announced = true;
        start(
          unit.unit.table,
          () => retryDeadlocks(unit.run),
          () => pending.delete(unit.unit.id),
        );
        continue;
      }
      const load = loads.shift();
      if (!load) break;
      start(load.key, load.run, () => {});
    }
    if (!running.size) break;
    await Promise.race(running);
  }
  await Promise.allSettled(running);
  if (failure) throw failure;
  if (waiting.length) {
    throw new Error(
      `post-data objects could not run (waiting on each other): ${waiting
        .slice(0, 5)
        .map((u) => u.unit.name)
        .join(', ')}${waiting.length > 5 ? ', …' : ''}`,
    );
  }
}

/** Postgres breaks a deadlock by failing one side; that side's unit (one transaction) is simply run again. */
async function retryDeadlocks(run: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt >= 5) throw error;
    }
  }
}
