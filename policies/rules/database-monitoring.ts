import { defineRule, truthy } from '../rule.ts';

/**
 * Advisory: query-level monitoring is on (RDS Performance Insights, Cloud SQL Query Insights), so load, slow
 * queries and unusual access patterns are visible before they become an outage.
 *
 * - SOC 2 A1.1: the entity monitors current processing capacity and use of system components to meet its
 *   availability commitments.
 * - SOC 2 CC7.2: system components are monitored for anomalies (a sudden change in query load is one).
 * Performance data is not evidence an auditor asks for under PDPA, GDPR or HIPAA (audit-logging covers access), so
 * only SOC 2 is claimed. Azure SQL's Query Store is on by default; Flexible Server's needs the server parameter
 * pg_qs.query_capture_mode, which the provider module does not declare, and a rule that sees one resource at a time
 * cannot see an absent parameter (a known gap, docs/policies.md). Supabase and Neon take no monitoring input.
 * AWS equivalents: Pulumi aws-rds-instance-enable-performance-insights and
 * aws-rds-cluster-instance-enable-performance-insights (advisory there too); awsguard has none.
 */
export const databaseMonitoring = defineRule({
  name: 'database-monitoring',
  description: 'Query-level performance monitoring is enabled on the database.',
  enforcementLevel: 'advisory',
  severity: 'low',
  frameworks: ['soc2'],
  controls: ['SOC2 A1.1', 'SOC2 CC7.2'],
  remediationSteps: 'Keep the provider module defaults: Performance Insights on RDS and Aurora instances, insightsConfig.queryInsightsEnabled on Cloud SQL.',
  checks: {
    'aws:rds/instance:Instance': ({ props }) => (truthy(props.performanceInsightsEnabled) ? undefined : 'performanceInsightsEnabled is false'),
    'aws:rds/clusterInstance:ClusterInstance': ({ props }) => (truthy(props.performanceInsightsEnabled) ? undefined : 'performanceInsightsEnabled is false'),
    'azure-native:dbforpostgresql:Configuration': ({ props }) =>
      props.configurationName === 'pg_qs.query_capture_mode' && String(props.value).toUpperCase() === 'NONE'
        ? 'pg_qs.query_capture_mode is NONE (Query Store off)'
        : undefined,
    'gcp:sql/databaseInstance:DatabaseInstance': ({ props }) =>
      truthy(props.settings?.insightsConfig?.queryInsightsEnabled) ? undefined : 'settings.insightsConfig.queryInsightsEnabled is not true',
  },
});
