import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { decodeStream, type DetectedEncoding, detectEncoding, type TextEncodingName } from './encoding.ts';
import { sniffCsv } from './sniff.ts';
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

/** Opens a CSV/TSV file: encoding and dialect sniffed from its first 64 KiB, rows parsed by csv-parse as a stream. */
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
  const sniffed = detectEncoding(head, size <= SAMPLE_BYTES);
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
  const file = createReadStream(path, { highWaterMark: 256 * 1024 });
  const parser = parse({
    delimiter: dialect.delimiter,
    quote: dialect.quote,
    escape: dialect.quote,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    // Files edited in several tools mix line endings; any of the three ends a record.
    record_delimiter: ['\r\n', '\n', '\r'],
    info: true,
    max_record_size: options.maxRecordChars ?? 8 * 1024 * 1024,
  });
  const flowing = pipeline(file, decodeStream(detected, path), parser);
  flowing.catch(() => {}); // the error surfaces through the parser's iterator
  async function* records(): AsyncGenerator<SourceRow> {
    let row = 0;
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        row++;
        yield { row, line: info.lines, cells: record };
      }
    } catch (error) {
      const e = error as Error & { code?: string; lines?: number };
      if (e.code?.startsWith('CSV_')) throw new SourceError(`${path} is malformed near line ${e.lines ?? '?'}: ${e.message}`);
      throw error;
    }
  }
  const iterator = records();
  const { headers, rows } = await splitHeader(iterator, dialect.header, path);
  return {
    format: 'csv',
    headers,
    hasHeader: dialect.header,
    details: { encoding: detected.encoding, bom: detected.bom > 0, delimiter: dialect.delimiter, quote: dialect.quote, header: dialect.header },
    rows,
    close: async () => {
      await iterator.return(undefined);
      file.destroy();
    },
  };
}
