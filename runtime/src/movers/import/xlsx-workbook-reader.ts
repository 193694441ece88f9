import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { loadOptionalPeer } from '../../util/optional-peer.ts';
import { guardedXml } from './xlsx-cell-guard.ts';

/**
 * exceljs's streaming WorkbookReader with its `parse()` replaced, for exceljs issue #3064 (4.4.0, unzipper 0.10.x).
 *
 * The stock `parse()` reads the zip in one streaming pass (`unzip.Parse`) in stored order. exceljs's own writer
 * stores `xl/workbook.xml` last, after the worksheets (which get parked in temp files until shared strings and
 * rels have been seen), and that pass sometimes ends before the final entry is delivered, so `this.model` is
 * still undefined when `_parseWorksheet` reads `this.model.sheets`: "Cannot read properties of undefined
 * (reading 'sheets')", on roughly 1 read in 100 (more under load).
 *
 * This version does what the proposed upstream fix (exceljs PR #3065) does: it opens the archive through its
 * central directory (unzipper's `Open`, the unzipper exceljs itself depends on), parses the workbook rels, the
 * workbook, the shared strings and the styles first, then each worksheet in numeric order, still row by row
 * through the reader's own `_parseWorksheet`, so nothing is held in memory and no temp file is written.
 * The parts that hold text also go through xlsx-cell-guard.ts (a size limit per cell, UTF-8 decoded across
 * chunks); keep that when exceljs ships the fix and the rest of this file goes.
 */

export type WorkbookReaderOptions = Partial<ExcelJS.stream.xlsx.WorkbookStreamReaderOptions>;

/** One event of `WorkbookReader.parse()`. */
interface ParseEvent {
  eventType: string;
  value: unknown;
}

/** The parts of exceljs's WorkbookReader (lib/stream/xlsx/workbook-reader.js) this override calls; not in its typings. */
interface ReaderInternals {
  parse(): AsyncGenerator<ParseEvent>;
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<ParseEvent>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(chunks: AsyncIterable<Buffer | string>, sheetNo: string): Generator<ParseEvent>;
  _parseHyperlinks(chunks: AsyncIterable<Buffer>, sheetNo: string): Generator<ParseEvent>;
}

/** The slice of unzipper 0.10's `Open` API used here. */
interface ZipFile {
  path: string;
  stream(): Readable;
}
interface Unzipper {
  Open: {
    custom(source: { size(): Promise<number>; stream(offset: number, length?: number): Readable }): Promise<{ files: ZipFile[] }>;
  };
}

/**
 * unzipper is exceljs's dependency, not this package's: resolved from exceljs's own location so it is the copy
 * exceljs was installed with.
 */
function loadUnzipper(): Unzipper {
  const require = createRequire(import.meta.url);
  return createRequire(require.resolve('exceljs'))('unzipper') as Unzipper;
}

/**
 * Parses `path` through the zip's central directory. Every file stream it opens is closed when parsing ends, so a
 * caller that stops early (a `return()` on the iterator) leaves no file descriptor behind.
 */
async function* parseThroughDirectory(reader: ReaderInternals, path: string, maxCellBytes: number): AsyncGenerator<ParseEvent> {
  const opened = new Set<ReadStream>();
  const source = {
    size: async () => (await stat(path)).size,
    stream(offset: number, length?: number): Readable {
      const stream = createReadStream(path, { start: offset, end: length ? offset + length - 1 : undefined });
      opened.add(stream);
      stream.once('close', () => opened.delete(stream));
      return stream;
    },
  };
  try {
    const { files } = await loadUnzipper().Open.custom(source);
    const byPath = new Map(files.map((f) => [f.path, f]));
    /** Opens the entry only once the parser starts reading it, so a sheet nobody reads costs no descriptor. */
    const chunks = (file: ZipFile): AsyncIterable<Buffer> => ({ [Symbol.asyncIterator]: () => file.stream()[Symbol.asyncIterator]() });
    /** The parts that hold cell text reach the parser through the cell-size guard, decoded (xlsx-cell-guard.ts). */
    const guarded = (file: ZipFile): AsyncIterable<string> => ({ [Symbol.asyncIterator]: () => guardedXml(chunks(file), maxCellBytes) });

    const rels = byPath.get('xl/_rels/workbook.xml.rels');
    if (rels) await reader._parseRels(rels.stream());
    const workbook = byPath.get('xl/workbook.xml');
    if (!workbook) throw new Error('no xl/workbook.xml in the archive');
    await reader._parseWorkbook(workbook.stream());
    const sharedStrings = byPath.get('xl/sharedStrings.xml');
    if (sharedStrings) yield* reader._parseSharedStrings(Readable.from(guarded(sharedStrings)));
    const styles = byPath.get('xl/styles.xml');
    if (styles) await reader._parseStyles(styles.stream());

    const sheets = files
      .map((f) => /^xl\/worksheets\/sheet(\d+)\.xml$/.exec(f.path))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => m[1]!)
      .sort((a, b) => Number(a) - Number(b));
    for (const sheetNo of sheets) {
      yield* reader._parseWorksheet(guarded(byPath.get(`xl/worksheets/sheet${sheetNo}.xml`)!), sheetNo);
      const sheetRels = byPath.get(`xl/worksheets/_rels/sheet${sheetNo}.xml.rels`);
      if (sheetRels) yield* reader._parseHyperlinks(chunks(sheetRels), sheetNo);
    }
  } finally {
    for (const stream of opened) stream.destroy();
  }
}

/**
 * A streaming exceljs WorkbookReader over the XLSX file at `path` that reads it through the zip's central directory;
 * no cell or shared string may hold more than `maxCellBytes` bytes of XML (an XlsxCellLimitError names it).
 */
export async function openWorkbookReader(path: string, options: WorkbookReaderOptions, maxCellBytes: number): Promise<ExcelJS.stream.xlsx.WorkbookReader> {
  // exceljs loads only for workbooks: a CSV import does not pay for it.
  const { default: excel } = await loadOptionalPeer('exceljs', 'reading .xlsx files', () => import('exceljs'));
  const reader = new excel.stream.xlsx.WorkbookReader(path, options);
  const internals = reader as unknown as ReaderInternals;
  // Both `for await (… of reader)` and `reader.read()` go through `this.parse()`.
  internals.parse = () => parseThroughDirectory(internals, path, maxCellBytes);
  return reader;
}
