export { verifyBackup, type BackupVerifyOptions, type BackupVerifyResult, type BackupTableCheck } from './verify.ts';
