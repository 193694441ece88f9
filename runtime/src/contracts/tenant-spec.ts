import { isIP } from 'node:net';
import { z } from 'zod';
import { PROVIDERS } from '../providers/list.ts';
import { JURISDICTIONS, type Jurisdiction } from './jurisdictions.ts';
import { parseContract, withoutSchemaReference } from './parse.ts';

// The provider names come from the descriptor list (providers/list.ts): one descriptor per provider.
export { PROVIDERS };
export type ProviderName = (typeof PROVIDERS)[number];

export const COMPLIANCE_FRAMEWORKS = ['pdpa', 'gdpr', 'soc2', 'hipaa'] as const;
export type ComplianceFramework = (typeof COMPLIANCE_FRAMEWORKS)[number];

export { JURISDICTIONS, type Jurisdiction };

export const SIZE_TIERS = ['small', 'medium', 'large'] as const;
export type SizeTier = (typeof SIZE_TIERS)[number];

/** True for an IPv4 or IPv6 CIDR block such as `10.0.0.0/16` or `2001:db8::/32`. */
export function isCidr(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const address = value.slice(0, slash);
  const bitsText = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return false;
  const bits = Number(bitsText);
  const family = isIP(address);
  return (family === 4 && bits <= 32) || (family === 6 && bits <= 128);
}

/**
 * List lengths a spec may hold. Each allowed CIDR becomes a firewall rule (providers cap these in the hundreds), so
 * a longer list is a mistake or an attack; without a cap a million entries took 1.6 GB and 70 s before passing.
 */
export const SPEC_LIMITS = { allowedCidrs: 1000, compliance: 16 } as const;

export const TenantId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,61}[a-z0-9]$/, 'must be 3-63 lowercase letters, digits or dashes, starting with a letter and not ending with a dash');

export const TenantSpec = z
  .object({
    /** Stable id; resource names, stack names and file names derive from it. */
    tenant: TenantId,
    provider: z.enum(PROVIDERS),
    /** The provider's own region name (ap-southeast-1, southeastasia, asia-southeast1, aws-ap-southeast-1, local). */
    region: z.string().min(1, 'must name the provider region'),
    /** Jurisdiction the data (and every copy of it, backups included) must stay in. */
    residency: z.enum(JURISDICTIONS).optional(),
    compliance: z.array(z.enum(COMPLIANCE_FRAMEWORKS)).max(SPEC_LIMITS.compliance, `must list at most ${SPEC_LIMITS.compliance} frameworks`).default([]),
    encryption: z
      .object({
        /** Encrypt at rest with a key the tenant controls (KMS / Key Vault / Cloud KMS) instead of the provider's. */
        customerManagedKey: z.boolean().default(false),
      })
      .strict()
      .default({ customerManagedKey: false }),
    backup: z
      .object({
        retentionDays: z.number().int().min(0).max(3650).default(7),
        pointInTimeRecovery: z.boolean().default(true),
      })
      .strict()
      .default({ retentionDays: 7, pointInTimeRecovery: true }),
    network: z
      .object({
        publicAccess: z.boolean().default(false),
        allowedCidrs: z
          .array(z.string().max(64).refine(isCidr, { message: 'must be a CIDR block such as 203.0.113.0/24' }))
          .max(SPEC_LIMITS.allowedCidrs, `must list at most ${SPEC_LIMITS.allowedCidrs} CIDR blocks (each one is a firewall rule)`)
          .default([]),
      })
      .strict()
      .default({ publicAccess: false, allowedCidrs: [] }),
    size: z.enum(SIZE_TIERS).default('small'),
    /**
     * The provider refuses to delete the database while true. `byos reconcile --allow-retire` turns it off with an
     * `up` of its own before destroying, so a retire never needs a hand edit.
     */
    deletionProtection: z.boolean().default(true),
  })
  .strict();
export type TenantSpec = z.output<typeof TenantSpec>;
export type TenantSpecInput = z.input<typeof TenantSpec>;

/** Config key under which a Pulumi stack file holds the TenantSpec. */
export const TENANT_CONFIG_KEY = 'byos:tenant';

/**
 * Parses a TenantSpec from either form users keep in git: the bare spec, or a Pulumi stack file
 * (`config: { byos:tenant: {...} }`). `source` (a file name) goes into error messages.
 */
export function parseTenantSpec(input: unknown, source?: string): TenantSpec {
  const config = (input as { config?: Record<string, unknown> } | null)?.config;
  if (config && typeof config === 'object') {
    const raw = config[TENANT_CONFIG_KEY];
    if (raw === undefined) {
      return parseContract(TenantSpec, 'tenant spec', undefined, `${source ?? 'stack file'} (config key ${TENANT_CONFIG_KEY} is missing)`);
    }
    // Pulumi stores structured config as an object; `pulumi config set` may store it as a JSON string.
    const value = typeof raw === 'string' ? safeJson(raw) : raw;
    return parseContract(TenantSpec, 'tenant spec', value, source);
  }
  return parseContract(TenantSpec, 'tenant spec', withoutSchemaReference(input), source);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
