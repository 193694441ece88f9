import { parseTableName, TableNameError, type TableRef } from '@byos/runtime/core';
import { UsageError } from './output.ts';

/** Help text for a `--table` flag: the table-name syntax every command shares (runtime/src/schema/table-names.ts). */
export const TABLE_NAME_HELP =
  'NAME or SCHEMA.NAME (no schema: the default one); a name holding a dot or starting with a quote is quoted, "a.b", doubling quotes inside';

/** Reads a `--table` value in the table-name syntax; a malformed one is a usage error (exit 2). */
export function tableFlag(text: string): TableRef {
  try {
    return parseTableName(text);
  } catch (error) {
    if (error instanceof TableNameError) throw new UsageError(`--table ${error.message}`);
    throw error;
  }
}
