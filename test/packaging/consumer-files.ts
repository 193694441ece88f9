import { join } from 'node:path';
import { REPO_ROOT } from './npm-project.ts';

/** Files the test's consumer projects hold: what an application using the published packages would write. */

/** Imports each specifier given on the command line and prints, per specifier, its export count or its error. */
export const IMPORT_ALL_MJS = `const results = {};
for (const specifier of process.argv.slice(2)) {
  try { results[specifier] = Object.keys(await import(specifier)).length; } catch (error) { results[specifier] = String(error.message); }
}
console.log(JSON.stringify(results));
`;

/** A typed consumer of the runtime: writes to a SQLite file, closes it, opens it again and reads back. */
export const CONSUMER_TS = `import { connect, introspect, type ConnectionProfileInput } from '@byos/runtime';

interface Database {
  notes: { id: number; body: string };
}

const profile: ConnectionProfileInput = { tenant: 'notes', provider: 'local-sqlite', dialect: 'sqlite', database: process.argv[2]! };
const writer = await connect<Database>(profile);
await writer.db.schema.createTable('notes').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('body', 'text', (c) => c.notNull()).execute();
await writer.db.insertInto('notes').values([{ id: 1, body: 'first note, héllo' }, { id: 2, body: 'second' }]).execute();
await writer.close();

const reader = await connect<Database>(profile);
const notes: { id: number; body: string }[] = await reader.db.selectFrom('notes').select(['id', 'body']).orderBy('id').execute();
// @ts-expect-error the typed handle knows its tables: a wrong one does not compile.
reader.db.selectFrom('no_such_table');
const model = await introspect(reader);
await reader.close();
console.log(JSON.stringify({ notes, tables: model.tables.map((t) => t.name) }));
`;

/** What CONSUMER_TS prints. */
export const CONSUMER_OUTPUT = {
  notes: [
    { id: 1, body: 'first note, héllo' },
    { id: 2, body: 'second' },
  ],
  tables: ['notes'],
};

/** tsc --strict, module nodenext, emitting build/consumer.js. */
export const CONSUMER_TSCONFIG = {
  compilerOptions: {
    strict: true,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2023',
    outDir: 'build',
    // Node's own types from the repository (an application has @types/node); the runtime's come from its tarball.
    typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
    types: ['node'],
  },
  files: ['consumer.ts'],
};
