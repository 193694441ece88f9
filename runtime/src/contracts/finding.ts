import { z } from 'zod';
import { COMPLIANCE_FRAMEWORKS } from './tenant-spec.ts';

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One judgement: a policy violation, a lint warning, a PII hit, a verification mismatch. */
export const Finding = z.object({
  /** Stable rule id, kebab-case (`rds-storage-encrypted`, `adding-required-field`). */
  rule: z.string().min(1),
  /** `error` blocks (mandatory policy, failed verification); `warning` advises; `info` reports. */
  severity: z.enum(SEVERITIES),
  /** What was judged: a resource URN or name, `table.column`, a migration id. */
  subject: z.string(),
  message: z.string(),
  frameworks: z.array(z.enum(COMPLIANCE_FRAMEWORKS)).optional(),
  /** Framework control ids the rule serves (`SOC2 CC6.1`, `HIPAA 164.312(a)(2)(iv)`). */
  controls: z.array(z.string()).optional(),
  /** How to fix it, in one sentence. */
  remediation: z.string().optional(),
});
export type Finding = z.output<typeof Finding>;

/** True when any finding blocks (severity `error`). */
export function hasBlockingFindings(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
