import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIALECTS, type DialectName } from '../contracts/connection-profile.ts';
import { type MigrationOp, parseMigrationOps, type PerDialectSql } from '../contracts/migration-op.ts';

/** One migration file, loaded and validated. */
export interface Migration {
  /** The leading digits of the file name (`0001`); migrations run in the numeric order of their ids. */
  id: string;
  /** The rest of the file name without its extension (`create_customers`). */
  name: string;
  /** Absolute path. */
  file: string;
  /** sha256 of the file's bytes, hex: an applied migration whose file changed is refused. */
  checksum: string;
  kind: 'ops' | 'sql';
  /** A SQL file is one `sql` op: its up and down sections. */
  ops: MigrationOp[];
}

/** `0001_create_customers.ts`, `0002_backfill.sql`. */
const FILE_NAME = /^(\d+)_([A-Za-z0-9][A-Za-z0-9_.-]*)\.(ts|mts|sql)$/;

/** Files a migration folder may hold besides migrations. */
const IGNORED = /^(\.|README|.*\.md$|.*\.d\.ts$)/i;

/**
 * Loads every migration in `dir`, ordered by id. A TypeScript migration exports `export default { ops: [...] }`
 * (typed `MigrationOpInput[]`, validated by parseMigrationOps); a SQL migration has `-- byos:up` and `-- byos:down`
 * sections (see parseSqlMigration). Any other file, two files with one id, or an invalid migration is an error
 * naming the file.
 */
export async function loadMigrations(dir: string): Promise<Migration[]> {
  const root = resolve(dir);
  let names: string[];
  try {
    names = await readdir(root);
  } catch (error) {
    throw new Error(`cannot read the migration folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const migrations: Migration[] = [];
  for (const name of names.sort()) {
    if (IGNORED.test(name)) continue;
    const match = FILE_NAME.exec(name);
    if (!match) throw new Error(`${join(dir, name)}: not a migration file name (expected <digits>_<name>.ts or .sql, such as 0001_create_customers.ts)`);
    const file = join(root, name);
    const bytes = await readFile(file);
    const kind = match[3] === 'sql' ? 'sql' : 'ops';
    migrations.push({
      id: match[1]!,
      name: match[2]!,
      file,
      checksum: checksumOf(bytes),
      kind,
      ops: kind === 'sql' ? [parseSqlMigration(bytes.toString('utf8'), file)] : await loadOpsModule(file, checksumOf(bytes)),
    });
  }
  migrations.sort((a, b) => compareIds(a.id, b.id));
  for (let i = 1; i < migrations.length; i++) {
    const [a, b] = [migrations[i - 1]!, migrations[i]!];
    if (compareIds(a.id, b.id) === 0) throw new Error(`two migrations share id ${b.id}: ${a.file} and ${b.file}`);
  }
  return migrations;
}

/** Numeric order of ids (`2` before `10`); `0002` and `2` are the same id. */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function checksumOf(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function loadOpsModule(file: string, checksum: string): Promise<MigrationOp[]> {
  let module: { default?: unknown };
  try {
    // The checksum in the URL: an edited file is a new module, not the one this process cached.
    module = (await import(`${pathToFileURL(file).href}?sha256=${checksum}`)) as { default?: unknown };
  } catch (error) {
    throw new Error(`${file}: cannot load the migration: ${(error as Error).message}`);
  }
  const exported = module.default as { ops?: unknown } | undefined;
  if (!exported || typeof exported !== 'object' || !('ops' in exported)) {
    throw new Error(`${file}: a migration must \`export default { ops: [...] }\``);
  }
  return parseMigrationOps(exported.ops, file);
}

/**
 * A SQL migration: `-- byos:up` then its SQL, `-- byos:down` then the SQL that undoes it. A section marker may name
 * a dialect (`-- byos:up postgres`); an unnamed section is the text for every dialect that has no named one.
 * Without any down section the migration cannot be reverted. Text before the first marker is an error (it would
 * belong to neither direction).
 */
export function parseSqlMigration(text: string, file: string): Extract<MigrationOp, { op: 'sql' }> {
  const sections: { direction: 'up' | 'down'; dialect: DialectName | null; lines: string[] }[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, at) => {
    const marker = /^\s*--\s*byos:(\S+)\s*(\S*)\s*$/.exec(line);
    if (marker) {
      const [, direction, dialect] = marker;
      if (direction !== 'up' && direction !== 'down') throw new Error(`${file}:${at + 1}: unknown section byos:${direction} (expected byos:up or byos:down)`);
      if (dialect && !(DIALECTS as readonly string[]).includes(dialect))
        throw new Error(`${file}:${at + 1}: unknown dialect ${dialect} (expected one of ${DIALECTS.join(', ')})`);
      const key = dialect ? (dialect as DialectName) : null;
      if (sections.some((s) => s.direction === direction && s.dialect === key))
        throw new Error(`${file}:${at + 1}: a second byos:${direction}${dialect ? ` ${dialect}` : ''} section`);
      sections.push({ direction, dialect: key, lines: [] });
      return;
    }
    const current = sections.at(-1);
    if (current) current.lines.push(line);
    else if (line.trim() && !line.trim().startsWith('--')) throw new Error(`${file}:${at + 1}: SQL before the first -- byos:up section`);
  });
  const collect = (direction: 'up' | 'down'): PerDialectSql | null => {
    const mine = sections.filter((s) => s.direction === direction);
    if (!mine.length) return null;
    const out: PerDialectSql = {};
    const shared = mine.find((s) => s.dialect === null);
    for (const dialect of DIALECTS) {
      const section = mine.find((s) => s.dialect === dialect) ?? shared;
      const body = section?.lines.join('\n').trim();
      if (body) out[dialect] = body;
    }
    return out;
  };
  const up = collect('up');
  if (!up || !Object.keys(up).length) throw new Error(`${file}: no SQL in a -- byos:up section`);
  return { op: 'sql', up, down: collect('down') };
}
