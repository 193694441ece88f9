import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { scratchProject, typecheck } from '../helpers/scratch.ts';

it('byos demo generates the types of both tenants, and they type the Chinook queries', async () => {
  const dir = await scratchProject('typegen-demo');
  await chmod(dir, 0o755); // as root the embedded server runs as `postgres` and must reach the data folder below
  const demo = join(dir, 'demo');
  const result = await runCli(['demo', '--dir', demo, '--quick', '--json']);
  expect(result.code, result.stderr).toBe(0);
  const report = JSON.parse(result.stdout) as { tenants: { tenant: string; types: string }[] };
  expect(report.tenants.map((t) => [t.tenant, t.types])).toEqual([
    ['demo-sqlite', join(demo, 'demo-sqlite.types.ts')],
    ['demo-postgres', join(demo, 'demo-postgres.types.ts')],
  ]);
  expect(await readFile(join(demo, 'demo-postgres.types.ts'), 'utf8')).toContain('export const AlbumRowSchema = z.object({');

  await writeFile(
    join(dir, 'checks.ts'),
    `import type { Kysely } from 'kysely';
import type { DB as SqliteDB, TrackRow as SqliteTrack } from './demo/demo-sqlite.types.ts';
import type { DB as PostgresDB, TrackRow as PostgresTrack } from './demo/demo-postgres.types.ts';
declare const sqlite: Kysely<SqliteDB>;
declare const postgres: Kysely<PostgresDB>;

export async function checks() {
  const a: SqliteTrack = await sqlite.selectFrom('Track').selectAll().executeTakeFirstOrThrow();
  const b: PostgresTrack = await postgres.selectFrom('track').selectAll().executeTakeFirstOrThrow();
  // SQLite hands NUMERIC back as a number; node-postgres hands numeric back as a string.
  const price: [number, string] = [a.UnitPrice, b.unit_price];
  // @ts-expect-error the Postgres tenant's tables are snake_case
  await postgres.selectFrom('Track').selectAll().execute();
  return price;
}
`,
  );
  await typecheck(dir);
});
