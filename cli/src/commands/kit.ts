import type { Command } from 'commander';
import { kitCode, kitEnvFile } from '@byos/runtime';
import { readProfileFile } from '../connection-options.ts';
import { createOutput, EXIT_OK, UsageError } from '../output.ts';

export function registerKit(program: Command): void {
  program
    .command('kit')
    .description("print copy-paste connection code (and a .env template) for a tenant's profile; the password is never printed")
    .requiredOption('--profile <file>', 'ConnectionProfile file (JSON or YAML)')
    .option('--lang <lang>', 'ts or js', 'ts')
    .option('--env', 'print the .env template instead of the code')
    .option('--json', 'print { code, env } as JSON')
    .addHelpText('after', '\nExamples:\n  byos kit --profile acme.profile.json > db.ts\n  byos kit --profile acme.profile.json --env > .env.example')
    .action(async (flags: { profile: string; lang: string; env?: boolean; json?: boolean }) => {
      if (flags.lang !== 'ts' && flags.lang !== 'js') throw new UsageError(`--lang must be ts or js, not "${flags.lang}"`);
      const out = createOutput(Boolean(flags.json));
      const profile = await readProfileFile(flags.profile);
      const code = kitCode(profile, { lang: flags.lang });
      const env = kitEnvFile(profile);
      out.result({ code, env });
      if (!out.json) process.stdout.write(flags.env ? env : code);
      process.exitCode = EXIT_OK;
    });
}
