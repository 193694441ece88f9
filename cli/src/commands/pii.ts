import type { Command } from 'commander';
import { PII_CATEGORIES, type PiiCategory, type PiiScanResult, scanPii } from '@byos/runtime/guard/pii';
import { type ConnectionFlags, openDatabase, profileFromFlags, withConnectionOptions } from '../connection-options.ts';
import { LIMITS, wholeNumber } from '../options.ts';
import { createOutput, EXIT_FAILURE, EXIT_OK, UsageError } from '../output.ts';
import { createProgress } from '../progress.ts';
import { TABLE_NAME_HELP, tableFlag } from '../table-flag.ts';

interface ScanFlags extends ConnectionFlags {
  sample: number;
  table?: string[];
  json?: boolean;
  failOn?: string;
}

export function registerPii(program: Command): void {
  const pii = program.command('pii').description('personal data in a tenant database: find it, map it to PDPA, GDPR and HIPAA');
  withConnectionOptions(
    pii
      .command('scan')
      .description('classify every column from its name and a sample of its values (validated: Luhn, mod 97, NRIC check letters, ...)')
      .option('--sample <n>', `rows sampled per table (1 to ${LIMITS.sample.toLocaleString('en')})`, wholeNumber('--sample', 1, LIMITS.sample), 200)
      .option('--table <name...>', `scan only these tables (every schema by default): ${TABLE_NAME_HELP}`)
      .option('--fail-on <categories>', 'exit 1 when any of these categories is found: a comma list, "special" (GDPR special categories) or "any"')
      .option('--json', 'print the scan (columns and findings) as JSON'),
  )
    .addHelpText(
      'after',
      '\nThe report shows redacted samples only (letters x, digits #). Exit codes: 0 report printed (PII or not),\n' +
        '1 a --fail-on category was found or the scan failed, 2 usage.\n\n' +
        'Examples:\n  byos pii scan --url sqlite:./tenant.sqlite\n  byos pii scan --url postgres://app@db/acme --sample 1000 --fail-on sg-nric,credit-card --json',
    )
    .action(async (flags: ScanFlags) => {
      const out = createOutput(Boolean(flags.json));
      const sample = flags.sample;
      const failOn = parseFailOn(flags.failOn);
      const tables = flags.table?.map(tableFlag);
      const profile = await profileFromFlags(flags);
      const progress = createProgress({ total: 3, json: out.json });
      progress.step(`connecting to ${profile.provider} ${profile.dialect} database ${profile.database}`);
      const tenant = await openDatabase(profile);
      let result: PiiScanResult;
      try {
        progress.step(`sampling up to ${sample} rows per table and classifying columns`);
        result = await scanPii(tenant, { sample, ...(tables ? { tables } : {}) });
        progress.step('done');
      } finally {
        progress.done();
        await tenant.close();
      }
      out.result(result);
      if (!out.json) out.info(formatPiiReport(result));
      process.exitCode = failOn && result.columns.some((c) => c.categories.some((h) => failOn(h.category, h.gdpr))) ? EXIT_FAILURE : EXIT_OK;
    });
}

function parseFailOn(text: string | undefined): ((category: PiiCategory, gdpr: string) => boolean) | undefined {
  if (text === undefined) return undefined;
  const wanted = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = wanted.filter((w) => w !== 'any' && w !== 'special' && !(PII_CATEGORIES as readonly string[]).includes(w));
  if (unknown.length || wanted.length === 0) {
    throw new UsageError(`--fail-on: unknown category ${unknown.join(', ') || '(none given)'} (any, special, or of ${PII_CATEGORIES.join(', ')})`);
  }
  return (category, gdpr) => wanted.includes('any') || wanted.includes(category) || (wanted.includes('special') && gdpr !== 'personal');
}

/** The human report: one line per PII column, then a summary. */
export function formatPiiReport(result: PiiScanResult): string {
  const hits = result.columns.filter((c) => c.categories.length);
  if (hits.length === 0) return `no personal data found in ${result.columns.length} columns (sample ${result.sample} rows per table)`;
  const rows = hits.map((c) => [
    c.subject,
    c.categories.map((h) => `${h.category} ${h.confidence.toFixed(2)}${h.gdpr === 'special' ? ' (special)' : ''}`).join(', '),
    [...new Set(c.categories.flatMap((h) => h.frameworks))].join(' '),
    c.samples.join('  ') || '-',
  ]);
  const header = ['column', 'categories (confidence)', 'frameworks', 'redacted samples'];
  const widths = header.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `${hits.length} of ${result.columns.length} columns hold personal data (sample ${result.sample} rows per table); ${result.findings.length} findings`,
  ].join('\n');
}
