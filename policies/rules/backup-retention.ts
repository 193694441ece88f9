import { minimumBackupDays } from '../frameworks.ts';
import { defineRule, truthy, type CheckContext } from '../rule.ts';

/**
 * Automated backups are on and kept at least as long as the tenant's strictest framework asks (policies/frameworks.ts
 * gives each minimum and its reasoning: 7 days for SOC 2, GDPR and PDPA, 30 for HIPAA, 3 without a framework).
 *
 * - HIPAA 164.308(a)(7)(ii)(A) (data backup plan) and (B) (disaster recovery plan).
 * - GDPR Art. 32(1)(c): the ability to restore availability and access to personal data in a timely manner.
 * - SOC 2 A1.2 (backups and recovery infrastructure) and CC7.5 (recovery from incidents).
 * - PDPA s24: protection against loss of personal data.
 * AWS equivalents: awsguard rds-instance-backup-enabled (retention > 0); Pulumi aws-rds-instance- and
 * aws-rds-cluster-enable-backup-retention (set) and -configure-backup-retention (at least 3 days). This rule is at
 * least as strict for every tenant (unset counts as RDS's API default of 1 day) and stricter under a framework.
 */
function judge(days: number, context: CheckContext, field: string): string | undefined {
  const minimum = minimumBackupDays(context.tenant.compliance);
  if (days >= minimum.days) return undefined;
  return days <= 0 ? `automated backups are disabled (${field} = 0); ${minimum.because}` : `${field} keeps ${days} day(s) of backups; ${minimum.because}`;
}

function rds(context: CheckContext): string | undefined {
  // RDS's API default is 1 day when the input is left out.
  const days = context.props.backupRetentionPeriod === undefined ? 1 : Number(context.props.backupRetentionPeriod);
  return judge(days, context, 'backupRetentionPeriod');
}

export const backupRetention = defineRule({
  name: 'backup-retention',
  description: "Automated backups are enabled and kept at least as long as the tenant's frameworks require.",
  enforcementLevel: 'mandatory',
  severity: 'high',
  frameworks: ['hipaa', 'gdpr', 'soc2', 'pdpa'],
  controls: ['HIPAA 164.308(a)(7)(ii)(A)', 'HIPAA 164.308(a)(7)(ii)(B)', 'GDPR Art. 32(1)(c)', 'SOC2 A1.2', 'SOC2 CC7.5', 'PDPA s24'],
  remediationSteps: 'Raise backup.retentionDays in the tenant spec to at least the minimum named in the finding (HIPAA 30, SOC 2/GDPR/PDPA 7, otherwise 3).',
  checks: {
    'aws:rds/instance:Instance': rds,
    'aws:rds/cluster:Cluster': rds,
    'azure-native:sql:BackupShortTermRetentionPolicy': (context) => judge(Number(context.props.retentionDays ?? 7), context, 'retentionDays'),
    'azure-native:dbforpostgresql:Server': (context) => judge(Number(context.props.backup?.backupRetentionDays ?? 7), context, 'backup.backupRetentionDays'),
    'gcp:sql/databaseInstance:DatabaseInstance': (context) => {
      const backups = context.props.settings?.backupConfiguration ?? {};
      if (!truthy(backups.enabled)) return judge(0, context, 'settings.backupConfiguration.enabled');
      const settings = backups.backupRetentionSettings ?? {};
      // One automated backup a day: a COUNT of backups is a number of days (Cloud SQL's default is 7).
      const days = settings.retentionUnit && settings.retentionUnit !== 'COUNT' ? 0 : Number(settings.retainedBackups ?? 7);
      return judge(days, context, 'backupRetentionSettings.retainedBackups');
    },
    'pulumi-nodejs:dynamic/neon:Project': (context) =>
      judge(Math.floor(Number(context.props.historyRetentionSeconds ?? 86_400) / 86_400), context, 'historyRetentionSeconds (restore window)'),
  },
});
