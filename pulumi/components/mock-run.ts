import * as pulumi from '@pulumi/pulumi';
import type { ConnectionProfile, TenantSpec } from '@byos/runtime';
import { PROVIDER_REGISTRY, TENANT_CONFIG_KEY, parseTenantSpec } from '@byos/runtime';
import { mockInvoke, mockResourceOutputs } from './mock-outputs.ts';

/**
 * Runs a tenant's Pulumi program under Pulumi's mock runtime: no engine, no CLI, no cloud credentials. Every
 * resource the program declares is recorded with its inputs, which is what the policy pack judges offline
 * (`byos policy check`) and what the infrastructure tests assert on.
 */

/** One resource as the program declared it. */
export interface RecordedResource {
  /** Pulumi type token: `aws:rds/instance:Instance`, `pulumi-nodejs:dynamic/supabase:Project`, `byos:index:TenantDatabase`. */
  type: string;
  /** Logical name (`<tenant>-<part>`). */
  name: string;
  /** URN, `urn:pulumi:<tenant>::byos::<parent types>$<type>::<name>`. */
  urn: string;
  /** Inputs with secrets unwrapped to their values (a dynamic resource's serialised `__provider` is left out). */
  inputs: Record<string, unknown>;
  /** Dotted paths of inputs that were Pulumi secrets (`password`, `properties.administratorLoginPassword`). */
  secretPaths: string[];
  /** False for component resources (TenantDatabase), true for real cloud resources. */
  custom: boolean;
}

export interface TenantMockRun {
  spec: TenantSpec;
  resources: RecordedResource[];
  /** The stack output `profile`, resolved; the password is in clear here (it is a secret in the stack). */
  profile: ConnectionProfile;
  /** The plain stack outputs. */
  outputs: { tenant: string; provider: string; region: string; residency?: string; dialect: string; host?: string; port?: number; database: string };
  /** Names of stack outputs that are Pulumi secrets (`profile` must be among them). */
  secretOutputs: string[];
}

export interface MockRunOptions {
  /** File name for error messages (`stacks/Pulumi.acme-sg.yaml`). */
  source?: string;
  /** false lets a residency violation through so the policy pack can report it (default true: it throws). */
  enforceResidency?: boolean;
  /** Extra stack config, `byos:<key>` → value (strings; objects as JSON). Overrides the offline defaults. */
  config?: Record<string, string>;
}

/** Placeholder settings (credentials) from the provider descriptors so every provider's stack runs offline; they reach no API. */
const OFFLINE_CONFIG = PROVIDER_REGISTRY.offline.config;
const SECRET_CONFIG_KEYS = PROVIDER_REGISTRY.offline.secretConfigKeys;

let queue: Promise<unknown> = Promise.resolve();

/**
 * Validates `input` (a bare TenantSpec or a parsed stack file; a ContractError names the bad field) and runs the
 * program for it. Calls are queued: Pulumi's runtime state is process-wide, so runs never overlap.
 */
export function runTenantUnderMocks(input: unknown, options: MockRunOptions = {}): Promise<TenantMockRun> {
  const run = queue.then(() => runOnce(input, options));
  queue = run.catch(() => undefined);
  return run;
}

async function runOnce(input: unknown, options: MockRunOptions): Promise<TenantMockRun> {
  const spec = parseTenantSpec(input, options.source);
  const recorded: Omit<RecordedResource, 'urn'>[] = [];

  // Let RPCs of anything run before (another caller's mocks) finish against their own monitor.
  await pulumi.runtime.disconnect().catch(() => undefined);
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const inputs = (args.inputs ?? {}) as Record<string, unknown>;
        const { __provider: _serialised, ...declared } = inputs;
        recorded.push({
          type: args.type,
          name: args.name,
          inputs: unwrapSecrets(declared) as Record<string, unknown>,
          secretPaths: secretPaths(declared),
          custom: args.custom !== false,
        });
        const { id, outputs } = mockResourceOutputs(args.type, args.name, unwrapSecrets(declared) as Record<string, any>);
        return { id, state: { ...inputs, ...outputs } };
      },
      call(args) {
        return mockInvoke(args.token, unwrapSecrets(args.inputs ?? {}) as Record<string, unknown>);
      },
    },
    'byos',
    spec.tenant,
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as { resources: Map<string, { urn: string }> };
  pulumi.runtime.setAllConfig({ ...OFFLINE_CONFIG, ...options.config, [TENANT_CONFIG_KEY]: JSON.stringify(spec) }, [...SECRET_CONFIG_KEYS]);

  // The program is imported only now, after the mocks are in place.
  const { runTenantProgram } = await import('./program.ts');
  try {
    const outputs = runTenantProgram({ enforceResidency: options.enforceResidency });
    const [profile, host, port, database] = await Promise.all([
      settled(outputs.profile),
      settled(outputs.host),
      settled(outputs.port),
      settled(outputs.database),
    ]);
    const secretOutputs: string[] = [];
    for (const [key, value] of Object.entries(outputs)) {
      if (pulumi.Output.isInstance(value) && (await pulumi.isSecret(value))) secretOutputs.push(key);
    }
    await pulumi.runtime.disconnect();
    const urns = [...monitor.resources.keys()];
    return {
      spec,
      resources: recorded.map((r) => ({ ...r, urn: findUrn(urns, r.type, r.name) })),
      profile,
      outputs: {
        tenant: outputs.tenant,
        provider: outputs.provider,
        region: outputs.region,
        residency: outputs.residency,
        dialect: outputs.dialect,
        host,
        port,
        database,
      },
      secretOutputs,
    };
  } catch (error) {
    await pulumi.runtime.disconnect().catch(() => undefined);
    throw error;
  }
}

/** The value of an output once every resource it depends on has registered (rejects if one failed). */
function settled<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(): Promise<T> }).promise();
}

function findUrn(urns: readonly string[], type: string, name: string): string {
  const match = urns.find((urn) => {
    const parts = urn.split('::');
    return parts[3] === name && parts[2]?.split('$').pop() === type;
  });
  return match ?? `urn:pulumi:unknown::byos::${type}::${name}`;
}

function isSecretValue(value: unknown): value is { value: unknown } {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
}

/** Replaces every secret-wrapped value (`{ <sig>: <secret sig>, value }`) by its value, deeply. */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecretValue(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

function secretPaths(value: unknown, prefix = ''): string[] {
  if (isSecretValue(value)) return [prefix || '(root)'];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => secretPaths(v, prefix ? `${prefix}.${k}` : k));
}
