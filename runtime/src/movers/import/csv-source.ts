import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { CsvFormat } from '../../dialects/bulk-load.ts';
import { readCsvRecords } from './csv-records.ts';
import { decodeStream, type DecodingStream, type DetectedEncoding, detectEncoding, detectFileEncoding, type TextEncodingName } from './encoding.ts';
import type { SourceBatch } from './source.ts';
import { sniffCsv, sniffNewline } from './sniff.ts';
import { type SourceRow, SourceError, splitHeader, type TabularSource } from './source.ts';

const SAMPLE_BYTES = 64 * 1024;

export interface CsvReadOptions {
  encoding?: TextEncodingName;
  delimiter?: string;
  quote?: string;
  /** Whether the first row is a header; sniffed when absent. */
  header?: boolean;
  /** Largest record accepted, in characters: an unclosed quote would otherwise swallow the file into memory. */
  maxRecordChars?: number;
}

/**
 * The records of text that may end early at a byte that is not UTF-8 (DecodingStream): once it has, the records
 * read after are counted, not handed on (the last one is cut at the byte), and the read fails naming the byte's
 * row: the last record's when the text before the byte does not end a line, the next one's when it does.
 */
function stopAtInvalidByte(
  records: AsyncGenerator<SourceBatch>,
  decoded: DecodingStream,
  path: string,
): AsyncIterator<SourceBatch> & { return(value?: unknown): Promise<IteratorResult<SourceBatch>> } {
  let lastRow = 0;
  const failed = (row: number) =>
    new SourceError(
      `${path} is not valid UTF-8 at byte ${decoded.failure!.byte} (row ${row}), though the rest reads as UTF-8: fix that byte, or give --encoding latin1 (or the file's real encoding) to read the whole file that way`,
    );
  // A plain iterator, not an async generator around the records: that extra layer cost ~30 MB of peak RSS on 1M rows.
  return {
    async next() {
      for (;;) {
        let result: IteratorResult<SourceBatch>;
        try {
          result = await records.next();
        } catch (error) {
          // the cut record may leave a quote open: the byte's record is the one after the last whole one
          if (decoded.failure) throw failed(lastRow + 1);
          throw error;
        }
        if (result.done) {
          if (decoded.failure) throw failed(decoded.failure.atLineStart ? lastRow + 1 : lastRow);
          return result;
        }
        const rows = result.value.rows;
        if (rows.length) lastRow = rows[rows.length - 1]!.row;
        if (!decoded.failure) return result;
      }
    },
    return: (value?: unknown) => records.return(value as undefined),
  };
}

/** Opens a CSV/TSV file: encoding and dialect sniffed from its first 64 KiB, rows read as a stream (see csv-records.ts). */
export async function openCsvSource(path: string, options: CsvReadOptions = {}): Promise<TabularSource> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new SourceError(`cannot read ${path}: ${error.code ?? error.message}`);
  });
  let head: Buffer;
  let size: number;
  try {
    size = (await handle.stat()).size;
    head = Buffer.alloc(Math.min(SAMPLE_BYTES, size));
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  // A named encoding needs only its BOM found, in the first bytes: no scan of the whole file.
  const sniffed = options.encoding ? detectEncoding(head, true) : await detectFileEncoding(path, head, size);
  // A named encoding wins; its BOM (if the file has one) is still skipped.
  const detected: DetectedEncoding = options.encoding ? { encoding: options.encoding, bom: sniffed.encoding === options.encoding ? sniffed.bom : 0 } : sniffed;
  const label = detected.encoding === 'latin1' ? 'windows-1252' : detected.encoding;
  const sample = new TextDecoder(label).decode(head.subarray(detected.bom));
  if (sample.trim() === '') throw new SourceError(`${path} is empty: there is no header and no row`);
  const dialect = sniffCsv(sample, {
    ...(options.delimiter ? { delimiter: options.delimiter } : {}),
    ...(options.quote ? { quote: options.quote } : {}),
    ...(options.header !== undefined ? { header: options.header } : {}),
    tabSeparated: /\.tsv$|\.tab$/i.test(path),
  });
  const format: CsvFormat = { delimiter: dialect.delimiter, quote: dialect.quote, newline: sniffNewline(sample, dialect.quote) };
  const file = createReadStream(path, { highWaterMark: 65536 });
  const decoded = decodeStream(detected, path);
  pipeline(file, decoded).catch(() => {}); // the error surfaces through the decoded stream's iterator
  const records = stopAtInvalidByte(
    readCsvRecords(decoded[Symbol.asyncIterator]() as AsyncIterator<string>, { path, format, maxRecordChars: options.maxRecordChars ?? 8 * 1024 * 1024 }),
    decoded,
    path,
  );
  // The header's text ends at the first line break, unless one of its names holds a line break.
  const headerLineEnd = (csv: string, header: SourceRow) => {
    if (header.cells.some((c) => typeof c === 'string' && /[\r\n]/.test(c))) return -1;
    const at = csv.indexOf(format.newline);
    return at < 0 ? csv.length : at + format.newline.length;
  };
  const split = await splitHeader(records, dialect.header, path, headerLineEnd);
  return {
    format: 'csv',
    headers: split.headers,
    hasHeader: dialect.header,
    details: { encoding: detected.encoding, bom: detected.bom > 0, delimiter: dialect.delimiter, quote: dialect.quote, header: dialect.header },
    batches: split.batches,
    rows: split.rows,
    csv: format,
    close: async () => {
      await records.return(undefined);
      file.destroy();
    },
  };
}
