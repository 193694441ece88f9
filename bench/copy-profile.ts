/**
 * Where a Postgres → Postgres copy spends its time: `node bench/copy-profile.ts [options]` fills the benchmark's
 * shop data set (bench/copy-pg.ts) into a throwaway PostgreSQL 15 source, then runs each tool into a fresh database
 * of a throwaway target with every statement logged on both servers (log_min_duration_statement = 0, autovacuum,
 * temporary files and checkpoints too), and breaks each run into phases from the logs: per category of statement
 * the number, the busy time (sum of durations, over all sessions), the wall time covered (union of intervals) and
 * when it first started and last ended, relative to the tool's start.
 *
 *   --rows N            rows of the data set (default BYOS_BENCH_COPY_ROWS or 1.6M)
 *   --jobs N            byos --jobs, pgcopydb --table-jobs and --index-jobs (default 2)
 *   --byos "ARGS"       a byos variant with extra CLI arguments and NAME=VALUE environment words (commas in VALUE
 *                       become spaces: "PGOPTIONS=-csynchronous_commit=off --batch-size 10000"); repeatable; default one
 *                       variant, no extra arguments
 *   --no-pgcopydb       do not run pgcopydb
 *   --rounds N          run every variant N times, alternated (default 1)
 *   --target-setting k=v  a setting of the target server (repeatable), e.g. maintenance_work_mem=1GB
 *   --gantt MS          also list every statement of at least MS milliseconds (default 0: none)
 *   --json FILE         write the parsed runs as JSON
 */
import { readFile, writeFile, mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { sqlOn } from '../test/helpers/sql.ts';
import { startSystemPostgres, type SystemPostgres } from '../test/helpers/system-postgres.ts';
import { admin, fillShop, freshRunDatabase, type Measured, measure, PG_ROWS, runByos, runPgcopydb, type ToolRun, urlOf, warmUp } from './copy-pg.ts';
import { median } from './run.ts';

interface Entry {
  /** Server log time at which the statement ended (ms since epoch), its duration, and derived start. */
  end: number;
  ms: number;
  start: number;
  pid: string;
  db: string;
  app: string;
  side: 'source' | 'target';
  category: string;
  text: string;
}

interface Extra {
  side: 'source' | 'target';
  at: number;
  kind: 'autovacuum' | 'autoanalyze' | 'temp file' | 'checkpoint';
  what: string;
  /** Seconds (autovacuum/analyze elapsed, checkpoint total) or bytes (temp file). */
  value: number;
}

const LOG_SETTINGS = {
  log_min_duration_statement: '0',
  log_line_prefix: "'%m#%p#%d#%a# '",
  log_timezone: "'UTC'",
  log_temp_files: '0',
  log_autovacuum_min_duration: '0',
  log_checkpoints: 'on',
};

/** Turns on statement logging (all reloadable settings) and returns where the server writes its log. */
async function enableLogging(server: SystemPostgres): Promise<{ log: string }> {
  for (const [k, v] of Object.entries(LOG_SETTINGS)) await admin(server, `ALTER SYSTEM SET ${k} = ${v}`);
  await admin(server, 'SELECT pg_reload_conf()');
  const [{ d }] = await sqlOn<{ d: string }>(server.url, "SELECT current_setting('data_directory') AS d");
  // startSystemPostgres starts the server with `pg_ctl -l ROOT/log`, ROOT holding the data directory.
  return { log: join(dirname(d), 'log') };
}

const PREFIX = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) UTC#(\d+)#([^#]*)#([^#]*)# (\w+): {2}(.*)$/;

function parseLog(text: string, side: 'source' | 'target', from: number, to: number): { entries: Entry[]; extras: Extra[] } {
  const entries: Entry[] = [];
  const extras: Extra[] = [];
  // Join continuation lines (a tab or no prefix) to the entry they belong to.
  const records: string[] = [];
  for (const line of text.split('\n')) {
    if (PREFIX.test(line) || !records.length) records.push(line);
    else records[records.length - 1] += `\n${line}`;
  }
  for (const record of records) {
    const m = PREFIX.exec(record.split('\n')[0]!);
    if (!m) continue;
    const at = Date.parse(`${m[1]!.replace(' ', 'T')}Z`);
    if (at < from || at > to + 1000) continue;
    const [, , pid, db, app, level] = m;
    const body = record.slice(record.indexOf(`${level}:  `) + level!.length + 3);
    const duration = /^duration: ([\d.]+) ms {2}(?:statement|execute [^:]*|parse [^:]*|bind [^:]*): ([\s\S]*)$/.exec(body);
    if (duration) {
      const ms = Number(duration[1]);
      const sqlText = duration[2]!.replace(/\s+/g, ' ').trim();
      entries.push({ end: at, ms, start: at - ms, pid: pid!, db: db!, app: app!, side, category: classify(sqlText, side, app!), text: sqlText.slice(0, 160) });
      continue;
    }
    const auto = /^automatic (vacuum|analyze) of table "([^"]+)"[\s\S]*elapsed: ([\d.]+) s/.exec(body);
    if (auto) extras.push({ side, at, kind: auto[1] === 'vacuum' ? 'autovacuum' : 'autoanalyze', what: auto[2]!, value: Number(auto[3]) });
    const temp = /^temporary file: path "([^"]+)", size (\d+)/.exec(body);
    if (temp) extras.push({ side, at, kind: 'temp file', what: `${db} ${pid}`, value: Number(temp[2]) });
    // The statement that wrote temporary files follows them, as a STATEMENT record of the same session.
    if (level === 'STATEMENT')
      for (const x of extras) if (x.kind === 'temp file' && x.what === `${db} ${pid}`) x.what = `${db} ${body.replace(/\s+/g, ' ').slice(0, 100)}`;
    const checkpoint = /^checkpoint complete:[\s\S]*total=([\d.]+) s/.exec(body);
    if (checkpoint) extras.push({ side, at, kind: 'checkpoint', what: 'checkpoint', value: Number(checkpoint[1]) });
  }
  return { entries, extras };
}

const tableOf = (sqlText: string, pattern: RegExp) => (pattern.exec(sqlText)?.[1] ?? '?').replace(/"/g, '').replace(/^public\./, '');

function classify(sqlText: string, side: 'source' | 'target', app: string): string {
  const s = sqlText;
  if (side === 'source') {
    if (/^COPY\b/i.test(s))
      return `read rows (COPY TO) ${tableOf(s, /\bFROM (?:ONLY )?([\w."]+)/i) !== '?' ? tableOf(s, /\bFROM (?:ONLY )?([\w."]+)/i) : tableOf(s, /^COPY ([\w."]+)/i)}`;
    if (/\bOFFSET \d+/i.test(s)) return 'batch end keys (ORDER BY … OFFSET)';
    if (/^SELECT count\(\*\)/i.test(s)) return 'row counts';
    if (app.startsWith('pg_dump')) return 'pg_dump';
    if (/^(BEGIN|COMMIT|ROLLBACK|SET|START TRANSACTION|SELECT pg_catalog\.set_config)/i.test(s)) return 'transactions, settings';
    return 'catalog and other queries';
  }
  if (/^COPY\b.*\bFROM STDIN/i.test(s)) return `load (COPY FROM) ${tableOf(s, /^COPY (?:ONLY )?([\w."]+)/i)}`;
  if (/^CREATE (UNIQUE )?INDEX/i.test(s)) return 'index builds';
  if (/\bFOREIGN KEY\b/i.test(s)) return 'foreign keys';
  if (/\bADD CONSTRAINT\b.*\b(PRIMARY KEY|UNIQUE)\b/i.test(s)) return /USING INDEX/i.test(s) ? 'keys (USING INDEX)' : 'keys (PRIMARY KEY / UNIQUE builds)';
  if (/^VACUUM|^ANALYZE/i.test(s)) return 'vacuum analyze';
  if (/setval/i.test(s)) return 'sequences';
  if (/byos_copy|checkpoint/i.test(s)) return 'checkpoint rows';
  if (/^(BEGIN|COMMIT|ROLLBACK|SET|START TRANSACTION|SELECT pg_catalog\.set_config)/i.test(s)) return 'transactions, settings';
  if (/^(CREATE|ALTER|COMMENT|DROP|GRANT|REVOKE)\b/i.test(s)) return 'schema DDL';
  return 'catalog and other queries';
}

/** Total length of the union of intervals. */
function unionMs(intervals: [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [cs, ce] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const [s, e] of sorted) {
    if (s > ce) {
      if (ce > cs) total += ce - cs;
      [cs, ce] = [s, e];
    } else ce = Math.max(ce, e);
  }
  if (ce > cs) total += ce - cs;
  return total;
}

interface Profile {
  tool: string;
  round: number;
  ms: number;
  /** CPU seconds during the run: the tool, each server, other work on the machine. */
  cpu: Measured['cpu'];
  firstSql: number;
  lastSql: number;
  phases: { side: string; category: string; n: number; busy: number; wall: number; first: number; last: number }[];
  extras: Extra[];
  entries: Entry[];
  lines: ToolRun['lines'];
}

function profileOf(tool: string, round: number, run: ToolRun, t0: number, entries: Entry[], extras: Extra[], cpu: Profile['cpu']): Profile {
  const groups = new Map<string, Entry[]>();
  for (const e of entries) {
    const key = `${e.side}\u0000${e.category}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const phases = [...groups.entries()]
    .map(([key, list]) => {
      const [side, category] = key.split('\u0000') as [string, string];
      return {
        side,
        category,
        n: list.length,
        busy: list.reduce((a, e) => a + e.ms, 0),
        wall: unionMs(list.map((e) => [e.start, e.end])),
        first: Math.min(...list.map((e) => e.start)) - t0,
        last: Math.max(...list.map((e) => e.end)) - t0,
      };
    })
    .sort((a, b) => a.first - b.first);
  return {
    tool,
    round,
    ms: run.ms,
    cpu,
    firstSql: Math.min(...entries.map((e) => e.start)) - t0,
    lastSql: Math.max(...entries.map((e) => e.end)) - t0,
    phases,
    extras: extras.map((x) => ({ ...x, at: x.at - t0 })),
    entries: entries.map((e) => ({ ...e, start: e.start - t0, end: e.end - t0 })),
    lines: run.lines,
  };
}

const s = (ms: number) => (ms / 1000).toFixed(2).padStart(6);

function print(p: Profile, gantt: number): void {
  const out: string[] = [];
  out.push(
    `\n=== ${p.tool} (round ${p.round}): ${s(p.ms)} s wall; CPU: tool ${p.cpu.tool.toFixed(2)} s, source server ${p.cpu.source.toFixed(2)} s, target server ${p.cpu.target.toFixed(2)} s, other work on the machine ${p.cpu.other.toFixed(2)} s; first statement at ${s(p.firstSql)} s, last ended at ${s(p.lastSql)} s`,
  );
  out.push(
    `  ${'side'.padEnd(7)}${'category'.padEnd(44)}${'n'.padStart(6)}${'busy s'.padStart(9)}${'wall s'.padStart(9)}${'from'.padStart(9)}${'to'.padStart(9)}`,
  );
  for (const ph of p.phases) {
    if (ph.busy < 5 && ph.n < 20) continue;
    out.push(
      `  ${ph.side.padEnd(7)}${ph.category.slice(0, 43).padEnd(44)}${String(ph.n).padStart(6)}${s(ph.busy).padStart(9)}${s(ph.wall).padStart(9)}${s(ph.first).padStart(9)}${s(ph.last).padStart(9)}`,
    );
  }
  const auto = p.extras.filter((x) => x.kind === 'autovacuum' || x.kind === 'autoanalyze');
  if (auto.length)
    out.push(
      `  autovacuum during the run: ${auto.map((x) => `${x.kind} ${x.what.split('.').pop()} ${x.value.toFixed(2)} s (ended ${s(x.at).trim()} s)`).join('; ')}`,
    );
  const temp = p.extras.filter((x) => x.kind === 'temp file');
  if (temp.length)
    out.push(
      `  temporary files: ${temp.length}, ${(temp.reduce((a, x) => a + x.value, 0) / 1e6).toFixed(0)} MB (${[...new Set(temp.map((x) => x.what.split(' ').slice(1).join(' ').slice(0, 70)))].slice(0, 4).join(' | ')})`,
    );
  const checkpoints = p.extras.filter((x) => x.kind === 'checkpoint');
  if (checkpoints.length) out.push(`  checkpoints: ${checkpoints.map((x) => `${x.side} ${x.value.toFixed(2)} s`).join(', ')}`);
  const marks = p.lines.filter((l) => /^•|^\d\d:\d\d:\d\d \d+ INFO {2}(STEP|COPY phase)/.test(l.text));
  if (marks.length)
    out.push(`  tool's own progress: ${marks.map((l) => `${s(l.at).trim()} ${l.text.replace(/^\d\d:\d\d:\d\d \d+ INFO {2}/, '').slice(0, 60)}`).join(' | ')}`);
  if (gantt > 0) {
    out.push(`  statements ≥ ${gantt} ms (start–end s, side pid: statement):`);
    for (const e of p.entries.filter((x) => x.ms >= gantt).sort((a, b) => a.start - b.start))
      out.push(`    ${s(e.start)}–${s(e.end)} ${e.side} ${e.pid}: ${e.text.slice(0, 110)}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string' },
      jobs: { type: 'string', default: '2' },
      byos: { type: 'string', multiple: true },
      'no-pgcopydb': { type: 'boolean', default: false },
      rounds: { type: 'string', default: '1' },
      'target-setting': { type: 'string', multiple: true },
      gantt: { type: 'string', default: '0' },
      json: { type: 'string' },
    },
  });
  const rows = values.rows ? Number(values.rows) : PG_ROWS;
  const jobs = Number(values.jobs);
  const variants = values.byos?.length ? values.byos : [''];
  const targetSettings = Object.fromEntries((values['target-setting'] ?? []).map((kv) => kv.split('=') as [string, string]));
  const dir = await mkdtemp(join(tmpdir(), 'byos-copy-profile-'));
  await chmod(dir, 0o755);
  const settings = { shared_buffers: '256MB', max_wal_size: '4GB' };
  const source = await startSystemPostgres(settings);
  const target = await startSystemPostgres({ ...settings, ...targetSettings });
  const profiles: Profile[] = [];
  try {
    process.stderr.write(`filling the source (${rows} rows)…\n`);
    await fillShop(source, 'bench_src', rows);
    const from = urlOf(source, 'bench_src');
    await warmUp(source, target, 'bench_src');
    const [sourceLogging, targetLogging] = [await enableLogging(source), await enableLogging(target)];
    const [sourceLog, targetLog] = [sourceLogging.log, targetLogging.log];
    const tools: { name: string; run: (to: string, round: number) => Promise<ToolRun> }[] = [
      ...variants.map((args) => ({
        name: `byos copy --jobs ${jobs}${args ? ` ${args}` : ''}`,
        run: (to: string) => {
          // NAME=VALUE words set the CLI's environment (commas in VALUE become spaces: PGOPTIONS=-ca=1,-cb=2).
          const words = args.split(' ').filter(Boolean);
          const env = {
            ...process.env,
            ...Object.fromEntries(
              words.filter((w) => /^[A-Z_]+=/.test(w)).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1).replaceAll(',', ' ')]),
            ),
          };
          return runByos(
            from,
            to,
            jobs,
            words.filter((w) => !/^[A-Z_]+=/.test(w)),
            env,
          );
        },
      })),
      ...(values['no-pgcopydb']
        ? []
        : [
            {
              name: `pgcopydb clone --table-jobs ${jobs} --index-jobs ${jobs}`,
              run: (to: string, round: number) => runPgcopydb(from, to, jobs, join(dir, `pgcopydb-${round}-${Date.now()}`), source.binDir),
            },
          ]),
    ];
    for (let round = 1; round <= Number(values.rounds); round++) {
      for (const [i, tool] of tools.entries()) {
        const database = `profile_${round}_${i}`;
        let t0 = 0;
        let measured: Measured;
        // A run during which other work took more than a quarter of a core is done again (up to 5 tries).
        for (let attempt = 1; ; attempt++) {
          await freshRunDatabase({ source, target }, database);
          await new Promise((r) => setTimeout(r, 500));
          t0 = Date.now();
          measured = await measure({ source, target }, () => tool.run(urlOf(target, database), round));
          if (measured.cpu.other <= 0.25 * (measured.run.ms / 1000) || attempt === 5) break;
          process.stderr.write(`${tool.name} round ${round}: other work took ${measured.cpu.other.toFixed(1)} CPU s, again\n`);
        }
        const { run, cpu } = measured;
        const t1 = t0 + run.ms;
        await new Promise((r) => setTimeout(r, 300)); // the servers' last log lines
        const a = parseLog(await readFile(sourceLog, 'utf8'), 'source', t0, t1);
        const b = parseLog(await readFile(targetLog, 'utf8'), 'target', t0, t1);
        const entries = [...a.entries.filter((e) => e.db === 'bench_src'), ...b.entries.filter((e) => e.db === database)];
        const profile = profileOf(
          tool.name,
          round,
          run,
          t0,
          entries,
          [...a.extras, ...b.extras.filter((x) => x.kind !== 'temp file' || x.what.startsWith(database))],
          cpu,
        );
        profiles.push(profile);
        print(profile, Number(values.gantt));
        await admin(target, `DROP DATABASE ${database}`);
      }
    }
    if (Number(values.rounds) > 1) {
      process.stdout.write('\nmedians:\n');
      for (const tool of tools) {
        const mine = profiles.filter((p) => p.tool === tool.name);
        const m = (f: (p: Profile) => number) => s(median(mine.map(f))).trim();
        const phase = (p: Profile, test: (c: string) => boolean, pick: 'busy' | 'wall' | 'last') => {
          const list = p.phases.filter((x) => x.side === 'target' && test(x.category));
          return pick === 'last' ? Math.max(0, ...list.map((x) => x.last)) : list.reduce((a, x) => a + x[pick], 0);
        };
        const temp = (p: Profile) => p.extras.filter((x) => x.kind === 'temp file').reduce((a, x) => a + x.value, 0) / 1e6;
        process.stdout.write(
          `  ${tool.name}\n    total ${m((p) => p.ms)} s (${mine.map((p) => s(p.ms).trim()).join('/')}); first statement ${m((p) => p.firstSql)} s; rows loaded by ${m((p) => phase(p, (c) => c.startsWith('load'), 'last'))} s; ` +
            `COPY FROM busy ${m((p) => phase(p, (c) => c.startsWith('load'), 'busy'))} s; index+key builds busy ${m((p) => phase(p, (c) => c.startsWith('index') || c.startsWith('keys'), 'busy'))} s; ` +
            `foreign keys wall ${m((p) => phase(p, (c) => c === 'foreign keys', 'wall'))} s; vacuum busy ${m((p) => phase(p, (c) => c === 'vacuum analyze', 'busy'))} s; ` +
            `target BEGIN/COMMIT/SET busy ${m((p) => phase(p, (c) => c === 'transactions, settings', 'busy'))} s; temp files ${median(mine.map(temp)).toFixed(0)} MB` +
            `; CPU: tool ${m((p) => p.cpu.tool * 1000)} s, source server ${m((p) => p.cpu.source * 1000)} s, target server ${m((p) => p.cpu.target * 1000)} s, ` +
            `all three ${m((p) => (p.cpu.tool + p.cpu.source + p.cpu.target) * 1000)} s; other work ${m((p) => p.cpu.other * 1000)} s\n`,
        );
      }
    }
    if (values.json) await writeFile(values.json, JSON.stringify(profiles, null, 1));
  } finally {
    await source.stop();
    await target.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
