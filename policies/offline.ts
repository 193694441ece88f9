import type { ResourceValidationArgs } from '@pulumi/policy';
import { parseTenantSpec, type ComplianceFramework, type Finding, type TenantSpec } from '@byos/runtime';
import type { RecordedResource } from '@byos/pulumi';
import { runTenantUnderMocks } from '@byos/pulumi';
import { readStackFile, stackFromDocument } from '@byos/pulumi';
import { tenantTags } from '@byos/pulumi';
import { ProviderCapabilityError, ResidencyError } from '@byos/pulumi';
import { assertResidency } from '@byos/pulumi';
import { tenantOf, type ByosRule } from './rule.ts';
import { RULES } from './rules/index.ts';
import { residency as residencyRule } from './rules/residency.ts';

/**
 * The offline gate: runs a tenant's program under Pulumi's mock runtime (no engine, no CLI, no credentials), then
 * hands every recorded resource to every rule exactly as the policy engine would (`validateResource(args, report)`),
 * collecting violations as Findings. Mandatory rules give `error` findings, advisory ones `warning`.
 */
export interface PolicyCheckResult {
  tenant: string;
  provider: string;
  /** Resources judged (custom resources only; components carry no cloud settings). */
  resources: number;
  findings: Finding[];
}

export interface CheckOptions {
  /** File name for error messages. */
  source?: string;
  /** Extra stack config (`byos:<key>` → string). */
  config?: Record<string, string>;
  /** Rules to run (default: all). */
  rules?: readonly ByosRule[];
}

/** Thrown by `args.notApplicable()`, as the engine's own implementation throws to stop the check. */
class NotApplicable extends Error {}

/** Engine-shaped arguments for one recorded resource. */
export function validationArgs(
  resource: Pick<RecordedResource, 'type' | 'name' | 'urn' | 'inputs'>,
  stackTags: ReadonlyMap<string, string>,
): ResourceValidationArgs {
  return {
    type: resource.type,
    props: resource.inputs,
    urn: resource.urn,
    name: resource.name,
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      additionalSecretOutputs: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    },
    stackTags,
    // Type checks by token: the SDK classes' __pulumiType is what the engine compares too.
    isType: (resourceClass) => (resourceClass as unknown as { __pulumiType?: string }).__pulumiType === resource.type,
    asType: (resourceClass) =>
      (resourceClass as unknown as { __pulumiType?: string }).__pulumiType === resource.type ? (resource.inputs as never) : undefined,
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason ?? 'not applicable');
    },
  };
}

/** Runs `rules` on one resource; returns the violation messages (empty when it complies or the rule does not apply). */
export async function validateWith(
  rule: ByosRule,
  resource: Pick<RecordedResource, 'type' | 'name' | 'urn' | 'inputs'>,
  stackTags: ReadonlyMap<string, string> = new Map(),
): Promise<string[]> {
  const messages: string[] = [];
  try {
    await rule.validateResource(validationArgs(resource, stackTags), (message) => messages.push(message));
  } catch (error) {
    if (!(error instanceof NotApplicable)) throw error;
  }
  return messages;
}

/**
 * A finding names the frameworks (and their controls) the tenant is held to among those the rule serves; a tenant
 * under none of them, or under no framework at all, sees all of the rule's.
 */
function finding(rule: ByosRule, subject: string, message: string, compliance: readonly ComplianceFramework[] = []): Finding {
  const held = rule.frameworks.filter((f) => compliance.includes(f));
  const frameworks = held.length ? held : [...rule.frameworks];
  const controls = rule.controls.filter((c) => (frameworks as readonly string[]).includes(c.split(' ')[0]!.toLowerCase()));
  return {
    rule: rule.name,
    severity: rule.enforcementLevel === 'mandatory' ? 'error' : 'warning',
    subject,
    message,
    frameworks,
    controls,
    remediation: rule.remediationSteps,
  };
}

/** Judges recorded resources with every rule. `stackTags` stands in for the stack's tags (tenantTags(spec)). */
export async function evaluateResources(
  resources: readonly RecordedResource[],
  stackTags: ReadonlyMap<string, string>,
  rules: readonly ByosRule[] = RULES,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const resource of resources.filter((r) => r.custom)) {
    const { compliance } = tenantOf(resource.inputs, stackTags);
    for (const rule of rules) {
      for (const message of await validateWith(rule, resource, stackTags)) {
        findings.push(finding(rule, `${resource.name} (${resource.type})`, message, compliance));
      }
    }
  }
  return findings;
}

/**
 * Checks a tenant: `input` is a bare TenantSpec or a parsed stack file. A bad spec throws the ContractError naming
 * the field; a provider refusing the spec (ProviderCapabilityError) or a residency stop becomes a finding.
 */
export async function checkTenant(input: unknown, options: CheckOptions = {}): Promise<PolicyCheckResult> {
  const spec = parseTenantSpec(input, options.source);
  const stackTags = new Map(Object.entries(tenantTags(spec)));
  try {
    const run = await runTenantUnderMocks(input, { source: options.source, config: options.config, enforceResidency: false });
    const findings = await evaluateResources(run.resources, stackTags, options.rules);
    // The engine would stop at the component's residency check; offline it is reported even where no resource
    // carries the region (local providers declare no cloud resource).
    const stop = residencyStop(spec);
    if (stop && !findings.some((f) => f.rule === residencyRule.name && f.severity === 'error')) findings.unshift(stop);
    return { tenant: spec.tenant, provider: spec.provider, resources: run.resources.filter((r) => r.custom).length, findings };
  } catch (error) {
    const refused = programRefusal(spec, error);
    if (!refused) throw error;
    return { tenant: spec.tenant, provider: spec.provider, resources: 0, findings: [refused] };
  }
}

/** Checks a stack file (`stacks/Pulumi.<tenant>.yaml`), its other config keys passed to the program as Pulumi would. */
export async function checkStackFile(file: string, options: Omit<CheckOptions, 'source' | 'config'> = {}): Promise<PolicyCheckResult> {
  return checkStackDocument(await readStackFile(file).then((s) => s.document), file, options);
}

/** Checks a stack file already read (readSpecDocument), its config keys handed to the program as Pulumi would. */
export async function checkStackDocument(document: unknown, file: string, options: Omit<CheckOptions, 'source' | 'config'> = {}): Promise<PolicyCheckResult> {
  const stack = stackFromDocument(document);
  return checkTenant(stack.document, { ...options, source: file, config: stack.config });
}

/** The finding the component's own residency check (assertResidency, at preview) would stop the program with. */
function residencyStop(spec: TenantSpec): Finding | undefined {
  try {
    assertResidency(spec);
    return undefined;
  } catch (error) {
    return programRefusal(spec, error);
  }
}

function programRefusal(spec: TenantSpec, error: unknown): Finding | undefined {
  const subject = `tenant ${spec.tenant} (${spec.provider})`;
  if (error instanceof ResidencyError) return finding(residencyRule, subject, error.message, spec.compliance);
  if (error instanceof ProviderCapabilityError) {
    return {
      rule: 'provider-capability',
      severity: 'error',
      subject,
      message: error.message,
      frameworks: [...spec.compliance],
      remediation: `Change ${error.field} in the tenant spec to something ${error.provider} can honour, or choose another provider.`,
    };
  }
  return undefined;
}
