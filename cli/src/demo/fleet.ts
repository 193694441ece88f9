import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectionProfileInput } from '@byos/runtime';

/** The demo's tenants as the console and the operator see them: a stack file each, and ready profiles. */
export const DEMO_MOVE_DATABASE = 'demo_sqlite';

const STACKS: Record<string, string> = {
  'demo-sqlite': `# The demo's SQLite tenant (Chinook), a Singapore customer under PDPA.
config:
  byos:tenant:
    tenant: demo-sqlite
    provider: local-sqlite
    region: local
    residency: SG
    compliance: [pdpa]
`,
  'demo-postgres': `# The demo's Postgres tenant (Chinook) on the embedded server, under GDPR and SOC 2.
config:
  byos:tenant:
    tenant: demo-postgres
    provider: local-postgres
    region: local
    compliance: [gdpr, soc2]
    backup:
      retentionDays: 7
`,
};

/**
 * Writes `<dir>/stacks/Pulumi.<tenant>.yaml` for both demo tenants and their profiles in `<dir>/profiles`
 * (`<tenant>.json`), plus `demo-sqlite.local-postgres.json`: where the console's move wizard can take the SQLite
 * tenant (database demo_sqlite on the embedded server, created empty by the demo). Never a password inline.
 */
export async function writeDemoFleet(dir: string, profiles: { sqlite: ConnectionProfileInput; postgres: ConnectionProfileInput }): Promise<void> {
  // The demo starts over: the console's registry and move journals of an earlier run point at databases it remade.
  await rm(join(dir, 'state'), { recursive: true, force: true });
  await mkdir(join(dir, 'stacks'), { recursive: true });
  await mkdir(join(dir, 'profiles'), { recursive: true });
  for (const [tenant, text] of Object.entries(STACKS)) await writeFile(join(dir, 'stacks', `Pulumi.${tenant}.yaml`), text);
  const write = (name: string, profile: ConnectionProfileInput) => writeFile(join(dir, 'profiles', name), `${JSON.stringify(profile, null, 2)}\n`);
  await write('demo-sqlite.json', profiles.sqlite);
  await write('demo-postgres.json', profiles.postgres);
  await write('demo-sqlite.local-postgres.json', { ...profiles.postgres, tenant: 'demo-sqlite', database: DEMO_MOVE_DATABASE });
}
