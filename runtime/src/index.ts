export * from './contracts/index.ts';
export { connect, introspect, assertProfileAllowed, resolvePassword, ConnectionError, type ConnectOptions, type TenantDb } from './connect.ts';
export { InputError, readDocumentFile } from './util/document-file.ts';
export { loadOptionalPeer, OPTIONAL_PEER_MISSING, OptionalPeerMissingError, type OptionalPeerOptions } from './util/optional-peer.ts';
export { escapeForCode, stringLiteral, commentText, arrayLiteral, dataLiteral, type CodeContext } from './util/code-text.ts';
export { openOutputFile, describeWriteError, OutputFileError, type OutputFile } from './movers/output-file.ts';
export { neutralSchema, diffNeutral, snakeCase, describeNeutralType, type NeutralSchema, type NeutralOptions } from './schema/neutral.ts';
export { generateTypes, parseCheck, type TypegenOptions, type CheckRule } from './typegen/index.ts';
export {
  parseTableName,
  parseNameParts,
  formatTableName,
  formatColumnName,
  formatNamePart,
  findTable,
  TableNameError,
  type TableRef,
} from './schema/table-names.ts';
export { kitCode, kitEnvFile, kitEnvironment, type KitOptions } from './kit/index.ts';
export { sql } from 'kysely';
export { profileFromUrl } from './url.ts';
export { redactUrl, redactWholeUrl, redactText, redactError, RedactedError } from './redact.ts';
export {
  PROVIDER_TRAITS,
  PROVIDER_DESCRIPTORS,
  PROVIDER_REGISTRY,
  CUSTOMER_KEY_PROVIDERS,
  SETTINGS_NAMESPACE,
  providerForHost,
  providerDescriptor,
  buildProviderRegistry,
  isSecretSetting,
  type ProviderTraits,
  type ProviderDescriptor,
  type ProviderDescriptorOf,
  type ProviderSettingValues,
  type ProviderRegistry,
  type OfflineAnswers,
  type OfflineValues,
  type SecretSetting,
  type SettingsSchema,
} from './providers/index.ts';
export type { Dialect, DialectCapabilities } from './dialects/index.ts';
export {
  scanPii,
  classifyColumn,
  classifyValue,
  redactSample,
  PII_CATEGORIES,
  CATEGORY_LAW,
  type PiiScanOptions,
  type PiiScanResult,
  type PiiColumnReport,
  type PiiCategoryHit,
  type PiiCategory,
} from './guard/pii/index.ts';
export { createMasker, maskTransform, parseMaskSpec, type Masker, type MaskerOptions, type MaskKind } from './guard/masking/index.ts';
export { verifyBackup, type BackupVerifyOptions, type BackupVerifyResult, type BackupTableCheck } from './guard/backup/index.ts';
export { assertProfileResidency, ResidencyViolationError, RESIDENCY, allowedRegions, isRegionAllowed, jurisdictionsOfRegion } from './guard/residency/index.ts';
export {
  migrateUp,
  migrateDown,
  migrationStatus,
  planMigrations,
  detectDrift,
  loadMigrations,
  applyOp,
  applyOps,
  invertOp,
  invertOps,
  impliedModel,
  MigrationRefusedError,
  MigrationFailedError,
  IrreversibleOpError,
  JOURNAL_TABLE,
  type Migration,
  type MigrationPlan,
  type RunOptions,
  type RunResult,
  type StatusRow,
} from './migrate/index.ts';
export {
  lintOps,
  lintPostgresSql,
  lintCapabilities,
  classifyTypeChange,
  RULES as LINT_RULES,
  type LintCapabilities,
  type LintOpsContext,
  type LintRule,
} from './migrate/lint/index.ts';
export { opsFromSentence, readSentence, SentenceError, FORMS as SENTENCE_FORMS, type SentenceOptions, type SentenceResult } from './migrate/sentence/index.ts';
export * from './guard/crypto/index.ts';
export * from './guard/audit/index.ts';
export { createTenantRouter, fileProfileStore, memoryProfileStore, type ProfileStore, type RoutedTenantDb, type TenantRouter } from './router/index.ts';
export { switchTenant, closeRollbackWindow, SwitchVerificationError, type SwitchOptions, type SwitchReport, type SwitchProgress } from './switch/index.ts';
export { startCapture, stopCapture, captureLag, replayChanges, captureTables } from './movers/capture/index.ts';
