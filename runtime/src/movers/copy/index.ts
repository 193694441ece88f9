export { copyDatabase, planDatabaseCopy, CopyRefusedError, type CopyOptions, type CopyProgress, type CopyReport, type TableCopyReport } from './copy.ts';
export { targetTableCheckpoints, DEFAULT_CHECKPOINT_TABLE, type Checkpoint, type CheckpointStore } from './checkpoint.ts';
export { planCopy, portableDefault, type CopyPlan, type TablePlan, type ColumnPlan } from './plan.ts';
export { bulkValueConverter, toBulkValue, jsonToArrayLiteral, plainDecimal } from './values.ts';
export { LOSS_KINDS, unknownLossKinds, type Loss } from './losses.ts';
