export { verifyBackup, type BackupVerifyOptions, type BackupVerifyResult, type BackupTableCheck } from './verify.ts';
export { BACKUP_VERIFY_ACTION, recordBackupVerification, type BackupRecord } from './record.ts';
