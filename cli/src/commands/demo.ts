import { resolve } from 'node:path';
import type { Command } from 'commander';
import { printDemoReport, runDemo } from '../demo/walkthrough.ts';
import { createOutput, EXIT_FAILURE, EXIT_OK } from '../output.ts';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'the main job on the embedded default: SQLite and embedded-Postgres Chinook tenants, introspected, typed, migrated, imported into, scanned for PII, encrypted, and switched live from SQLite to Postgres',
    )
    .option('--dir <dir>', 'folder for the demo tenants (SQLite file, Postgres data, profiles)', '.byos/demo')
    .option('--quick', 'only the two tenants, their comparison and their types (skip migrations, import, PII, encryption, switch)')
    .option('--json', 'print the report as JSON')
    .action(async (flags: { dir: string; quick?: boolean; json?: boolean }) => {
      const out = createOutput(Boolean(flags.json));
      const report = await runDemo(resolve(flags.dir), out, { quick: Boolean(flags.quick) });
      out.result(report);
      if (!out.json) printDemoReport(report, out);
      // The two tenants' schemas must agree on their neutral parts: a difference is the demo failing.
      process.exitCode = report.neutralDifferences.length ? EXIT_FAILURE : EXIT_OK;
    });
}
