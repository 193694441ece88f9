import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import type { SizeTier } from '@byos/runtime';
import { ProviderSettingError } from './errors.ts';
import { boundedName, logicalName } from './naming.ts';
import { splitByFamily } from './network.ts';
import { SUPABASE_API_URL } from './supabase-api.ts';
import { SupabaseProject } from './supabase-dynamic.ts';
import type { ConnectionParts, ProviderContext, ProviderModule, ProviderResult } from './types.ts';

/**
 * Supabase: one project per tenant in the spec's region, SSL enforced, network restrictions from the spec. Supabase
 * encrypts storage with its own keys (no customer-managed key) and runs backups by plan, not per project; the policy
 * pack judges what that means for a tenant that asks for more.
 */

/** Compute size per tier (Supabase `desired_instance_size`). */
export const SUPABASE_SIZES: Readonly<Record<SizeTier, string>> = { small: 'small', medium: 'large', large: '2xlarge' };

/**
 * Network restrictions for the project. Supabase admits every address until restrictions are applied, so a spec
 * without CIDRs yields the explicit world-open lists Supabase would otherwise apply by default: the policy pack sees
 * the truth and judges it like any other world-open network.
 */
export function supabaseRestrictions(allowedCidrs: readonly string[]): { dbAllowedCidrs: string[]; dbAllowedCidrsV6: string[] } {
  if (allowedCidrs.length === 0) return { dbAllowedCidrs: ['0.0.0.0/0'], dbAllowedCidrsV6: ['::/0'] };
  const { v4, v6 } = splitByFamily(allowedCidrs);
  return { dbAllowedCidrs: v4, dbAllowedCidrsV6: v6 };
}

function createDatabase({ spec, settings, parent, tags }: ProviderContext<'supabase'>): ProviderResult {
  if (!settings.supabaseAccessToken) {
    throw new ProviderSettingError('byos:supabaseAccessToken', 'missing; set it with `pulumi config set --secret byos:supabaseAccessToken sbp_…`');
  }
  if (!settings.supabaseOrganization) {
    throw new ProviderSettingError('byos:supabaseOrganization', 'missing; set it to the organisation slug that owns the project');
  }
  const password = new random.RandomPassword(logicalName(spec.tenant, 'db-password'), { length: 32, special: false }, { parent });
  // Secret explicitly: outside the engine (mocks, tests) nothing else marks the generated value secret.
  const secretPassword = pulumi.secret(password.result);
  const project = new SupabaseProject(
    logicalName(spec.tenant, 'project'),
    {
      name: boundedName(['byos', spec.tenant], { maxLength: 63 }),
      organizationSlug: settings.supabaseOrganization,
      region: spec.region,
      dbPass: secretPassword,
      accessToken: settings.supabaseAccessToken,
      apiUrl: settings.supabaseApiUrl ?? SUPABASE_API_URL,
      instanceSize: SUPABASE_SIZES[spec.size],
      sslEnforced: true,
      ...supabaseRestrictions(spec.network.allowedCidrs),
      deletionProtection: spec.deletionProtection,
      tags,
    },
    { parent },
  );
  const connection: pulumi.Output<ConnectionParts> = project.host.apply((host) => ({
    host,
    port: 5432,
    database: 'postgres',
    user: 'postgres',
    // Supabase signs with its own root CA (dashboard → Database → SSL): set tls.caFile where apps connect.
    tls: { mode: 'verify-full' as const, minVersion: 'TLSv1.2' as const },
  }));
  return { connection, password: secretPassword, database: project };
}

export const supabaseProvider: ProviderModule<'supabase'> = { provider: 'supabase', createDatabase };
