import { createHash } from 'node:crypto';
import { type Finding, PROVIDER_TRAITS, type TenantSpec } from '@byos/runtime';

/** One rule of the policy pack as it stands for one tenant. */
export interface RuleResult {
  rule: string;
  description: string;
  enforcement: 'mandatory' | 'advisory';
  /** `violation`: a mandatory rule is broken; `advisory`: an advisory rule's finding; `pass`: no finding. */
  status: 'pass' | 'violation' | 'advisory';
  /** The findings' own words (what to change), one per resource that broke the rule. */
  messages: string[];
  /** The rule's remediation steps, when it has findings. */
  remediation?: string;
}

export interface PolicyGate {
  /** A mandatory rule is broken (the gate would stop `byos reconcile`). */
  violates: boolean;
  /** Resources the program declared (checkTenant's count): none for local-sqlite, a generated password for local-postgres. */
  resources: number;
  /** The provider runs nothing in a cloud (its traits say so): every rule passes for want of a cloud resource to judge. */
  local: boolean;
  rules: RuleResult[];
}

/** The spec's hash, as the operator computes it for the same purpose: equal specs share one check. */
export function specHash(spec: TenantSpec): string {
  return createHash('sha256')
    .update(JSON.stringify(sortKeys(spec)))
    .digest('hex');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/**
 * The offline policy gate (`byos policy check`) per tenant: the Pulumi program under mocks, judged by the pack.
 * Loaded on first use (the pack pulls in Pulumi) and cached per spec hash, since a spec's verdict cannot change
 * while the spec does not.
 */
export class PolicyCache {
  private readonly results = new Map<string, Promise<PolicyGate>>();

  check(spec: TenantSpec, hash = specHash(spec)): Promise<PolicyGate> {
    let result = this.results.get(hash);
    if (!result) {
      result = judge(spec);
      // A failed run (a bug, not a verdict) is tried again on the next load.
      result.catch(() => this.results.delete(hash));
      this.results.set(hash, result);
    }
    return result;
  }
}

async function judge(spec: TenantSpec): Promise<PolicyGate> {
  const [{ checkTenant }, { RULES }] = await Promise.all([import('@byos/policies/offline'), import('@byos/policies/rules')]);
  const result = await checkTenant(spec, { source: `tenant ${spec.tenant}` });
  const held = (frameworks: readonly string[]) => spec.compliance.length === 0 || frameworks.some((f) => (spec.compliance as string[]).includes(f));
  const byRule = (name: string) => result.findings.filter((f) => f.rule === name);
  const rules: RuleResult[] = RULES.filter((rule) => held(rule.frameworks) || byRule(rule.name).length).map((rule) =>
    ruleResult(rule.name, rule.description, rule.enforcementLevel === 'mandatory' ? 'mandatory' : 'advisory', byRule(rule.name), rule.remediationSteps),
  );
  // Findings of no pack rule (the provider refusing the spec) stand as rules of their own.
  for (const name of new Set(result.findings.map((f) => f.rule))) {
    if (rules.some((r) => r.rule === name)) continue;
    const findings = byRule(name);
    rules.push(ruleResult(name, findings[0]!.message, findings.some((f) => f.severity === 'error') ? 'mandatory' : 'advisory', findings));
  }
  const rank = { violation: 0, advisory: 1, pass: 2 } as const;
  rules.sort((a, b) => rank[a.status] - rank[b.status]);
  return { violates: result.findings.some((f) => f.severity === 'error'), resources: result.resources, local: !PROVIDER_TRAITS[spec.provider].cloud, rules };
}

function ruleResult(rule: string, description: string, enforcement: RuleResult['enforcement'], findings: Finding[], steps?: string): RuleResult {
  const status = findings.some((f) => f.severity === 'error') ? 'violation' : findings.length ? 'advisory' : 'pass';
  const remediation = findings.find((f) => f.remediation)?.remediation ?? steps;
  return {
    rule,
    description,
    enforcement,
    status,
    messages: findings.map((f) => `${f.subject}: ${f.message}`),
    ...(findings.length && remediation ? { remediation } : {}),
  };
}
