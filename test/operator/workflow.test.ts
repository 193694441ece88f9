import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, runCli } from '../helpers/cli.ts';

interface Step {
  run?: string;
  uses?: string;
}

describe('the GitHub Actions workflow', () => {
  it('gates pull requests with the policy pack and plan, reconciles on main, and only uses byos flags that exist', { timeout: 120_000 }, async () => {
    const workflow = parse(await readFile(join(REPO_ROOT, '.github/workflows/byos.yml'), 'utf8'));
    expect(Object.keys(workflow.on)).toEqual(['pull_request', 'push']);
    expect(workflow.jobs['gate-and-plan'].if).toContain('pull_request');
    expect(workflow.jobs.reconcile.if).toContain('push');
    expect(workflow.concurrency['cancel-in-progress']).toBe(false);

    const commands = Object.values(workflow.jobs as Record<string, { steps: Step[] }>)
      .flatMap((job) => job.steps)
      .flatMap((step) => (step.run ?? '').split('\n'))
      .flatMap((line) => [...line.matchAll(/npx byos ([a-z]+(?: [a-z]+)?)((?: --?[a-z-]+(?: [^-\s|>][^\s|>]*)?)*)/g)]);
    const used = new Map<string, Set<string>>();
    for (const [, command, args] of commands) {
      const [name, sub] = command!.split(' ');
      const key = ['policy'].includes(name!) ? `${name} ${sub}` : name!;
      const flags = used.get(key) ?? new Set<string>();
      for (const flag of args!.matchAll(/--[a-z-]+/g)) flags.add(flag[0]);
      used.set(key, flags);
    }
    expect([...used.keys()].sort()).toEqual(['plan', 'policy check', 'reconcile']);
    for (const [command, flags] of used) {
      const help = await runCli([...command.split(' '), '--help']);
      expect(help.code, command).toBe(0);
      for (const flag of flags) expect(help.stdout, `${command} ${flag}`).toContain(flag);
    }
  });
});
