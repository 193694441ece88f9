import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigMap } from '@pulumi/pulumi/automation/index.js';
import { readStackFile } from '../components/stack-file.ts';
import { type ConnectionProfile, parseConnectionProfile } from '@byos/runtime';
import type { DesiredTenant } from './desired.ts';
import type { Placement } from './state.ts';

/** Raised when provisioning needs the Pulumi CLI and this machine has none. */
export class PulumiUnavailableError extends Error {
  override name = 'PulumiUnavailableError';
}

export interface PulumiOptions {
  /** The Pulumi project folder (Pulumi.yaml). */
  workDir: string;
  /** Where a provisioned profile's password is written (0600), so the recorded state only holds a reference. */
  secretsDir: string;
  /** Engine output lines, for progress. */
  onOutput?: (line: string) => void;
}

/** The Automation API's handle on the Pulumi CLI, or a PulumiUnavailableError saying what to do instead. */
async function pulumiCommand() {
  const automation = await import('@pulumi/pulumi/automation/index.js');
  try {
    return { automation, command: await automation.PulumiCommand.get() };
  } catch (error) {
    const message = (error as Error).message;
    const reason = /ENOENT/.test(message) ? 'no `pulumi` on PATH' : (message.split('\n').find((line) => line.trim()) ?? 'unknown error');
    throw new PulumiUnavailableError(
      `the Pulumi CLI is not available here (${reason}); install it (https://www.pulumi.com/docs/install/), ` +
        'or give the database profile with --profiles DIR (<tenant>.<provider>.json) so reconcile can run the data steps',
    );
  }
}

/**
 * `pulumi up` of one placement stack through the Automation API. The tenant's own stack reads its config from
 * stacks/Pulumi.<tenant>.yaml; a switch target's stack gets the same config copied in, so both databases exist side
 * by side until the old one is retired.
 */
export async function provisionWithPulumi(tenant: DesiredTenant, stack: string, options: PulumiOptions): Promise<ConnectionProfile> {
  const { automation, command } = await pulumiCommand();
  const workspaceStack = await automation.LocalWorkspace.createOrSelectStack({ stackName: stack, workDir: options.workDir }, { pulumiCommand: command });
  if (stack !== tenant.tenant) {
    const file = await readStackFile(tenant.file);
    const config: ConfigMap = Object.fromEntries(Object.entries(file.config).map(([key, value]) => [key, { value, secret: false }]));
    await workspaceStack.setAllConfig(config);
  }
  const result = await workspaceStack.up({ onOutput: (out) => options.onOutput?.(out.trimEnd()) });
  const output = result.outputs.profile?.value;
  if (!output) throw new Error(`stack ${stack} has no "profile" output`);
  const profile = parseConnectionProfile(output, `stack ${stack} output profile`);
  return moveSecretToFile(profile, stack, options.secretsDir);
}

/** `pulumi destroy` and `pulumi stack rm` of a placement. */
export async function retireWithPulumi(placement: Placement, options: PulumiOptions): Promise<void> {
  const { automation, command } = await pulumiCommand();
  const stack = await automation.LocalWorkspace.selectStack({ stackName: placement.stack, workDir: options.workDir }, { pulumiCommand: command });
  await stack.destroy({ onOutput: (out) => options.onOutput?.(out.trimEnd()) });
  await stack.workspace.removeStack(placement.stack);
}

/** Replaces an inline password with a file reference, so no state file or log ever holds it. */
export async function moveSecretToFile(profile: ConnectionProfile, name: string, secretsDir: string): Promise<ConnectionProfile> {
  if (!profile.password) return profile;
  await mkdir(secretsDir, { recursive: true, mode: 0o700 });
  const file = join(secretsDir, `${name}.password`);
  await writeFile(file, profile.password, { mode: 0o600 });
  await chmod(file, 0o600);
  const { password: _password, ...rest } = profile;
  return { ...rest, passwordRef: `file:${file}` };
}
