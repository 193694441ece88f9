import * as pulumi from '@pulumi/pulumi';
import type { TenantSpec } from '@byos/runtime';
import { ProviderCapabilityError, ProviderSettingError } from './errors.ts';
import { boundedName, logicalName, tenantNames } from './naming.ts';
import { NEON_API_URL } from './neon-api.ts';
import { NeonProject } from './neon-dynamic.ts';
import type { ConnectionParts, ProviderContext, ProviderModule, ProviderResult } from './types.ts';

/**
 * Neon: one project per tenant in the spec's region (`region_id` such as `aws-ap-southeast-1`), its default branch,
 * owner role and database, the IP allow-list from the spec, and a restore window matching the spec's retention.
 * Neon refuses plaintext connections by itself; storage is encrypted with Neon's keys (no customer-managed key).
 */

/** Neon keeps at most 30 days of history (the point-in-time restore window). */
export const NEON_MAX_HISTORY_DAYS = 30;
export const NEON_PG_VERSION = 17;

/**
 * The restore window: Neon has no discrete backups, its history is the backup. Point-in-time recovery off keeps a
 * single day (Neon's minimum useful window); beyond 30 days Neon cannot keep history.
 */
export function neonHistorySeconds(spec: TenantSpec): number {
  const days = spec.backup.retentionDays;
  if (days > NEON_MAX_HISTORY_DAYS) {
    throw new ProviderCapabilityError(
      spec.tenant,
      'neon',
      'backup.retentionDays',
      `Neon keeps at most ${NEON_MAX_HISTORY_DAYS} days of history, the spec asks ${days}`,
    );
  }
  return (spec.backup.pointInTimeRecovery ? days : Math.min(days, 1)) * 86_400;
}

function createDatabase({ spec, settings, parent, tags }: ProviderContext<'neon'>): ProviderResult {
  if (!settings.neonApiKey) {
    throw new ProviderSettingError('byos:neonApiKey', 'missing; set it with `pulumi config set --secret byos:neonApiKey …`');
  }
  const names = tenantNames(spec.tenant);
  const project = new NeonProject(
    logicalName(spec.tenant, 'project'),
    {
      name: boundedName(['byos', spec.tenant], { maxLength: 63 }),
      regionId: spec.region,
      pgVersion: NEON_PG_VERSION,
      orgId: settings.neonOrgId,
      branchName: 'main',
      roleName: names.adminUser,
      databaseName: names.database,
      historyRetentionSeconds: neonHistorySeconds(spec),
      allowedIps: [...spec.network.allowedCidrs],
      hipaa: spec.compliance.includes('hipaa'),
      apiKey: settings.neonApiKey,
      apiUrl: settings.neonApiUrl ?? NEON_API_URL,
      deletionProtection: spec.deletionProtection,
      tags,
    },
    { parent },
  );
  const connection: pulumi.Output<ConnectionParts> = project.host.apply((host) => ({
    host,
    port: 5432,
    database: names.database,
    user: names.adminUser,
    // Neon's certificates chain to a public CA, so Node's default store verifies them.
    tls: { mode: 'verify-full' as const, minVersion: 'TLSv1.2' as const },
  }));
  return { connection, password: pulumi.secret(project.password), database: project };
}

export const neonProvider: ProviderModule<'neon'> = { provider: 'neon', createDatabase };
