import { defineRule, truthy, type CheckContext } from '../rule.ts';

/**
 * Database access is logged somewhere the tenant keeps: RDS exports the postgresql log (connections, pgAudit) to
 * CloudWatch; Azure SQL server auditing is on; Flexible Server and Cloud SQL log connections and disconnections,
 * and where pgAudit is configured its `pgaudit.log` audits at least one statement class.
 *
 * - HIPAA 164.312(b) (audit controls: record and examine activity in systems holding ePHI).
 * - SOC 2 CC7.2 (monitor system components for anomalies) and CC4.1.
 * - GDPR Art. 30 / Art. 32(1)(d) (regularly testing and evaluating security measures needs their records).
 * - PDPA s24 (security arrangements; access records are how unauthorised access is detected).
 * AWS equivalent: AWS Config rds-logging-enabled; Pulumi aws-rds-instance-enable-cloudwatch-logs-exports style
 * checks. Supabase and Neon expose no audit-log setting through their APIs and are not judged here.
 */
const LOG_FLAGS = ['log_connections', 'log_disconnections'];

/** pgAudit, where declared, must log something: `pgaudit.log` none (or empty) turns schema and role auditing off. */
function pgauditOff(name: unknown, value: unknown): string | undefined {
  if (name !== 'pgaudit.log') return undefined;
  const classes = String(value ?? '')
    .trim()
    .toLowerCase();
  return classes === '' || classes === 'none' ? `pgaudit.log is ${classes || 'empty'} (no statement classes audited)` : undefined;
}

function rds({ props }: CheckContext): string | undefined {
  const exports: unknown[] = Array.isArray(props.enabledCloudwatchLogsExports) ? props.enabledCloudwatchLogsExports : [];
  return exports.includes('postgresql') ? undefined : 'enabledCloudwatchLogsExports must include "postgresql" (connection and audit logs)';
}

export const auditLogging = defineRule({
  name: 'audit-logging',
  description: 'Connections and security events on the database are logged.',
  enforcementLevel: 'mandatory',
  severity: 'high',
  frameworks: ['hipaa', 'soc2', 'gdpr', 'pdpa'],
  controls: ['HIPAA 164.312(b)', 'SOC2 CC7.2', 'SOC2 CC4.1', 'GDPR Art. 30', 'GDPR Art. 32(1)(d)', 'PDPA s24'],
  remediationSteps: 'Keep the provider module defaults: RDS log export "postgresql", Azure SQL auditing Enabled, log_connections and log_disconnections on.',
  checks: {
    'aws:rds/instance:Instance': rds,
    'aws:rds/cluster:Cluster': rds,
    'aws:rds/parameterGroup:ParameterGroup': ({ props }) =>
      (props.parameters ?? [])
        .filter((p: { name?: string; value?: unknown }) => LOG_FLAGS.includes(String(p?.name)) && !truthy(String(p.value)))
        .map((p: { name?: string; value?: unknown }) => `${p.name} must be 1, got ${p.value}`),
    'azure-native:sql:ServerBlobAuditingPolicy': ({ props }) =>
      props.state === 'Enabled' ? undefined : `server auditing state must be Enabled, got ${props.state ?? 'unset'}`,
    'azure-native:dbforpostgresql:Configuration': ({ props }) =>
      LOG_FLAGS.includes(String(props.configurationName)) && !truthy(String(props.value).toLowerCase())
        ? `${props.configurationName} must be on, got ${props.value}`
        : pgauditOff(props.configurationName, props.value),
    'gcp:sql/databaseInstance:DatabaseInstance': ({ props }) => {
      const flags: { name?: string; value?: string }[] = props.settings?.databaseFlags ?? [];
      const missing = LOG_FLAGS.filter((name) => !flags.some((f) => f?.name === name && truthy(String(f.value).toLowerCase()))).map(
        (name) => `settings.databaseFlags must set ${name}=on`,
      );
      return [...missing, ...flags.map((f) => pgauditOff(f?.name, f?.value)).filter((m): m is string => Boolean(m))];
    },
  },
});
