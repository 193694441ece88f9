import type { NeutralKind } from '../../contracts/schema-model.ts';
import type { BulkValue, CsvFormat, CsvTextSupport } from '../bulk-load.ts';

/** The spellings PostgreSQL's boolean input reads (it also takes unique prefixes; whole words suffice here). */
const PG_BOOLEANS = new Set(['t', 'true', 'y', 'yes', 'on', '1', 'f', 'false', 'n', 'no', 'off', '0']);
/** An integer written the way String() writes it back (no sign but `-`, no leading zero, no `-0`). */
const CANONICAL_INTEGER = /^(?:0|-?[1-9]\d*)$/;

/**
 * Whether COPY's CSV reader stores a file cell written as `cell` as `value` (what the import's validation made of
 * it) in a column of `kind`, so the file's own text can go to the server. Conservative: false only costs encoding
 * that row again. An empty field is NULL both ways (the import reads it as null, COPY as NULL; a file with a
 * quoted empty field, the empty string, is never sent as text); text goes through unchanged when validation kept it
 * unchanged.
 */
function csvCellMatcher(kind: NeutralKind): (cell: string, value: BulkValue) => boolean {
  switch (kind) {
    case 'boolean':
      return (cell, value) => (value === null ? cell === '' : typeof value === 'boolean' && PG_BOOLEANS.has(cell.toLowerCase()));
    case 'smallint':
    case 'integer':
    case 'bigint':
      return (cell, value) => (value === null ? cell === '' : (typeof value === 'number' || typeof value === 'bigint') && CANONICAL_INTEGER.test(cell));
    case 'real':
    case 'double':
      // Only the text the value path would send: `-0` reads as minus zero but is sent as 0, and a real rounded
      // from many digits once (text) can differ from one rounded to a double first (values).
      return (cell, value) => (value === null ? cell === '' : typeof value === 'number' && String(value) === cell);
    case 'binary':
      return (cell, value) => value === null && cell === '';
    default:
      // `\.` alone on a line would end the COPY data on older servers.
      return (cell, value) => (value === null ? cell === '' : value === cell && cell !== '' && cell !== '\\.');
  }
}

/** COPY takes a one-byte delimiter and quote only (the server reads UTF-8, whatever the file's encoding was). */
const oneByte = (c: string) => c.length === 1 && c.charCodeAt(0) < 0x80;

export const postgresCsvText: CsvTextSupport = {
  accepts: (format: CsvFormat) => oneByte(format.delimiter) && oneByte(format.quote),
  cellMatcher: csvCellMatcher,
};
