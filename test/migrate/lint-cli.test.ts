import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'byos-migrate-lint-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const opsFile = (ops: unknown[]) => `export default { ops: ${JSON.stringify(ops)} };\n`;

describe('byos migrate lint', { timeout: 180_000 }, () => {
  it('--sql: a raw Postgres file through the real parser; errors exit 1, each finding with its line and fix', async () => {
    const file = join(dir, 'unsafe.sql');
    await writeFile(
      file,
      "SET lock_timeout = '2s';\n\nALTER TABLE orders ADD COLUMN country text NOT NULL;\nCREATE INDEX orders_country ON orders (country);\n",
    );
    const r = await runCliInProcess(['migrate', 'lint', '--sql', file, '--json']);
    expect(r.code).toBe(1);
    const { findings, blocking } = JSON.parse(r.stdout);
    expect(blocking).toBe(true);
    expect(findings.map((f: { rule: string; subject: string }) => `${f.rule} ${f.subject}`)).toEqual([
      `adding-required-field ${file}:3: orders.country`,
      `require-concurrent-index-creation ${file}:4: index orders_country`,
    ]);
  });

  it('--sql: warnings only exit 0; a syntax error exits 1 naming line and column', async () => {
    const warn = join(dir, 'warn.sql');
    await writeFile(warn, "SET lock_timeout = '2s';\nALTER TABLE t RENAME COLUMN a TO b;\n");
    const w = await runCliInProcess(['migrate', 'lint', '--sql', warn]);
    expect(w.code).toBe(0);
    expect(w.stdout).toContain('warning renaming-column');
    expect(w.stdout).toContain('fix: Expand and contract');
    expect(w.stdout).toContain('1 findings: 0 errors, 1 warnings, 0 info');
    const bad = join(dir, 'bad.sql');
    await writeFile(bad, 'ALTER TABLE t\n  ADD COLUMN;\n');
    const b = await runCliInProcess(['migrate', 'lint', '--sql', bad]);
    expect(b.code).toBe(1);
    expect(b.stdout).toMatch(/error {3}syntax-error {2}.*bad\.sql:2:13/);
  });

  it('--dir: every migration planned per dialect; shared findings once, dialect-specific ones labelled', async () => {
    const folder = join(dir, 'migrations');
    await mkdir(folder);
    await writeFile(
      join(folder, '0001_customers.ts'),
      opsFile([
        {
          op: 'createTable',
          table: 'customers',
          columns: [
            { name: 'id', type: { kind: 'integer' }, nullable: false },
            { name: 'name', type: { kind: 'varchar', length: 80 } },
          ],
          primaryKey: { columns: ['id'] },
        },
      ]),
    );
    await writeFile(
      join(folder, '0002_shorter_name.ts'),
      opsFile([{ op: 'alterColumnType', table: 'customers', column: 'name', type: { kind: 'varchar', length: 20 } }]),
    );
    await writeFile(join(folder, '0003_raw.sql'), '-- byos:up\n-- an index\nCREATE INDEX c_name ON customers (name);\n-- byos:down\nDROP INDEX c_name;\n');
    const r = await runCliInProcess(['migrate', 'lint', '--dir', folder, '--json']);
    expect(r.code).toBe(1);
    const subjects = JSON.parse(r.stdout).findings.map((f: { rule: string; subject: string }) => `${f.rule} ${f.subject}`);
    expect(subjects).toContain('narrowing-column-type 0002_shorter_name: op 1 (alterColumnType): customers.name');
    expect(subjects).toContain('table-rebuild [sqlite] 0002_shorter_name: statement 8: customers');
    expect(subjects.filter((s: string) => s.startsWith('narrowing-column-type'))).toHaveLength(1);
    // The SQL migration's Postgres text, parsed for real, with the file's own line number.
    // Once, from the parser, not again from the plan's reading of the same text.
    expect(subjects.filter((s: string) => s.startsWith('require-concurrent-index-creation'))).toEqual([
      expect.stringMatching(/0003_raw\.sql:3: index c_name$/),
    ]);
  });

  it('--dir with --dialect lints one dialect only; a clean folder exits 0', async () => {
    const folder = join(dir, 'clean');
    await mkdir(folder);
    await writeFile(
      join(folder, '0001_t.ts'),
      opsFile([
        { op: 'createTable', table: 't', columns: [{ name: 'id', type: { kind: 'integer' } }] },
        { op: 'createIndex', table: 't', name: 't_id', columns: ['id'] },
      ]),
    );
    const r = await runCliInProcess(['migrate', 'lint', '--dir', folder, '--dialect', 'postgres']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 findings');
  });

  it('needs --dir or --sql (exit 2), and names an unreadable file', async () => {
    const none = await runCliInProcess(['migrate', 'lint']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('give --dir <migration folder> or --sql <file>');
    const missing = await runCliInProcess(['migrate', 'lint', '--sql', join(dir, 'nope.sql')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.sql: ENOENT/);
  });
});
