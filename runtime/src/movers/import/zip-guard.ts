import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';

/** Limits an XLSX (a zip) must stay within before anything is inflated into memory. */
export interface ZipLimits {
  /** Total uncompressed bytes of all entries. Default 1 GiB. */
  maxUncompressedBytes: number;
  /** Uncompressed/compressed ratio of any one entry. Default 200 (spreadsheet XML compresses 5–30×). */
  maxRatio: number;
  /** Entries in the archive. Default 10,000. */
  maxEntries: number;
  /** Rows read from a sheet. Default 1,048,576 (Excel's own maximum). */
  maxRows: number;
  /**
   * Bytes of XML one cell or shared string may hold. Default 8 MiB, as a CSV record: the parser holds a cell whole,
   * so this bounds the memory one hostile cell can take.
   */
  maxCellBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxUncompressedBytes: 1024 ** 3,
  maxRatio: 200,
  maxEntries: 10_000,
  maxRows: 1_048_576,
  maxCellBytes: 8 * 1024 * 1024,
};

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export class ZipLimitError extends Error {
  override name = 'ZipLimitError';
}

/** Reads the central directory (the list at the end of the zip) without inflating anything. */
export async function readZipDirectory(path: string): Promise<ZipEntry[]> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const tailSize = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailSize);
    await file.read(tail, 0, tailSize, size - tailSize);
    let eocd = -1;
    for (let i = tailSize - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error(`${path} is not an XLSX workbook (no zip directory found)`);
    const count = tail.readUInt16LE(eocd + 10);
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dirOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff)
      throw new ZipLimitError(`${path} is a zip64 archive, larger than any workbook this import accepts`);
    if (dirOffset + dirSize > size) throw new Error(`${path} is a damaged workbook: its zip directory points past the end of the file`);
    const dir = Buffer.alloc(dirSize);
    await file.read(dir, 0, dirSize, dirOffset);
    const entries: ZipEntry[] = [];
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at + 46 > dir.length || dir.readUInt32LE(at) !== 0x02014b50)
        throw new Error(`${path} is a damaged workbook: zip directory entry ${i + 1} is malformed`);
      const nameLength = dir.readUInt16LE(at + 28);
      const entry: ZipEntry = {
        method: dir.readUInt16LE(at + 10),
        compressedSize: dir.readUInt32LE(at + 20),
        uncompressedSize: dir.readUInt32LE(at + 24),
        localHeaderOffset: dir.readUInt32LE(at + 42),
        name: dir.toString('utf8', at + 46, at + 46 + nameLength),
      };
      if (entry.compressedSize === 0xffffffff || entry.uncompressedSize === 0xffffffff) throw new ZipLimitError(`${path}: entry ${entry.name} is zip64-sized`);
      entries.push(entry);
      at += 46 + nameLength + dir.readUInt16LE(at + 30) + dir.readUInt16LE(at + 32);
    }
    return entries;
  } finally {
    await file.close();
  }
}

/**
 * Refuses a zip bomb before it is opened: first on the sizes the directory declares (total, ratio, entry count),
 * then by inflating each entry into nothing, counting bytes, and stopping the moment an entry produces more than it
 * declared or than the limits allow, since a hostile archive can lie in its directory. Memory stays at one inflate
 * window whatever the archive holds.
 */
export async function guardZip(path: string, limits: Omit<ZipLimits, 'maxCellBytes'> = DEFAULT_ZIP_LIMITS): Promise<ZipEntry[]> {
  const entries = await readZipDirectory(path);
  if (entries.length > limits.maxEntries) throw new ZipLimitError(`${path} holds ${entries.length} entries, more than the limit of ${limits.maxEntries}`);
  let total = 0;
  for (const e of entries) {
    total += e.uncompressedSize;
    if (total > limits.maxUncompressedBytes) throw new ZipLimitError(`${path} would inflate to more than ${limits.maxUncompressedBytes} bytes (zip bomb?)`);
    if (e.uncompressedSize > 1024 * 1024 && e.uncompressedSize / Math.max(1, e.compressedSize) > limits.maxRatio) {
      throw new ZipLimitError(
        `${path}: entry ${e.name} inflates ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))}× (limit ${limits.maxRatio}×; zip bomb?)`,
      );
    }
  }
  const file = await open(path, 'r');
  try {
    for (const e of entries) {
      if (e.method === 0) continue; // stored: the size is the size
      if (e.method !== 8) throw new ZipLimitError(`${path}: entry ${e.name} uses compression method ${e.method}, which workbooks do not`);
      const header = Buffer.alloc(30);
      await file.read(header, 0, 30, e.localHeaderOffset);
      if (header.readUInt32LE(0) !== 0x04034b50) throw new Error(`${path} is a damaged workbook: entry ${e.name} has no local header`);
      const start = e.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
      await inflateCounting(path, e, start, Math.min(e.uncompressedSize, limits.maxUncompressedBytes));
    }
  } finally {
    await file.close();
  }
  return entries;
}

function inflateCounting(path: string, entry: ZipEntry, start: number, allowed: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (entry.compressedSize === 0) return resolve();
    const input = createReadStream(path, { start, end: start + entry.compressedSize - 1 });
    const inflate = createInflateRaw();
    let produced = 0;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      input.destroy();
      inflate.destroy();
      if (error) reject(error);
      else resolve();
    };
    inflate.on('data', (chunk: Buffer) => {
      produced += chunk.length;
      if (produced > allowed) finish(new ZipLimitError(`${path}: entry ${entry.name} inflates past its declared ${entry.uncompressedSize} bytes (zip bomb?)`));
    });
    inflate.on('end', () => finish());
    inflate.on('error', (error) => finish(new Error(`${path} is a damaged workbook: entry ${entry.name} does not inflate (${error.message})`)));
    input.on('error', (error) => finish(error));
    input.pipe(inflate);
  });
}
