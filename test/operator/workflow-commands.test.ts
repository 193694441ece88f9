import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scaffoldFiles } from '../../cli/src/commands/init-templates.ts';
import { buildProgram } from '../../cli/src/main.ts';
import { REPO_ROOT } from '../helpers/cli.ts';

// Issue 17, item 3: every `byos …` a workflow runs must parse against the CLI's own commander definitions, and every
// folder it names must exist where the workflow runs (this repository, or a project fresh from `byos init`).

/** Flags whose value is a folder the workflow expects in the checkout (--state is checked out from a branch). */
const FOLDER_FLAGS = new Set(['--stacks', '--migrations', '--dir', '--profiles', '--policy-pack']);

interface Invocation {
  line: string;
  command: string;
  flags: string[];
  folders: string[];
}

/** Parses `byos …` out of a shell line the way commander would: sub-commands, then options with their values. */
function invocations(line: string, program: Command): Invocation[] {
  const found: Invocation[] = [];
  for (const match of line.matchAll(/(?:^|\s)(?:npx )?byos(?=\s|$)((?:\s+[^\s|;&>]+)*)/g)) {
    const tokens = match[1]!.trim().split(/\s+/).filter(Boolean);
    let command = program;
    while (tokens.length && !tokens[0]!.startsWith('-')) {
      const sub = command.commands.find((c) => c.name() === tokens[0]);
      if (!sub) break;
      command = sub;
      tokens.shift();
    }
    const name = command === program ? '' : fullName(command);
    const invocation: Invocation = { line: line.trim(), command: name, flags: [], folders: [] };
    while (tokens.length) {
      const token = tokens.shift()!;
      if (!token.startsWith('--')) continue; // positional (or a shell word after the command)
      const [flag, inline] = token.split('=');
      invocation.flags.push(flag!);
      const option = [...command.options, ...program.options].find((o) => o.long === flag);
      if (!option) continue;
      const takesValue = option.required || option.optional;
      const value = inline ?? (takesValue ? tokens.shift() : undefined);
      if (value && FOLDER_FLAGS.has(flag!) && !value.includes('$')) invocation.folders.push(value.replace(/^["']|["']$/g, ''));
    }
    found.push(invocation);
  }
  return found;
}

function fullName(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function knownFlags(program: Command, name: string): Set<string> {
  let command = program;
  for (const part of name.split(' ')) command = command.commands.find((c) => c.name() === part)!;
  return new Set([...command.options, ...program.options].map((o) => o.long!).concat('--help'));
}

interface Workflow {
  on: Record<string, { paths?: string[] } | null>;
  jobs: Record<string, { steps: { run?: string }[] }>;
}

/** The folders a workflow depends on: its `paths:` triggers (`dir/**`) and the folder-valued flags of its byos runs. */
function check(workflow: Workflow, program: Command, folderExists: (folder: string) => boolean): string[] {
  const problems: string[] = [];
  for (const [event, trigger] of Object.entries(workflow.on)) {
    for (const path of trigger?.paths ?? []) {
      const folder = /^([^*]+)\/\*\*$/.exec(path)?.[1];
      if (folder && !folderExists(folder)) problems.push(`on.${event}.paths ${path}: no folder ${folder}`);
    }
  }
  const lines = Object.values(workflow.jobs)
    .flatMap((job) => job.steps)
    .flatMap((step) => (step.run ?? '').split('\n'));
  const runs = lines.flatMap((line) => invocations(line, program));
  if (!runs.length) problems.push('no byos invocation found');
  for (const run of runs) {
    if (!run.command) {
      problems.push(`no byos command in: ${run.line}`);
      continue;
    }
    const known = knownFlags(program, run.command);
    for (const flag of run.flags) if (!known.has(flag)) problems.push(`byos ${run.command}: no option ${flag}`);
    for (const folder of run.folders) if (!folderExists(folder)) problems.push(`byos ${run.command}: folder ${folder} does not exist`);
  }
  return problems;
}

describe('the workflows run byos commands that exist, on folders that exist', () => {
  let program: Awaited<ReturnType<typeof buildProgram>>;
  beforeAll(async () => {
    program = await buildProgram();
  });

  it("the repository's own workflow", async () => {
    const workflow = parse(await readFile(join(REPO_ROOT, '.github/workflows/byos.yml'), 'utf8')) as Workflow;
    expect(check(workflow, program, (folder) => existsSync(join(REPO_ROOT, folder)))).toEqual([]);
  });

  it('the workflow `byos init` scaffolds', () => {
    const files = scaffoldFiles({ project: 'demo', tenant: 'dev-sqlite', provider: 'local-sqlite', version: '0.1.0' });
    const text = files.find((f) => f.path === '.github/workflows/byos.yml')!.text;
    const folderExists = (folder: string) => files.some((f) => f.path.startsWith(`${folder.replace(/\/$/, '')}/`));
    expect(check(parse(text) as Workflow, program, folderExists)).toEqual([]);
  });

  it('catches a flag that does not exist and a folder that is missing (the check itself)', () => {
    const workflow: Workflow = {
      on: { push: { paths: ['nowhere/**'] } },
      jobs: { x: { steps: [{ run: 'npx byos plan --stacks stacks --migrations nowhere --writers-stopped | tee plan.txt' }] } },
    };
    expect(check(workflow, program, (folder) => folder === 'stacks')).toEqual([
      'on.push.paths nowhere/**: no folder nowhere',
      'byos plan: no option --writers-stopped',
      'byos plan: folder nowhere does not exist',
    ]);
  });
});
