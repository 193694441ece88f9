import { chmod, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { connect, type ConnectionProfileInput } from '@byos/runtime';
import { createTenantRouter, memoryProfileStore } from '@byos/runtime/router';
import { switchTenant, type SwitchProgress } from '@byos/runtime/switch';
import { copyChinookSqlite } from './chinook.ts';
import { startDemoPostgres } from './embedded-postgres.ts';

export interface DemoSwitchReport {
  from: string;
  to: string;
  /** Rows the copy moved, and changes replayed (captured while copying and during the cutover). */
  rowsMoved: number;
  changesReplayed: number;
  /** Tables whose row count and checksum were verified equal during the cutover, with the checksums. */
  checksumsVerified: number;
  checksums: { table: string; rows: number; checksum: string }[];
  /** Inserts the writer made through the tenant router while the switch ran, and after it. */
  writes: number;
  /** The longest time a write waited for the cutover, in milliseconds, and where the pause went. */
  longestWritePauseMs: number;
  pauseTimings?: Record<string, number>;
  /** Genre rows on Postgres at the end: Chinook's 25 plus every insert. */
  genresOnTarget: number;
}

/**
 * `byos demo`'s switching part: a fresh copy of the Chinook SQLite tenant (`<dir>/demo-switch.sqlite`) moves to a new
 * database `demo_switch` on the embedded Postgres (`<dir>/postgres`, password in `<dir>/postgres.password`, as the
 * demo keeps it) while a writer keeps inserting genres through the tenant router. Every write must land on Postgres.
 */
export async function demoSwitch(dir: string, options: { onProgress?: (p: SwitchProgress) => void } = {}): Promise<DemoSwitchReport> {
  dir = resolve(dir);
  await mkdir(dir, { recursive: true });
  if (process.getuid?.() === 0) await chmod(dir, 0o755);
  const sqlitePath = join(dir, 'demo-switch.sqlite');
  await rm(sqlitePath, { force: true });
  await copyChinookSqlite(sqlitePath);
  const { server, base } = await startDemoPostgres(dir);
  const stateDir = join(dir, 'switch-state');
  await rm(stateDir, { recursive: true, force: true });
  try {
    const admin = await connect({ ...base, database: 'postgres' });
    try {
      await sql`drop database if exists demo_switch with (force)`.execute(admin.db);
      await sql`create database demo_switch`.execute(admin.db);
    } finally {
      await admin.close();
    }
    const from: ConnectionProfileInput = { tenant: 'demo', provider: 'local-sqlite', dialect: 'sqlite', database: sqlitePath };
    const to: ConnectionProfileInput = { ...base, tenant: 'demo', database: 'demo_switch' };
    const router = createTenantRouter({ profiles: memoryProfileStore({ demo: from }) });
    try {
      let running = true;
      let writes = 0;
      let slowest = 0;
      const writer = (async () => {
        for (let id = 1000; running; id++) {
          const started = performance.now();
          const demo = await router.get('demo');
          await demo.db
            .insertInto('Genre')
            .values({ GenreId: id, Name: `Genre written during the switch #${id - 999}` })
            .execute();
          writes++;
          slowest = Math.max(slowest, performance.now() - started);
          await new Promise((r) => setTimeout(r, 2));
        }
      })();
      let report;
      try {
        report = await switchTenant({ tenant: 'demo', router, to, stateDir, maxLag: 50, onProgress: options.onProgress });
        const atFlip = writes;
        while (writes < atFlip + 20) await new Promise((r) => setTimeout(r, 5));
      } finally {
        running = false;
        await writer;
      }
      const target = await router.get('demo');
      const genres = await target.db
        .selectFrom('Genre')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      const tables = report.verification?.tables ?? [];
      return {
        from: report.from,
        to: report.to,
        rowsMoved: report.rowsCopied,
        changesReplayed: report.changesReplayed,
        checksumsVerified: tables.filter((t) => t.equal).length,
        checksums: tables.map((t) => ({ table: t.table, rows: t.targetRows, checksum: t.targetChecksum })),
        writes,
        longestWritePauseMs: Math.round(Math.max(slowest, router.stats('demo').longestPauseMs)),
        pauseTimings: report.pauseTimings,
        genresOnTarget: Number(genres.n),
      };
    } finally {
      await router.close();
    }
  } finally {
    if (server.owned) await server.stop();
  }
}
