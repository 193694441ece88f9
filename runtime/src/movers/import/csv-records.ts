import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import Papa from 'papaparse';
import type { CsvFormat } from '../../dialects/bulk-load.ts';
import { type SourceBatch, SourceError, type SourceRow } from './source.ts';

/** Rows per batch on the csv-parse path (the Papa path batches by input chunk). */
const BATCH_ROWS = 1000;

export interface RecordReaderOptions {
  path: string;
  format: CsvFormat;
  maxRecordChars: number;
}

const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/**
 * Text the fast parser and csv-parse might read differently: a line ending other than the file's own (csv-parse
 * takes any of the three, Papa one), or spaces after a closing quote (Papa drops them, csv-parse keeps the field
 * as written). A differential test over random inputs holds the two parsers equal on everything else. Also an
 * empty quoted field (`""`): it is the empty string, where an empty field is NULL, and only csv-parse tells them
 * apart.
 */
function irregularText(format: CsvFormat): RegExp {
  const stray = format.newline === '\n' ? '\\r' : '\\r(?!\\n)|(?<!\\r)\\n';
  const q = escapeRegExp(format.quote);
  const d = escapeRegExp(format.delimiter);
  return new RegExp(`${stray}|${q}[ \\t]+(?=${d}|\\r|\\n|$)|(?:^|${d}|\\r|\\n)${q}${q}(?=${d}|\\r|\\n|$)`);
}

/**
 * Whether every quote in `chunk` (whole records) is where both readers agree on it: opening a field, doubled inside
 * a quoted field, or closing one just before a delimiter or line break. Papa keeps a quote inside an unquoted field
 * (`ab"c`) as a character, as csv-parse does, but PostgreSQL's CSV reader starts a quoted section there and would
 * run the following records into one value, so such a chunk is not sent as text. Jumps from quote to quote.
 */
export function quotesRegular(chunk: string, format: CsvFormat): boolean {
  const { quote, delimiter } = format;
  for (let at = chunk.indexOf(quote); at !== -1; ) {
    const before = at === 0 ? '\n' : chunk[at - 1];
    if (before !== delimiter && before !== '\n' && before !== '\r') return false; // a quote inside an unquoted field
    // Inside the quoted field: find its closing quote, stepping over doubled ones.
    let close = chunk.indexOf(quote, at + 1);
    while (close !== -1 && chunk[close + 1] === quote) close = chunk.indexOf(quote, close + 2);
    if (close === -1) return false;
    const after = chunk[close + 1];
    if (after !== undefined && after !== delimiter && after !== '\n' && after !== '\r') return false;
    at = chunk.indexOf(quote, close + 1);
  }
  return true;
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < end; at = text.indexOf('\n', at + 1)) n++;
  return n;
}

/**
 * Reads every record of decoded CSV text (the header too) in batches. Papa Parse's core parser reads regular text
 * a chunk at a time (about 2× csv-parse's speed) and each batch carries that chunk's exact text, which a COPY can
 * take as is. From the first chunk that is not regular (a stray line ending, a quote followed by spaces, an empty
 * line, a parse error, an unclosed quote growing past the record limit) csv-parse reads the rest: it is the
 * reference, relaxed about quotes and line endings, and names the line of a malformed record.
 */
export async function* readCsvRecords(text: AsyncIterator<string>, options: RecordReaderOptions): AsyncGenerator<SourceBatch> {
  const { format } = options;
  let row = 0;
  let line = 0;
  let pending = '';
  if (format.newline === '\n' || format.newline === '\r\n') {
    const papa = new Papa.Parser({
      delimiter: format.delimiter,
      quoteChar: format.quote,
      escapeChar: format.quote,
      newline: format.newline as '\n' | '\r\n',
      skipEmptyLines: false,
    });
    const irregular = irregularText(format);
    for (;;) {
      const next = await text.next();
      const end = Boolean(next.done);
      const input = end ? pending : pending + next.value;
      if (input === '') return;
      // A chunk ending between the CR and LF of a line break would read as a quote followed by a stray CR.
      const parseable = !end && input.endsWith('\r') ? input.slice(0, -1) : input;
      const result = papa.parse(parseable, 0, !end) as { data: string[][]; errors: unknown[]; meta: { cursor: number } };
      const consumed = end ? input.length : result.meta.cursor;
      const data = result.data;
      const chunk = input.slice(0, consumed);
      if (
        result.errors.length ||
        irregular.test(chunk) ||
        data.some((cells) => cells.length === 1 && cells[0] === '') ||
        input.length - consumed > options.maxRecordChars
      ) {
        pending = input;
        if (end) return yield* referenceRecords(pending, null, options, row, line);
        return yield* referenceRecords(pending, text, options, row, line);
      }
      pending = end ? '' : input.slice(consumed);
      if (data.length) {
        const rows: SourceRow[] = new Array(data.length);
        const singleLines = countNewlines(chunk, consumed) === data.length - (end && !chunk.endsWith('\n') ? 1 : 0);
        for (let i = 0; i < data.length; i++) {
          const cells: (string | null)[] = data[i]!;
          line++;
          // An empty field is NULL; this text has no quoted empty field (`""`, the empty string), see irregularText.
          for (let c = 0; c < cells.length; c++) if (cells[c] === '') cells[c] = null;
          // A record ends on the line after its quoted newlines; counted only in chunks that have some.
          if (!singleLines) for (const cell of cells) if (cell) line += countNewlines(cell, cell.length);
          rows[i] = { row: ++row, line, cells };
        }
        // Text with line breaks inside values stays behind (a COPY error's line number then still names its row),
        // and so does text whose quotes the server would read differently.
        yield { rows, csv: singleLines && quotesRegular(chunk, format) ? chunk : null };
      }
      if (end) return;
    }
  }
  yield* referenceRecords('', text, options, row, line);
}

/** csv-parse over `head` and then the rest of `text`, continuing the row and line counts. */
async function* referenceRecords(
  head: string,
  text: AsyncIterator<string> | null,
  options: RecordReaderOptions,
  rowsBefore: number,
  linesBefore: number,
): AsyncGenerator<SourceBatch> {
  const { format } = options;
  const parser = parse({
    delimiter: format.delimiter,
    quote: format.quote,
    escape: format.quote,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    // Files edited in several tools mix line endings; any of the three ends a record.
    record_delimiter: ['\r\n', '\n', '\r'],
    info: true,
    max_record_size: options.maxRecordChars,
    // An empty field is NULL, a quoted empty one (`""`) the empty string, as PostgreSQL reads CSV.
    cast: (value, context) => (value === '' && !context.quoting ? null : value),
  });
  async function* input() {
    if (head) yield head;
    if (!text) return;
    for (;;) {
      const next = await text.next();
      if (next.done) return;
      yield next.value;
    }
  }
  pipeline(Readable.from(input(), { objectMode: false }), parser).catch(() => {}); // errors surface through the parser's iterator
  let row = rowsBefore;
  let batch: SourceRow[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: (string | null)[]; info: { lines: number } }>) {
      batch.push({ row: ++row, line: linesBefore + info.lines, cells: record });
      if (batch.length >= BATCH_ROWS) {
        yield { rows: batch, csv: null };
        batch = [];
      }
    }
  } catch (error) {
    const e = error as Error & { code?: string; lines?: number };
    if (e.code?.startsWith('CSV_')) throw new SourceError(`${options.path} is malformed near line ${linesBefore + (e.lines ?? 0) || '?'}: ${e.message}`);
    throw error;
  }
  if (batch.length) yield { rows: batch, csv: null };
}
