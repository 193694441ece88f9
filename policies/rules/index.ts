import type { ByosRule } from '../rule.ts';
import { auditLogging } from './audit-logging.ts';
import { backupRetention } from './backup-retention.ts';
import { customerManagedKey } from './customer-managed-key.ts';
import { databaseMonitoring } from './database-monitoring.ts';
import { deletionProtection } from './deletion-protection.ts';
import { encryptionAtRest } from './encryption-at-rest.ts';
import { highAvailability } from './high-availability.ts';
import { kmsKeyRotation } from './kms-key-rotation.ts';
import { noPublicDatabase } from './no-public-database.ts';
import { noWorldOpenNetwork } from './no-world-open-network.ts';
import { pointInTimeRecovery } from './point-in-time-recovery.ts';
import { residency } from './residency.ts';
import { tlsEnforced } from './tls-enforced.ts';

/** Every rule of the pack, in report order. The PolicyPack (policies/index.ts) and the offline gate both use this list. */
export const RULES: readonly ByosRule[] = [
  encryptionAtRest,
  tlsEnforced,
  residency,
  backupRetention,
  pointInTimeRecovery,
  deletionProtection,
  noWorldOpenNetwork,
  noPublicDatabase,
  auditLogging,
  kmsKeyRotation,
  customerManagedKey,
  highAvailability,
  databaseMonitoring,
];

export {
  auditLogging,
  backupRetention,
  customerManagedKey,
  databaseMonitoring,
  deletionProtection,
  encryptionAtRest,
  highAvailability,
  kmsKeyRotation,
  noPublicDatabase,
  noWorldOpenNetwork,
  pointInTimeRecovery,
  residency,
  tlsEnforced,
};
