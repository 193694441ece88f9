import { defineRule, truthy } from '../rule.ts';

/**
 * Advisory: a standby in a second zone. The `small` tier is single-zone by design (cost), so this warns.
 *
 * - SOC 2 A1.2 (availability commitments: redundant infrastructure).
 * - HIPAA 164.308(a)(7)(ii)(C) (emergency mode operation plan).
 * AWS equivalents: awsguard rds-instance-multi-az-enabled (advisory by default), Pulumi
 * aws-rds-cluster-disallow-single-availability-zone. Aurora clusters in this project always run two instances.
 */
export const highAvailability = defineRule({
  name: 'high-availability',
  description: 'The database keeps a standby in a second availability zone.',
  enforcementLevel: 'advisory',
  severity: 'low',
  frameworks: ['soc2', 'hipaa'],
  controls: ['SOC2 A1.2', 'HIPAA 164.308(a)(7)(ii)(C)'],
  remediationSteps: 'Use size medium or large for production tenants (Multi-AZ RDS, zone-redundant Azure, REGIONAL Cloud SQL).',
  checks: {
    'aws:rds/instance:Instance': ({ props }) => (truthy(props.multiAz) ? undefined : 'multiAz is false (single availability zone)'),
    'aws:rds/cluster:Cluster': ({ props }) =>
      Array.isArray(props.availabilityZones) && props.availabilityZones.length < 2
        ? `availabilityZones pins the cluster to ${props.availabilityZones.length} zone(s)`
        : undefined,
    'azure-native:dbforpostgresql:Server': ({ props }) =>
      props.highAvailability?.mode && props.highAvailability.mode !== 'Disabled' ? undefined : 'highAvailability.mode is Disabled',
    'gcp:sql/databaseInstance:DatabaseInstance': ({ props }) =>
      props.settings?.availabilityType === 'REGIONAL' ? undefined : `settings.availabilityType is ${props.settings?.availabilityType ?? 'ZONAL'}`,
  },
});
