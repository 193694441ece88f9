import type { ComplianceFramework } from '@byos/runtime';

/**
 * Minimum days of backups (restore points) per framework. None of the four texts names a number, so each is our
 * reading of what an auditor accepts:
 * - SOC 2 A1.2 (recovery infrastructure, backups) and CC7.5 (recovery from incidents): a week of daily restore
 *   points is the common auditor baseline and matches RDS's console default.
 * - GDPR Art. 32(1)(c) ("restore the availability and access to personal data in a timely manner"): a week.
 * - PDPA s24 (protection obligation, reasonable security arrangements against loss): a week, as the PDPC's guide
 *   on data protection practices for ICT systems asks for regular backups.
 * - HIPAA 164.308(a)(7)(ii)(A) (data backup plan: retrievable exact copies of ePHI): 30 days, so a silent
 *   corruption noticed at a monthly review can still be restored from before it happened.
 * A tenant without frameworks still keeps 3 days, so a failure on a Friday evening is restorable on Monday: the
 * "full weekend coverage" of Pulumi's aws-rds-instance-configure-backup-retention (awsguard only asks backups on).
 */
export const MIN_BACKUP_DAYS: Readonly<Record<ComplianceFramework, number>> = { soc2: 7, gdpr: 7, pdpa: 7, hipaa: 30 };
export const MIN_BACKUP_DAYS_WITHOUT_FRAMEWORK = 3;

/** The strictest minimum among the tenant's frameworks, and the framework that sets it. */
export function minimumBackupDays(frameworks: readonly ComplianceFramework[]): { days: number; because: string } {
  let days = MIN_BACKUP_DAYS_WITHOUT_FRAMEWORK;
  let because = `at least ${days} days are kept for every tenant`;
  for (const framework of frameworks) {
    if (MIN_BACKUP_DAYS[framework] > days) {
      days = MIN_BACKUP_DAYS[framework];
      because = `${framework.toUpperCase()} needs at least ${days} days`;
    }
  }
  return { days, because };
}
