import { open } from 'node:fs/promises';
import { openCsvSource, type CsvReadOptions } from './csv-source.ts';
import { SourceError, type TabularSource } from './source.ts';
import { openXlsxSource, type XlsxReadOptions } from './xlsx-source.ts';

/** XLSX by its zip signature (whatever the extension says), CSV/TSV otherwise. */
export async function sniffFormat(path: string): Promise<'csv' | 'xlsx'> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new SourceError(`cannot read ${path}: ${error.code ?? error.message}`);
  });
  try {
    const magic = Buffer.alloc(4);
    const { bytesRead } = await handle.read(magic, 0, 4, 0);
    if (bytesRead === 4 && magic.readUInt32LE(0) === 0x04034b50) return 'xlsx';
    if (/\.xlsx$/i.test(path)) throw new SourceError(`${path} is named .xlsx but is not a zip workbook`);
    if (/\.xls$/i.test(path) && bytesRead === 4 && magic.readUInt32BE(0) === 0xd0cf11e0)
      throw new SourceError(`${path} is an old binary .xls workbook: save it as .xlsx or CSV`);
    return 'csv';
  } finally {
    await handle.close();
  }
}

export async function openSource(path: string, options: CsvReadOptions & XlsxReadOptions = {}): Promise<TabularSource> {
  return (await sniffFormat(path)) === 'xlsx' ? openXlsxSource(path, options) : openCsvSource(path, options);
}
