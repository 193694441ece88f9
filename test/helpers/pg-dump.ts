import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { REPO_ROOT } from './cli.ts';
import { SYSTEM_PG_BIN } from './system-postgres.ts';

const run = promisify(execFile);

/** Client binaries of one PostgreSQL major version (pg_dump refuses a server newer than itself). */
export interface PgTools {
  pgDump: string;
  pgRestore: string;
  psql: string;
  /** The server's major version, which the binaries match. */
  major: number;
}

/** Where each major's client tools come from: see scripts/pg-tools.sh, which installs both. */
function binDirFor(major: number): string | undefined {
  if (major === 18) return join(REPO_ROOT, '.tools', 'pg18', 'bin'); // from Debian sid (bookworm has no 18)
  if (major === 15) return SYSTEM_PG_BIN; // Debian bookworm's postgresql-client-15, or BYOS_SYSTEM_PG_BIN
  const debian = `/usr/lib/postgresql/${major}/bin`; // any other major a machine happens to have
  return existsSync(debian) ? debian : undefined;
}

/** The server's major version (`server_version_num` / 10000). */
export async function serverMajor(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>('SELECT current_setting($1) AS v', ['server_version_num']);
    return Math.floor(Number(rows[0]!.v) / 10000);
  } finally {
    await client.end();
  }
}

/**
 * pg_dump, pg_restore and psql of the same major version as the server at `url`. Throws, naming
 * `bash scripts/pg-tools.sh`, when this machine does not have them.
 */
export async function pgToolsFor(url: string): Promise<PgTools> {
  const major = await serverMajor(url);
  const dir = binDirFor(major);
  const tools = dir && { pgDump: join(dir, 'pg_dump'), pgRestore: join(dir, 'pg_restore'), psql: join(dir, 'psql'), major };
  if (!tools || ![tools.pgDump, tools.pgRestore, tools.psql].every((f) => existsSync(f))) {
    throw new Error(
      `no PostgreSQL ${major} client tools (pg_dump, pg_restore, psql)${dir ? ` in ${dir}` : ''}: run \`bash scripts/pg-tools.sh\`` +
        (major === 15 || major === 18 ? '' : ` (it provides majors 15 and 18 only; this server is ${major})`),
    );
  }
  return tools;
}

/**
 * What a client binary needs to reach `url` without the password on its command line (where `ps` shows it): the
 * URL without its password, for --dbname, and an environment carrying it as PGPASSWORD. PG* variables of the
 * test process that could redirect the connection are dropped.
 */
export function clientConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PG')) env[k] = v;
  if (password) env.PGPASSWORD = password;
  return { dbname: parsed.toString(), env };
}

/** Runs a client binary against `url` (password via PGPASSWORD); rejects with its stderr. */
export async function runClient(
  binary: string,
  url: string,
  args: string[],
  options: { env?: Record<string, string> } = {},
): Promise<{ stdout: string; stderr: string }> {
  const { dbname, env } = clientConnection(url);
  try {
    return await run(binary, [...args, `--dbname=${dbname}`], { env: { ...env, ...options.env }, maxBuffer: 512 * 1024 * 1024 });
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`${binary.split('/').pop()} failed: ${(stderr || message).trim().split('\n').slice(-20).join('\n')}`);
  }
}

/**
 * `pg_dump --schema-only` of the database at `url` with the pg_dump matching its server, normalised so that two
 * dumps of databases with the same schema compare equal as strings:
 *  - comment lines (starting `--`: the banner, "Dumped from/by" versions, the per-object `-- Name: …; Owner: …`
 *    headers) are dropped;
 *  - session settings at the top (`SET …` and `SELECT pg_catalog.set_config(…)` lines) are dropped;
 *  - pg_dump 18's `\restrict KEY` / `\unrestrict KEY` lines (a random key per dump) are dropped;
 *  - runs of blank lines become one blank line; leading and trailing blank lines go.
 * The rules are per line, so they also apply to the same lines inside function bodies, identically on both sides.
 * Owners and grants stay in (`ALTER … OWNER TO`, `GRANT`), as do comments on objects (`COMMENT ON`).
 * `extraArgs` go to pg_dump (e.g. `['--no-owner']`, `['--schema=test']`).
 */
export async function schemaDump(url: string, extraArgs: string[] = []): Promise<string> {
  const { pgDump } = await pgToolsFor(url);
  const { stdout } = await runClient(pgDump, url, ['--schema-only', '--no-password', ...extraArgs]);
  return normaliseDump(stdout);
}

/** The normalisation of {@link schemaDump}, for dumps obtained otherwise. */
export function normaliseDump(dump: string): string {
  const kept = dump
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => !/^--/.test(line) && !/^SET /.test(line) && !/^SELECT pg_catalog\.set_config\(/.test(line) && !/^\\(un)?restrict /.test(line));
  return `${kept
    .join('\n')
    .replace(/\n(?:[ \t]*\n)+/g, '\n\n')
    .replace(/^\s*\n/, '')
    .trimEnd()}\n`;
}

/**
 * A short, readable diff of two texts (dumps) for assertion messages: `-` lines only in `a`, `+` lines only in `b`,
 * grouped under `@@ a:LINE b:LINE @@` headers with one line of context, at most `maxLines` (40) changed lines,
 * then a count of the rest. Empty when the texts are equal.
 */
export function dumpDiff(a: string, b: string, maxLines = 40): string {
  if (a === b) return '';
  const x = a.split('\n');
  const y = b.split('\n');
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start++;
  let endX = x.length;
  let endY = y.length;
  while (endX > start && endY > start && x[endX - 1] === y[endY - 1]) endX--, endY--;
  const ops = diffMiddle(x.slice(start, endX), y.slice(start, endY));
  // ops over the middle; turn into hunks with line numbers (1-based) in a and b.
  const out: string[] = [`--- a (${x.length} lines)`, `+++ b (${y.length} lines)`];
  let shown = 0;
  let total = 0;
  let ia = start;
  let ib = start;
  let lastWasChange = false;
  for (let k = 0; k < ops.length; k++) {
    const op = ops[k]!;
    if (op.kind === ' ') {
      if (lastWasChange && shown < maxLines) out.push(` ${op.line}`);
      lastWasChange = false;
      ia++, ib++;
      continue;
    }
    total++;
    if (shown < maxLines) {
      if (!lastWasChange) {
        out.push(`@@ a:${ia + 1} b:${ib + 1} @@`);
        const context = ia > 0 ? x[ia - 1] : undefined;
        if (context !== undefined) out.push(` ${context}`);
      }
      out.push(`${op.kind}${op.line}`);
      shown++;
    }
    lastWasChange = true;
    if (op.kind === '-') ia++;
    else ib++;
  }
  if (total > shown) out.push(`... and ${total - shown} more changed lines`);
  return out.join('\n');
}

type DiffOp = { kind: ' ' | '-' | '+'; line: string };

/** Line diff by longest common subsequence; for very large differing middles, everything as removed then added. */
function diffMiddle(x: string[], y: string[]): DiffOp[] {
  const n = x.length;
  const m = y.length;
  if (n * m > 4_000_000) return [...x.map((line) => ({ kind: '-' as const, line })), ...y.map((line) => ({ kind: '+' as const, line }))];
  // lcs[i][j] = LCS length of x[i..] and y[j..], in one flat array.
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] = x[i] === y[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  const ops: DiffOp[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) ops.push({ kind: ' ', line: x[i++]! }), j++;
    else if (lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!) ops.push({ kind: '-', line: x[i++]! });
    else ops.push({ kind: '+', line: y[j++]! });
  }
  while (i < n) ops.push({ kind: '-', line: x[i++]! });
  while (j < m) ops.push({ kind: '+', line: y[j++]! });
  return ops;
}
