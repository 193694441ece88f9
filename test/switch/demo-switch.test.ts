import { chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoSwitch } from '../../cli/src/demo/switch.ts';
import { freshSqlitePath } from '../helpers/databases.ts';

describe('demoSwitch', () => {
  it('moves the Chinook SQLite tenant to the embedded Postgres under a writer; every insert lands on Postgres', async () => {
    const parent = dirname(await freshSqlitePath('demo_switch'));
    await chmod(parent, 0o755); // as root, the embedded server runs as postgres and must reach its data folder
    const dir = join(parent, 'demo');
    const report = await demoSwitch(dir);
    console.log(
      `demoSwitch: ${report.rowsMoved} rows moved, ${report.checksumsVerified} checksums verified, ${report.writes} writes, longest write pause ${report.longestWritePauseMs} ms`,
    );
    expect(report.rowsMoved).toBeGreaterThan(15_000);
    expect(report.checksumsVerified).toBe(11);
    expect(report.checksums.find((c) => c.table === 'Track')?.rows).toBe(3503);
    expect(report.writes).toBeGreaterThan(20);
    expect(report.genresOnTarget).toBe(25 + report.writes);
    expect(report.to).toMatch(/^local-postgres:postgres:.*demo_switch$/);
  });
});
