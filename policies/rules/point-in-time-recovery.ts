import { defineRule, truthy } from '../rule.ts';

/**
 * The database can be restored to any moment inside its backup window, not only to the last daily backup.
 *
 * - HIPAA 164.308(a)(7)(ii)(B) (disaster recovery: restore any loss of data) and 164.310(d)(2)(iv) (exact copy
 *   before moving equipment) read together: restoring to the minute before an incident loses no ePHI.
 * - GDPR Art. 32(1)(c): timely restoration of availability and access.
 * - SOC 2 A1.2 and A1.3 (recovery plan testing needs a restorable point).
 * - PDPA s24: protection against loss.
 * RDS and Aurora restore to any point once backups are on (backup-retention judges that); Azure SQL and Flexible
 * Server always do; Neon's history is its restore window, so one day at least.
 */
export const pointInTimeRecovery = defineRule({
  name: 'point-in-time-recovery',
  description: 'Point-in-time recovery is enabled.',
  enforcementLevel: 'mandatory',
  severity: 'high',
  frameworks: ['hipaa', 'gdpr', 'soc2', 'pdpa'],
  controls: ['HIPAA 164.308(a)(7)(ii)(B)', 'GDPR Art. 32(1)(c)', 'SOC2 A1.2', 'SOC2 A1.3', 'PDPA s24'],
  remediationSteps: 'Set backup.pointInTimeRecovery: true (and a retention above 0) in the tenant spec.',
  checks: {
    'aws:rds/instance:Instance': ({ props }) =>
      props.backupRetentionPeriod !== undefined && Number(props.backupRetentionPeriod) <= 0
        ? 'backupRetentionPeriod 0 disables automated backups and with them point-in-time restore'
        : undefined,
    'gcp:sql/databaseInstance:DatabaseInstance': ({ props }) => {
      const backups = props.settings?.backupConfiguration ?? {};
      const out: string[] = [];
      if (!truthy(backups.pointInTimeRecoveryEnabled)) out.push('settings.backupConfiguration.pointInTimeRecoveryEnabled must be true');
      else if (backups.transactionLogRetentionDays !== undefined && Number(backups.transactionLogRetentionDays) < 1) {
        out.push('transactionLogRetentionDays must be at least 1 for point-in-time recovery');
      }
      return out;
    },
    'pulumi-nodejs:dynamic/neon:Project': ({ props }) =>
      Number(props.historyRetentionSeconds ?? 86_400) < 86_400 ? 'historyRetentionSeconds must keep at least one day of history to restore from' : undefined,
  },
});
