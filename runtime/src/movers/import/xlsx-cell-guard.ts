/** One cell's text (or one shared string) of a workbook is larger than the limit. */
export class XlsxCellLimitError extends Error {
  override name = 'XlsxCellLimitError';
  /** The cell reference (`B7`) when the part is a sheet, else null. */
  readonly cell: string | null;
  /** The shared string's position (from 1) when the part is the shared strings, else null. */
  readonly sharedString: number | null;
  readonly limit: number;
  constructor(limit: number, where: { cell?: string | null; sharedString?: number | null }) {
    super(where.sharedString ? `shared string ${where.sharedString} is larger than ${limit} bytes` : `cell ${where.cell ?? '?'} is larger than ${limit} bytes`);
    this.limit = limit;
    this.cell = where.cell ?? null;
    this.sharedString = where.sharedString ?? null;
  }
}

const LT = 0x3c;
const SLASH = 0x2f;
const [C, S, I, R, O, W] = [...'csirow'].map((c) => c.charCodeAt(0)) as [number, number, number, number, number, number];
/** A byte that ends an element name: space, tab, CR, LF, `>` or `/`. */
const ends = (b: number | undefined) => b === 0x20 || b === 0x3e || b === SLASH || b === 0x09 || b === 0x0d || b === 0x0a;

/**
 * The XML of one workbook part (a sheet, or the shared strings) on its way to exceljs's parser, checked and decoded:
 *
 * - No cell (`<c>…</c>`), shared string (`<si>…</si>`, all its rich-text runs together) or text between two tags
 *   grows past `maxCellBytes` bytes of XML: the parser would otherwise hold it whole, and more (a 150 MB cell
 *   peaked at 1.15 GB). The check runs on the bytes before the parser sees them, so memory stays within the limit
 *   and one chunk. The error names the cell (from its `r` attribute) or the shared string's position.
 * - Text is decoded as one UTF-8 stream. exceljs decodes each inflated chunk alone, which turns a character split
 *   between two chunks into two U+FFFD (1 row in 600 of a Japanese sheet).
 */
export async function* guardedXml(chunks: AsyncIterable<Buffer>, maxCellBytes: number): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let base = 0; // absolute offset of buf[0]
  let carry: Buffer | null = null; // a `<` too near the end of the last chunk to read its element name
  let lastTag = 0; // absolute offset of the last `<`
  let open = -1; // absolute offset of the open `<c` or `<si`, or -1
  let cellBuf: Buffer | null = null; // where the open cell's tag starts (for its `r` attribute in an error)
  let cellOffset = 0;
  let shared = 0;
  let inShared = false;
  const fail = (): never => {
    if (inShared) throw new XlsxCellLimitError(maxCellBytes, { sharedString: shared });
    const tag = cellBuf ? cellBuf.toString('latin1', cellOffset, Math.min(cellBuf.length, cellOffset + 96)) : '';
    throw new XlsxCellLimitError(maxCellBytes, { cell: /\sr="([A-Z]{1,3}\d{1,7})"/.exec(tag)?.[1] ?? null });
  };
  for await (const chunk of chunks) {
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    const bufBase = carry ? base - carry.length : base;
    carry = null;
    for (let at = buf.indexOf(LT); at !== -1; at = buf.indexOf(LT, at + 1)) {
      const abs = bufBase + at;
      if (abs - lastTag > maxCellBytes) fail();
      if (at + 5 > buf.length) {
        carry = buf.subarray(at);
        break;
      }
      const b1 = buf[at + 1];
      if (b1 === SLASH) {
        const b2 = buf[at + 2];
        if (
          (b2 === C && buf[at + 3] === 0x3e) ||
          (b2 === S && buf[at + 3] === I && buf[at + 4] === 0x3e) ||
          (b2 === R && buf[at + 3] === O && buf[at + 4] === W)
        )
          open = -1;
      } else if (b1 === C && ends(buf[at + 2])) {
        open = abs;
        inShared = false;
        cellBuf = buf;
        cellOffset = at;
      } else if (b1 === S && buf[at + 2] === I && ends(buf[at + 3])) {
        open = abs;
        inShared = true;
        shared++;
      } else if (b1 === R && buf[at + 2] === O && buf[at + 3] === W && ends(buf[at + 4])) {
        open = -1;
      }
      if (open >= 0 && abs - open > maxCellBytes) fail();
      lastTag = abs;
    }
    base += chunk.length;
    if (base - lastTag > maxCellBytes || (open >= 0 && base - open > maxCellBytes)) fail();
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}
