import type { LintRule } from '../rule.ts';
import { addingEnumValue } from './adding-enum-value.ts';
import { addingFieldWithDefault } from './adding-field-with-default.ts';
import { addingNotNullableField } from './adding-not-nullable-field.ts';
import { addingRequiredField } from './adding-required-field.ts';
import { banDropColumn } from './ban-drop-column.ts';
import { banDropTable } from './ban-drop-table.ts';
import { changingColumnType } from './changing-column-type.ts';
import { constraintMissingNotValid } from './constraint-missing-not-valid.ts';
import { disallowedUniqueConstraint } from './disallowed-unique-constraint.ts';
import { narrowingColumnType } from './narrowing-column-type.ts';
import { renamingColumn } from './renaming-column.ts';
import { renamingTable } from './renaming-table.ts';
import { requireConcurrentIndexCreation } from './require-concurrent-index-creation.ts';
import { requireConcurrentIndexDeletion } from './require-concurrent-index-deletion.ts';
import { requireEnumValueOrdering } from './require-enum-value-ordering.ts';
import { requireLockTimeout } from './require-lock-timeout.ts';
import { tableRebuild } from './table-rebuild.ts';
import { transactionControlInMigration } from './transaction-control-in-migration.ts';

/** Every rule, in the order findings are reported. Add a rule: one file here, one line in this list. */
export const RULES: readonly LintRule[] = [
  transactionControlInMigration,
  banDropTable,
  banDropColumn,
  renamingTable,
  renamingColumn,
  addingRequiredField,
  addingFieldWithDefault,
  changingColumnType,
  narrowingColumnType,
  addingNotNullableField,
  requireConcurrentIndexCreation,
  requireConcurrentIndexDeletion,
  constraintMissingNotValid,
  disallowedUniqueConstraint,
  requireLockTimeout,
  tableRebuild,
  requireEnumValueOrdering,
  addingEnumValue,
];
