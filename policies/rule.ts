import {
  UnknownValueError,
  type EnforcementLevel,
  type ResourceValidation,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type Severity,
} from '@pulumi/policy';
import type { ComplianceFramework } from '@byos/runtime';
import { readTenantTags, type TenantTagInfo } from '@byos/pulumi';

/**
 * What every BYOS rule adds to a CrossGuard ResourceValidationPolicy: the frameworks and control ids it serves,
 * and the resource types it judges (one check per type, so a rule reads as a table: type → what must hold).
 */
export interface ByosRule extends ResourceValidationPolicy {
  enforcementLevel: EnforcementLevel;
  validateResource: ResourceValidation;
  severity: Severity;
  remediationSteps: string;
  /** Frameworks whose controls this rule serves. */
  frameworks: readonly ComplianceFramework[];
  /** Control ids, prefixed by framework (`SOC2 CC6.1`, `HIPAA 164.312(a)(2)(iv)`, `GDPR Art. 32(1)(a)`, `PDPA s24`). */
  controls: readonly string[];
  /** Pulumi type tokens this rule judges; any other resource is not applicable. */
  resourceTypes: readonly string[];
}

/** What a check sees: the resource's inputs and the tenant facts its tags carry. */
export interface CheckContext {
  props: Record<string, any>;
  tenant: TenantTagInfo;
  type: string;
  name: string;
}

/** Returns the violation messages for one resource (empty or undefined when it complies). */
export type Check = (context: CheckContext) => readonly string[] | string | undefined;

export interface RuleDefinition {
  name: string;
  description: string;
  enforcementLevel: 'mandatory' | 'advisory';
  severity: Severity;
  frameworks: readonly ComplianceFramework[];
  controls: readonly string[];
  remediationSteps: string;
  checks: Readonly<Record<string, Check>>;
}

/** Tags (AWS, Azure, dynamic resources), labels (GCP) or Cloud SQL user labels, wherever the resource keeps them. */
export function resourceTags(props: Record<string, any>): Record<string, string> | undefined {
  return props.tags ?? props.labels ?? props.settings?.userLabels ?? undefined;
}

/**
 * The tenant facts for a resource: its own tags, or, for resources that take none (Azure SQL retention policies,
 * Flexible Server parameters), the stack's tags. Set them once per stack (`pulumi stack tag set byos-compliance
 * gdpr_soc2`, …, the same keys as components/tenant-tags.ts); the offline gate passes tenantTags(spec).
 */
export function tenantOf(props: Record<string, any>, stackTags?: ReadonlyMap<string, string>): TenantTagInfo {
  const own = resourceTags(props);
  if (own && Object.keys(own).some((key) => key.startsWith('byos-'))) return readTenantTags(own);
  return readTenantTags(stackTags ? Object.fromEntries(stackTags) : undefined);
}

/**
 * Stands in for an input Pulumi cannot know during preview (another new resource's ARN, id or key URI). The engine
 * hands policies a proxy that throws UnknownValueError on such a field, which would skip the whole rule for the
 * resource ("can't run during preview"); reading through plainInputs instead keeps every other check running. An
 * unknown counts as present (a kmsKeyId that is someone's future ARN is set) and never equals a literal.
 */
export const UNKNOWN: { toString(): string } = Object.freeze({ toString: () => '<unknown until apply>' });

/** A plain deep copy of the resource inputs, with each preview-unknown value replaced by UNKNOWN. */
export function plainInputs(value: unknown): any {
  if (typeof value !== 'object' || value === null) return value;
  const read = (key: string | number) => {
    try {
      return plainInputs((value as Record<string | number, unknown>)[key]);
    } catch (error) {
      if (error instanceof UnknownValueError) return UNKNOWN;
      throw error;
    }
  };
  if (Array.isArray(value)) return Array.from({ length: value.length }, (_, index) => read(index));
  return Object.fromEntries(Object.keys(value).map((key) => [key, read(key)]));
}

/**
 * Builds the CrossGuard policy: dispatches on the type token, reports each message of the matching check. A message
 * that quotes an unknown value judged nothing real, so it is dropped in preview; `pulumi up` judges the real value.
 */
export function defineRule(definition: RuleDefinition): ByosRule {
  const { checks, ...meta } = definition;
  return {
    ...meta,
    framework: {
      name: definition.frameworks.map((f) => f.toUpperCase()).join(', '),
      version: '2025',
      reference: definition.controls.join('; '),
      specification: 'PDPA 2012 (Singapore), GDPR (EU 2016/679), AICPA SOC 2 Trust Services Criteria 2017, HIPAA Security Rule 45 CFR 164',
    },
    resourceTypes: Object.keys(checks),
    validateResource(args: ResourceValidationArgs, reportViolation) {
      const check = checks[args.type];
      if (!check) return args.notApplicable(`${definition.name} does not judge ${args.type}`);
      const props: Record<string, any> = plainInputs(args.props) ?? {};
      const result = check({ props, tenant: tenantOf(props, args.stackTags), type: args.type, name: args.name });
      const messages = result === undefined ? [] : typeof result === 'string' ? [result] : result;
      for (const message of messages) if (!message.includes(String(UNKNOWN))) reportViolation(message, args.urn);
    },
  };
}

/** A Pulumi bool/number input recorded as a string by some providers: normalise before comparing. */
export function truthy(value: unknown): boolean {
  return value === true || value === 'true' || value === 1 || value === '1' || value === 'on' || value === 'ON';
}
