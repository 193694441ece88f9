import type { Command } from 'commander';

/** A command registers itself (and its options and help) on the program. */
export type RegisterCommand = (program: Command) => void;

/**
 * The command modules, each imported only when one of its commands runs (or shows its help): `byos --help` and a
 * command's start-up pay for that command alone. Add new commands here and in COMMANDS below.
 */
export const COMMAND_MODULES = {
  init: async () => (await import('./init.ts')).registerInit,
  introspect: async () => (await import('./introspect.ts')).registerIntrospect,
  kit: async () => (await import('./kit.ts')).registerKit,
  types: async () => (await import('./types.ts')).registerTypes,
  demo: async () => (await import('./demo.ts')).registerDemo,
  policy: async () => (await import('./policy.ts')).registerPolicy,
  migrate: async () => (await import('./migrate.ts')).registerMigrate,
  migrateAuthoring: async () => (await import('./migrate-authoring.ts')).registerMigrateAuthoring,
  pii: async () => (await import('./pii.ts')).registerPii,
  copy: async () => (await import('./copy.ts')).registerCopy,
  verify: async () => (await import('./verify.ts')).registerVerify,
  backup: async () => (await import('./backup.ts')).registerBackup,
  keys: async () => (await import('./keys.ts')).registerKeys,
  audit: async () => (await import('./audit.ts')).registerAudit,
  import: async () => (await import('./import.ts')).registerImport,
  export: async () => (await import('./export.ts')).registerExport,
  operator: async () => (await import('./operator.ts')).registerOperator,
  switch: async () => (await import('./switch.ts')).registerSwitch,
  console: async () => (await import('./console.ts')).registerConsole,
} satisfies Record<string, () => Promise<RegisterCommand>>;

export type CommandModule = keyof typeof COMMAND_MODULES;

export interface CommandEntry {
  /** The top-level command name. */
  name: string;
  /** Its line in `byos --help`: what commander prints for the loaded command (a test keeps them equal). */
  term: string;
  description: string;
  /** The modules that register it (in order: `migrate` is grown by a second module). */
  modules: CommandModule[];
}

/** Every top-level command, in help order. */
export const COMMANDS: CommandEntry[] = [
  {
    name: 'init',
    term: 'init [options] [dir]',
    description: 'scaffold a project: a local tenant stack, the Pulumi program, migrations, a GitHub workflow, package.json, .env.example',
    modules: ['init'],
  },
  { name: 'introspect', term: 'introspect [options]', description: 'read a live database into a dialect-neutral SchemaModel', modules: ['introspect'] },
  {
    name: 'kit',
    term: 'kit [options]',
    description: "print copy-paste connection code (and a .env template) for a tenant's profile; the password is never printed",
    modules: ['kit'],
  },
  {
    name: 'types',
    term: 'types [options]',
    description: 'generate TypeScript row/insert/update types, Zod schemas and the Kysely DB interface from a live database',
    modules: ['types'],
  },
  {
    name: 'demo',
    term: 'demo [options]',
    description:
      'the main job on the embedded default: SQLite and embedded-Postgres Chinook tenants, introspected, typed, migrated, imported into, scanned for PII, encrypted, and switched live from SQLite to Postgres',
    modules: ['demo'],
  },
  { name: 'policy', term: 'policy', description: 'the compliance policy pack, offline (no cloud credentials, no Pulumi CLI)', modules: ['policy'] },
  {
    name: 'migrate',
    term: 'migrate',
    description: 'portable schema migrations: one folder of ops for every dialect, with plan, rollback, lint and drift',
    modules: ['migrate', 'migrateAuthoring'],
  },
  { name: 'pii', term: 'pii', description: 'personal data in a tenant database: find it, map it to PDPA, GDPR and HIPAA', modules: ['pii'] },
  {
    name: 'copy',
    term: 'copy [options]',
    description:
      'copy a database into another: between two Postgres every object in its own terms (schemas, types, functions, triggers, policies, grants…); between engines the tables through the neutral model, refusing until every loss is accepted',
    modules: ['copy'],
  },
  {
    name: 'verify',
    term: 'verify [options]',
    description:
      'compare two databases: every schema object (same engine: definitions of tables, keys, indexes, functions, triggers, policies, grants, sequences; across engines the neutral schema), then table by table row counts, checksums per key range, sampled rows',
    modules: ['verify'],
  },
  { name: 'backup', term: 'backup', description: 'backups of tenant databases', modules: ['backup'] },
  { name: 'keys', term: 'keys', description: 'field-encryption keys: a local development KEK, the key ring, rotation', modules: ['keys'] },
  { name: 'audit', term: 'audit', description: 'tamper-evident audit trail: capture, record, seal, checkpoint, verify', modules: ['audit'] },
  {
    name: 'import',
    term: 'import [options] <file>',
    description: 'import a CSV/TSV or XLSX file into a table: headers mapped, rows validated, loaded in one transaction',
    modules: ['import'],
  },
  {
    name: 'export',
    term: 'export [options]',
    description: 'export a table or a query to CSV or XLSX, streaming; cells a spreadsheet would run as formulas are neutralised',
    modules: ['export'],
  },
  {
    name: 'plan',
    term: 'plan [options]',
    description: 'what reconcile would do for each tenant, from the specs in git and the recorded state',
    modules: ['operator'],
  },
  {
    name: 'reconcile',
    term: 'reconcile [options]',
    description: 'make every tenant match its spec in git: provision, migrate, switch, retire',
    modules: ['operator'],
  },
  {
    name: 'switch',
    term: 'switch [options] <tenant>',
    description: 'move a live tenant to another database (capture, copy, replay, verified cutover), or roll it back',
    modules: ['switch'],
  },
  {
    name: 'console',
    term: 'console [options]',
    description: 'the web console: fleet, compliance, schemas, imports, migrations and moves in a browser (local, token-protected)',
    modules: ['console'],
  },
];
