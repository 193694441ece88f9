import { access } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Finding } from '@byos/runtime';
import type { PolicyCheckResult } from '@byos/policies/offline';
import { createOutput, EXIT_FAILURE, EXIT_OK, UsageError } from '../output.ts';
import { loadPolicyCheck, loadPolicyRules, loadPulumiSpecs } from '../pulumi-side.ts';

interface CheckFlags {
  spec?: string;
  stack?: string;
  json?: boolean;
}

export function registerPolicy(program: Command): void {
  const policy = program.command('policy').description('the compliance policy pack, offline (no cloud credentials, no Pulumi CLI)');

  policy
    .command('check')
    .description("run a tenant's program under Pulumi's mocks and judge every resource with the policy pack")
    .option('--spec <file>', 'a TenantSpec YAML/JSON file, or a Pulumi stack file holding byos:tenant')
    .option('--stack <tenant>', 'the tenant whose stack file is stacks/Pulumi.<tenant>.yaml')
    .option('--json', 'print the result (tenant, findings) as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 no mandatory violation, 1 a mandatory rule is violated, 2 invalid spec or usage.\n\nExamples:\n  byos policy check --stack acme-sg\n  byos policy check --spec tenant.yaml --json',
    )
    .action(async (flags: CheckFlags) => {
      const out = createOutput(Boolean(flags.json));
      const result = await runCheck(flags);
      out.result(result);
      if (!out.json) out.info(formatResult(result));
      process.exitCode = result.findings.some((f) => f.severity === 'error') ? EXIT_FAILURE : EXIT_OK;
    });

  policy
    .command('list')
    .description('list the rules: enforcement, frameworks and controls')
    .option('--json', 'print the rules as JSON')
    .action(async (flags: { json?: boolean }) => {
      const out = createOutput(Boolean(flags.json));
      const { RULES } = await loadPolicyRules('policy list');
      const rules = RULES.map((r) => ({
        name: r.name,
        description: r.description,
        enforcementLevel: r.enforcementLevel,
        severity: r.severity,
        frameworks: [...r.frameworks],
        controls: [...r.controls],
        resourceTypes: [...r.resourceTypes],
      }));
      out.result(rules);
      for (const r of rules)
        out.info(
          `${r.name}  [${r.enforcementLevel}, ${r.severity}]  ${r.description}\n  frameworks: ${r.frameworks.join(', ')}  controls: ${r.controls.join('; ')}`,
        );
      process.exitCode = EXIT_OK;
    });
}

async function runCheck(flags: CheckFlags): Promise<PolicyCheckResult> {
  if (Boolean(flags.spec) === Boolean(flags.stack)) throw new UsageError('policy check needs exactly one of --spec FILE or --stack TENANT');
  // Loaded on use: the pack pulls in Pulumi (over a second), which every other byos command would pay at start. The
  // pack first: it brings @byos/pulumi with it, so a missing pack is the one package to name.
  const { checkStackDocument, checkStackFile, checkTenant } = await loadPolicyCheck('policy check');
  const { readSpecDocument, stackFilePath } = await loadPulumiSpecs('policy check');
  if (flags.stack) {
    const file = stackFilePath(flags.stack);
    await mustExist(file, `no stack file for tenant "${flags.stack}": ${file} does not exist`);
    return checkStackFile(file);
  }
  const file = flags.spec!;
  // Bounded and plain: a folder, a file over 1 MiB or an unknown YAML tag is an InputError naming it (exit 2).
  const document = await readSpecDocument(file);
  // A stack file carries other config (settings) besides the spec: run it as a stack.
  if (document && typeof document === 'object' && 'config' in document) return checkStackDocument(document, file);
  return checkTenant(document, { source: file });
}

async function mustExist(file: string, message: string): Promise<void> {
  try {
    await access(file);
  } catch {
    throw new UsageError(message);
  }
}

/** One block per finding: severity, rule, resource, message, frameworks and controls. */
export function formatResult(result: PolicyCheckResult): string {
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  const lines = [`tenant ${result.tenant} (${result.provider}): ${result.resources} resources, ${errors} mandatory violation(s), ${warnings} advisory`];
  for (const f of result.findings) lines.push(...formatFinding(f));
  lines.push(errors ? 'FAIL: mandatory policy violated' : 'PASS');
  return lines.join('\n');
}

function formatFinding(f: Finding): string[] {
  return [
    `${f.severity === 'error' ? 'error  ' : 'warning'} ${f.rule}  ${f.subject}`,
    `  ${f.message}`,
    `  frameworks: ${(f.frameworks ?? []).join(', ') || '-'}${f.controls?.length ? `  controls: ${f.controls.join('; ')}` : ''}`,
  ];
}
