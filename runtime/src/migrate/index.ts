export { applyOp, applyOps, emptyModel, type ModelTraits } from './apply-op.ts';
export { formatDefault, parseDefault } from './defaults.ts';
export { invertOp, invertOps, IrreversibleOpError, type Inverse, type Loss } from './invert-op.ts';
export { loadMigrations, parseSqlMigration, checksumOf, compareIds, type Migration } from './files.ts';
export { JOURNAL_TABLE, BASELINE_TABLE, withoutJournal, readJournal, readBaseline, type JournalEntry } from './journal.ts';
export { migrationContext, compileModel, liveModel, type MigrationTenant, type MigrationContext, type ExecuteOptions } from './execute.ts';
export {
  migrateUp,
  migrateDown,
  migrationStatus,
  impliedModel,
  startingModel,
  downSteps,
  countLosses,
  checkTarget,
  MigrationRefusedError,
  MigrationFailedError,
  type RunOptions,
  type RunResult,
  type StatusRow,
  type MigrationState,
  type DownStep,
} from './runner.ts';
export { planMigrations, planOne, detectDrift, type MigrationPlan } from './plan.ts';
export {
  nextId,
  slug,
  migrationSource,
  writeMigration,
  writeSentenceMigration,
  hasRawSql,
  folderSchema,
  folderMigrations,
  previewMigration,
  tenantModelAfter,
  type DialectPreview,
} from './authoring.ts';
export { describeOp } from './describe.ts';
