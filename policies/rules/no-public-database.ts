import { defineRule, truthy } from '../rule.ts';

/**
 * Advisory: the database has a public endpoint at all. With an allow-list it can be legitimate (the tenant's
 * spec says publicAccess with CIDRs), so this warns; a world-open endpoint is no-world-open-network's (mandatory).
 * Supabase and Neon have no private endpoint and are not judged here.
 *
 * - SOC 2 CC6.6 (boundary protection); HIPAA 164.312(e)(1); GDPR Art. 25(2) (data protection by default: not
 *   reachable by default); PDPA s24.
 * AWS equivalents: awsguard rds-instance-public-access (advisory by default), Pulumi
 * aws-rds-instance-disallow-public-access and aws-rds-cluster-instance-disallow-public-access.
 */
export const noPublicDatabase = defineRule({
  name: 'no-public-database',
  description: 'The database is reachable only on private networks.',
  enforcementLevel: 'advisory',
  severity: 'medium',
  frameworks: ['soc2', 'hipaa', 'gdpr', 'pdpa'],
  controls: ['SOC2 CC6.6', 'HIPAA 164.312(e)(1)', 'GDPR Art. 25(2)', 'PDPA s24'],
  remediationSteps: 'Set network.publicAccess: false and reach the database over the VPC / private endpoint / private services access.',
  checks: {
    'aws:rds/instance:Instance': ({ props }) => (truthy(props.publiclyAccessible) ? 'publiclyAccessible is true' : undefined),
    'aws:rds/clusterInstance:ClusterInstance': ({ props }) => (truthy(props.publiclyAccessible) ? 'publiclyAccessible is true' : undefined),
    'azure-native:sql:Server': ({ props }) =>
      props.publicNetworkAccess === 'Disabled' ? undefined : `publicNetworkAccess is ${props.publicNetworkAccess ?? 'unset (Enabled by default)'}`,
    'azure-native:dbforpostgresql:Server': ({ props }) =>
      props.network?.publicNetworkAccess === 'Disabled' ? undefined : `network.publicNetworkAccess is ${props.network?.publicNetworkAccess ?? 'unset'}`,
    'gcp:sql/databaseInstance:DatabaseInstance': ({ props }) =>
      props.settings?.ipConfiguration?.ipv4Enabled === false ? undefined : 'settings.ipConfiguration.ipv4Enabled gives the instance a public IP',
  },
});
