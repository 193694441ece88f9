export { canonicalJson, entryHash, GENESIS_HASH, parseExactJson, type AuditEntry, type RawJsonNumber, type SealedEntry } from './chain.ts';
export {
  AUDIT_STAGING_TABLE,
  AUDIT_TABLE,
  chainHead,
  ensureAuditTables,
  installAuditCapture,
  recordAudit,
  removeAuditCapture,
  sealAudit,
  type AuditRecord,
  type AuditTenant,
} from './trail.ts';
export { AuditCheckpoint, createCheckpoint, readCheckpoint, verifyAudit, writeCheckpoint, type AuditVerification } from './verify.ts';
