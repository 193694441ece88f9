import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigMap, DestroyOptions, OutputMap, Stack, UpOptions } from '@pulumi/pulumi/automation/index.js';
import { type ConnectionProfile, parseConnectionProfile, parseTenantSpec, TENANT_CONFIG_KEY, type TenantSpec } from '@byos/runtime';
import type { DesiredTenant } from './desired.ts';
import type { Placement } from './state.ts';

/** Raised when provisioning needs the Pulumi CLI and this machine has none. */
export class PulumiUnavailableError extends Error {
  override name = 'PulumiUnavailableError';
}

/** The part of an Automation API stack the operator drives (a real `Stack`, or a fake in tests). */
export interface AutomationStack {
  getAllConfig(): Promise<ConfigMap>;
  setAllConfig(config: ConfigMap): Promise<void>;
  setConfig(key: string, value: { value: string; secret?: boolean }): Promise<void>;
  up(options: UpOptions): Promise<{ outputs: OutputMap }>;
  destroy(options: DestroyOptions): Promise<unknown>;
  outputs(): Promise<OutputMap>;
  workspace: { removeStack(name: string): Promise<void> };
}

/** Opens the stacks of the Pulumi project in `workDir`. */
export interface AutomationApi {
  createOrSelectStack(stackName: string, workDir: string): Promise<AutomationStack>;
  selectStack(stackName: string, workDir: string): Promise<AutomationStack>;
}

export interface PulumiOptions {
  /** The Pulumi project folder (Pulumi.yaml). */
  workDir: string;
  /** Password files (0600) of local tenants only: a cloud tenant's password stays in its stack's secret outputs. */
  secretsDir: string;
  /**
   * The CrossGuard policy pack folder every automated `up` runs with (the compliance gate of the pipeline); by
   * default `policies/` or `node_modules/@byos/policies` under workDir. No pack found: provisioning refuses to run.
   */
  policyPack?: string;
  /** Engine output lines, for progress. */
  onOutput?: (line: string) => void;
  /** The Automation API; the real one drives the Pulumi CLI (tests pass a fake). */
  automation?: AutomationApi;
}

/** Reference to the password inside a stack's secret output: `pulumi:<stack>#<output>`. */
export function pulumiPasswordRef(stack: string, output = 'profile'): string {
  return `pulumi:${stack}#${output}`;
}

/** Local tenants keep their passwords in 0600 files; every other provider's live in Pulumi's secret store. */
export function isLocalProvider(provider: string): boolean {
  return provider.startsWith('local-');
}

/** The Automation API's handle on the Pulumi CLI, or a PulumiUnavailableError saying what to do instead. */
async function realAutomation(): Promise<AutomationApi> {
  const automation = await import('@pulumi/pulumi/automation/index.js');
  let command: Awaited<ReturnType<typeof automation.PulumiCommand.get>>;
  try {
    command = await automation.PulumiCommand.get();
  } catch (error) {
    const message = (error as Error).message;
    const reason = /ENOENT/.test(message) ? 'no `pulumi` on PATH' : (message.split('\n').find((line) => line.trim()) ?? 'unknown error');
    throw new PulumiUnavailableError(
      `the Pulumi CLI is not available here (${reason}); install it (https://www.pulumi.com/docs/install/), ` +
        'or give the database profile with --profiles DIR (<tenant>.<provider>.json) so reconcile can run the data steps',
    );
  }
  const opened = (stack: Stack): AutomationStack => stack;
  return {
    createOrSelectStack: async (stackName, workDir) =>
      opened(await automation.LocalWorkspace.createOrSelectStack({ stackName, workDir }, { pulumiCommand: command })),
    selectStack: async (stackName, workDir) => opened(await automation.LocalWorkspace.selectStack({ stackName, workDir }, { pulumiCommand: command })),
  };
}

/** The policy pack folder (one with PulumiPolicy.yaml) of the project in workDir: its own `policies/`, else the installed pack. */
export function findPolicyPack(workDir: string): string | undefined {
  return [join(workDir, 'policies'), join(workDir, 'node_modules', '@byos', 'policies')].find((dir) => existsSync(join(dir, 'PulumiPolicy.yaml')));
}

function policyPackOf(options: PulumiOptions): string {
  const pack = options.policyPack ?? findPolicyPack(options.workDir);
  if (!pack) {
    throw new Error(
      `no policy pack under ${options.workDir} (policies/ or node_modules/@byos/policies with a PulumiPolicy.yaml): ` +
        'install @byos/policies or give --policy-pack DIR; the automated up never runs without the compliance gate',
    );
  }
  return pack;
}

function automationOf(options: PulumiOptions): Promise<AutomationApi> {
  return options.automation ? Promise.resolve(options.automation) : realAutomation();
}

/**
 * `pulumi up` of one placement stack through the Automation API, with the policy pack. The tenant's own stack reads
 * its config from stacks/Pulumi.<tenant>.yaml; a switch target's stack gets the same config copied in, secrets
 * included (read decrypted, set as secrets), so both databases exist side by side until the old one is retired.
 */
export async function provisionWithPulumi(tenant: DesiredTenant, stack: string, options: PulumiOptions): Promise<ConnectionProfile> {
  const automation = await automationOf(options);
  const policyPack = policyPackOf(options);
  const workspaceStack = await automation.createOrSelectStack(stack, options.workDir);
  if (stack !== tenant.tenant) {
    const own = await automation.selectStack(tenant.tenant, options.workDir);
    const config = await own.getAllConfig();
    await workspaceStack.setAllConfig(Object.fromEntries(Object.entries(config).map(([key, { value, secret }]) => [key, { value, secret: Boolean(secret) }])));
  }
  const result = await workspaceStack.up({ onOutput: (out) => options.onOutput?.(out.trimEnd()), policyPacks: [policyPack] });
  const output = result.outputs.profile?.value;
  if (!output) throw new Error(`stack ${stack} has no "profile" output`);
  const profile = parseConnectionProfile(output, `stack ${stack} output profile`);
  return keepPasswordInStore(profile, stack, options);
}

/**
 * Takes the password out of a profile before it is recorded. A local tenant's goes to a 0600 file; a cloud
 * tenant's stays where Pulumi keeps it, in the stack's secret `profile` output, and the profile refers to it.
 */
export function keepPasswordInStore(profile: ConnectionProfile, stack: string, options: Pick<PulumiOptions, 'secretsDir'>): Promise<ConnectionProfile> {
  if (isLocalProvider(profile.provider)) return moveSecretToFile(profile, stack, options.secretsDir);
  if (!profile.password) return Promise.resolve(profile);
  const { password: _password, ...rest } = profile;
  return Promise.resolve({ ...rest, passwordRef: pulumiPasswordRef(stack) });
}

/** Resolves a `pulumi:<stack>#<output>` passwordRef through the stack's outputs; other profiles pass unchanged. */
export async function resolvePulumiPassword(profile: ConnectionProfile, options: Pick<PulumiOptions, 'workDir' | 'automation'>): Promise<ConnectionProfile> {
  const ref = profile.passwordRef;
  if (profile.password !== undefined || !ref?.startsWith('pulumi:')) return profile;
  const match = /^pulumi:([^#]+)#(.+)$/.exec(ref);
  if (!match) throw new Error(`password reference ${ref} is not pulumi:<stack>#<output>`);
  const [, stackName, outputName] = match as unknown as [string, string, string];
  const stack = await (await automationOf(options as PulumiOptions)).selectStack(stackName, options.workDir);
  const output = (await stack.outputs())[outputName]?.value;
  if (!output) throw new Error(`password reference ${ref}: stack ${stackName} has no "${outputName}" output`);
  const { password } = parseConnectionProfile(output, `stack ${stackName} output ${outputName}`);
  if (password === undefined) throw new Error(`password reference ${ref}: the output holds no password`);
  const { passwordRef: _ref, ...rest } = profile;
  return { ...rest, password };
}

/**
 * Retires a placement: an `up` with deletionProtection off first (the providers refuse to delete a protected
 * database), then `pulumi destroy` and `pulumi stack rm`. The spec comes from the stack's own config, or, when its
 * stack file is gone from git, from the recorded spec. That `up` runs without the policy pack on purpose: the pack's
 * mandatory deletion-protection rule exists to make this deliberate step the only way protection comes off.
 */
export async function retireWithPulumi(placement: Placement, recorded: TenantSpec, options: PulumiOptions): Promise<void> {
  const automation = await automationOf(options);
  const stack = await automation.selectStack(placement.stack, options.workDir);
  const onOutput = (out: string) => options.onOutput?.(out.trimEnd());
  const config = await stack.getAllConfig();
  const own = config[TENANT_CONFIG_KEY]?.value;
  const spec = own
    ? parseTenantSpec({ config: { [TENANT_CONFIG_KEY]: own } }, `stack ${placement.stack} config`)
    : { ...recorded, provider: placement.provider, region: placement.region };
  await stack.setConfig(TENANT_CONFIG_KEY, { value: JSON.stringify({ ...spec, deletionProtection: false }), secret: false });
  await stack.up({ onOutput });
  await stack.destroy({ onOutput });
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
