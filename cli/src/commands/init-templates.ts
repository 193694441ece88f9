/**
 * The files `byos init` writes: a Pulumi project whose program is the one @byos/pulumi ships, one local tenant, a
 * migrations folder, a GitHub workflow, and the package.json, .env.example and .gitignore around them. Every path
 * and flag here is what the other commands read by default (`byos plan` reads stacks/, `byos policy check --stack T`
 * reads stacks/Pulumi.T.yaml), so the scaffold works with no flags; test/cli/init.test.ts runs them on it.
 */

export const LOCAL_PROVIDERS = ['local-sqlite', 'local-postgres'] as const;
export type LocalProvider = (typeof LOCAL_PROVIDERS)[number];

export interface ScaffoldOptions {
  /** npm package and Pulumi project name. */
  project: string;
  /** TenantSpec id of the one tenant; also its stack name. */
  tenant: string;
  provider: LocalProvider;
  /** Version of byos and the @byos packages to depend on (the CLI's own). */
  version: string;
}

export interface ScaffoldFile {
  /** Relative to the project folder, `/`-separated. */
  path: string;
  text: string;
}

/** Where the editors find the schemas once `npm install` has run, relative to the project folder. */
const SCHEMAS = 'node_modules/@byos/runtime/schemas';

/** Port of the embedded PostgreSQL of local-postgres tenants: not 5432, which a system server may hold. */
const LOCAL_POSTGRES_PORT = 54329;

/** The SQLite file of a local-sqlite tenant: where @byos/pulumi's local provider puts it (providers/local.ts). */
export function localSqliteFile(tenant: string): string {
  return `.byos/tenants/${tenant}.sqlite`;
}

/** The ready profile of a local-sqlite tenant, under profiles/ as `byos reconcile --profiles` looks for it. */
export function profileFile(tenant: string, provider: LocalProvider): string {
  return `profiles/${tenant}.${provider}.json`;
}

/** A name npm and Pulumi both accept, from a folder name: `My App` → `my-app`. */
export function projectName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[._-]+$/g, '')
    .slice(0, 100);
  return name || 'byos-app';
}

export function scaffoldFiles(options: ScaffoldOptions): ScaffoldFile[] {
  const files: ScaffoldFile[] = [
    { path: 'package.json', text: packageJson(options) },
    { path: 'Pulumi.yaml', text: pulumiYaml(options) },
    { path: 'index.js', text: programJs() },
    { path: `stacks/Pulumi.${options.tenant}.yaml`, text: stackYaml(options) },
  ];
  if (options.provider === 'local-sqlite') files.push({ path: profileFile(options.tenant, options.provider), text: sqliteProfile(options.tenant) });
  files.push(
    { path: 'migrations/0001_create_notes.sql', text: firstMigration() },
    { path: 'migrations/README.md', text: migrationsReadme(options) },
    { path: '.github/workflows/byos.yml', text: workflow() },
    { path: '.env.example', text: envExample(options) },
    { path: '.gitignore', text: gitignore() },
  );
  return files;
}

function packageJson({ project, tenant, provider, version }: ScaffoldOptions): string {
  const range = `^${version}`;
  const scripts: Record<string, string> = {
    plan: 'byos plan --migrations migrations',
    policy: `byos policy check --stack ${tenant}`,
  };
  if (provider === 'local-sqlite') scripts.migrate = `byos migrate up --profile ${profileFile(tenant, provider)} --dir migrations`;
  const manifest = {
    name: project,
    version: '0.1.0',
    private: true,
    type: 'module',
    description: 'Per-tenant databases with BYOS: one Pulumi stack per tenant in stacks/, migrations in migrations/',
    // The installed packages are plain JavaScript; the byos CLI needs 22.14 (its SQLite driver needs Node-API 10).
    engines: { node: '>=22.14' },
    scripts,
    dependencies: { '@byos/pulumi': range, '@byos/runtime': range },
    devDependencies: { '@byos/policies': range, byos: range },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function pulumiYaml({ project }: ScaffoldOptions): string {
  return `# One Pulumi stack per tenant: stacks/Pulumi.<tenant>.yaml, whose byos:tenant config holds the tenant's TenantSpec.
# \`pulumi stack init <tenant>\` then \`pulumi up\` provisions it; \`byos reconcile\` does the same for every tenant.
name: ${project}
description: Per-tenant databases; each stack's byos:tenant config holds its TenantSpec
main: index.js
stackConfigDir: stacks
runtime:
  name: nodejs
  options:
    # index.js is plain JavaScript (package.json "type": "module"): no ts-node, no type stripping, any Node >= 22.14.
    typescript: false
    packagemanager: npm
`;
}

function programJs(): string {
  return `// The Pulumi program (Pulumi.yaml \`main\`): the one @byos/pulumi ships. It reads the stack's byos:tenant config (a
// TenantSpec), declares the tenant's database on its provider and exports its connection profile (a secret) and
// plain facts (tenant, provider, region, dialect, host, port, database) as stack outputs.
export * from '@byos/pulumi/program';
`;
}

function stackYaml({ tenant, provider }: ScaffoldOptions): string {
  const where =
    provider === 'local-sqlite'
      ? `a SQLite file (${localSqliteFile(tenant)}). No cloud account, no server.`
      : `a database on the embedded PostgreSQL in .byos/postgres (port ${LOCAL_POSTGRES_PORT}). No cloud account.`;
  const port = provider === 'local-postgres' ? `  byos:localPostgresPort: ${LOCAL_POSTGRES_PORT}\n` : '';
  return `# yaml-language-server: $schema=../${SCHEMAS}/tenant-stack.schema.json
# The tenant "${tenant}": ${where}
# Read by \`byos plan\`, \`byos policy check --stack ${tenant}\` and \`pulumi up\` (stack ${tenant}). To move the tenant to a
# cloud database, change provider and region (and add residency, compliance, …): \`byos plan\` shows the switch.
config:
${port}  byos:tenant:
    tenant: ${tenant}
    provider: ${provider}
    region: local
`;
}

function sqliteProfile(tenant: string): string {
  const profile = {
    $schema: `../${SCHEMAS}/connection-profile.schema.json`,
    tenant,
    provider: 'local-sqlite',
    dialect: 'sqlite',
    database: localSqliteFile(tenant),
  };
  return `${JSON.stringify(profile, null, 2)}\n`;
}

function firstMigration(): string {
  return `-- The first migration, an example: replace it with your own. Files run in the order of their leading number.
-- Plain SQL that SQLite and PostgreSQL both read; a section marker may name a dialect (byos:up postgres).
-- byos:up
CREATE TABLE notes (
  id INTEGER PRIMARY KEY,
  body TEXT NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
-- byos:down
DROP TABLE notes;
`;
}

function migrationsReadme({ tenant, provider }: ScaffoldOptions): string {
  const connection = provider === 'local-sqlite' ? `--profile ${profileFile(tenant, provider)}` : '--url "$BYOS_URL"';
  return `# Migrations

One file per migration, run in the order of the number that starts its name: \`0001_create_notes.sql\`,
\`0002_add_index.sql\`. A SQL file has a \`-- byos:up\` section and a \`-- byos:down\` section (the undo);
\`byos migrate new "add a text column email to notes" --dir migrations\` writes a portable one from a sentence, as a
TypeScript file (\`export default { ops: [...] }\`): Node runs it as is from 22.18 on (type stripping), so a project on
Node 22.14-22.17 keeps to SQL migrations. This README is not a migration (Markdown files are skipped).

    byos migrate lint --dir migrations                    # the safety analysis
    byos migrate plan ${connection} --dir migrations
    byos migrate up ${connection} --dir migrations
    byos plan --migrations migrations                     # pending migrations per tenant
`;
}

function workflow(): string {
  return `# On pull requests that change a tenant spec, a migration or the program: the offline policy gate on every tenant
# (no cloud credentials: the program runs under Pulumi's mocks), then \`byos plan\` (what \`byos reconcile\` would do
# after the merge), posted on the pull request. Commit package-lock.json (\`npm install\` writes it) for \`npm ci\`.
name: byos

on:
  pull_request:
    paths: ['stacks/**', 'migrations/**', 'Pulumi.yaml', 'index.js', 'package.json', 'package-lock.json', '.github/workflows/byos.yml']

permissions:
  contents: read

jobs:
  policy-and-plan:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pull-requests: write
    steps:
      - uses: actions/checkout@v4
      - name: Recorded state (what reconcile last did per tenant)
        uses: actions/checkout@v4
        continue-on-error: true # no byos-state branch yet: every tenant plans as new
        with:
          ref: byos-state
          path: .byos/state
      - uses: actions/setup-node@v4
        with:
          node-version: 22
      - run: npm ci
      - name: Policy gate
        shell: bash
        run: |
          status=0
          for file in stacks/Pulumi.*.yaml; do
            tenant=$(basename "$file" .yaml); tenant=\${tenant#Pulumi.}
            npx byos policy check --stack "$tenant" || status=1
          done
          exit $status
      - name: Plan
        shell: bash # -o pipefail: the step fails when byos plan does, not only when tee does
        run: npx byos plan --migrations migrations | tee plan.txt
      - name: Post the plan
        uses: actions/github-script@v7
        with:
          script: |
            const body = '### byos plan\\n\`\`\`\\n' + require('fs').readFileSync('plan.txt', 'utf8') + '\\n\`\`\`';
            await github.rest.issues.createComment({ ...context.repo, issue_number: context.issue.number, body });
`;
}

function envExample({ tenant, provider }: ScaffoldOptions): string {
  const url =
    provider === 'local-sqlite'
      ? `BYOS_URL=sqlite:${localSqliteFile(tenant)}`
      : `# BYOS_URL=postgres://postgres:PASSWORD@127.0.0.1:${LOCAL_POSTGRES_PORT}/${tenant.replace(/-+/g, '_')}`;
  return `# Copy to .env, which git ignores (.gitignore). byos reads .env from the current folder before its options; a
# variable already set in the shell wins. Keep passwords here or in the shell, not on the command line.

# The database of introspect, types, export, import, pii scan, migrate, … when --url is not given:
${url}
# The source and target of copy, verify and switch:
# BYOS_FROM_URL=
# BYOS_TO_URL=
# pulumi up / byos reconcile with a self-managed Pulumi state backend (pulumi login file://…):
# PULUMI_CONFIG_PASSPHRASE=
`;
}

function gitignore(): string {
  return `node_modules/
# Local tenants' data and what reconcile records (the state belongs on its own branch, see the workflow).
.byos/
.env
`;
}
