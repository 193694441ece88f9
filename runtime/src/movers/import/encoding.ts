import { isUtf8 } from 'node:buffer';
import { Transform } from 'node:stream';

/** The text encodings a CSV may come in. `latin1` decodes as windows-1252, what "Latin-1" files really are. */
export const TEXT_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'latin1'] as const;
export type TextEncodingName = (typeof TEXT_ENCODINGS)[number];

export interface DetectedEncoding {
  encoding: TextEncodingName;
  /** Bytes of byte-order mark to skip. */
  bom: number;
}

/**
 * Reads the encoding off the first bytes: a BOM settles it (UTF-8, UTF-16 LE/BE); UTF-16 without a BOM shows as
 * every other byte zero in ASCII text; otherwise UTF-8 when the sample decodes strictly, Latin-1 when it does not.
 * `complete` says the sample is the whole file (a multibyte character cut at its end is then an error).
 */
export function detectEncoding(head: Uint8Array, complete: boolean): DetectedEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  const pairs = Math.min(head.length >> 1, 512);
  if (pairs >= 2) {
    let evenZero = 0;
    let oddZero = 0;
    for (let i = 0; i < pairs; i++) {
      if (head[2 * i] === 0) evenZero++;
      if (head[2 * i + 1] === 0) oddZero++;
    }
    if (oddZero > pairs * 0.6 && evenZero === 0) return { encoding: 'utf-16le', bom: 0 };
    if (evenZero > pairs * 0.6 && oddZero === 0) return { encoding: 'utf-16be', bom: 0 };
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !complete });
    return { encoding: 'utf-8', bom: 0 };
  } catch {
    return { encoding: 'latin1', bom: 0 };
  }
}

/**
 * Decoded chunks read ahead of the parser. Object mode's default of 16 kept a megabyte of text waiting long enough
 * to be promoted to the old generation: 10M rows peaked at 236-250 MB, with 2 at 178-181 MB (1M rows: 139-144).
 */
const DECODED_AHEAD = 2;

/**
 * Decodes a byte stream to text (one string per chunk). UTF-8 is checked strictly: an invalid sequence after the
 * sniffed sample stops the import with the byte offset, rather than loading replacement characters.
 */
export function decodeStream(detected: DetectedEncoding, source: string): Transform {
  if (detected.encoding === 'utf-8') return utf8Checked(detected.bom, source);
  const label = detected.encoding === 'latin1' ? 'windows-1252' : detected.encoding;
  const decoder = new TextDecoder(label, { ignoreBOM: false });
  let offset = 0;
  let skip = detected.bom;
  return new Transform({
    readableObjectMode: true,
    readableHighWaterMark: DECODED_AHEAD,
    decodeStrings: true,
    transform(chunk: Buffer, _encoding, done) {
      let bytes = chunk;
      if (skip > 0) {
        const cut = Math.min(skip, bytes.length);
        bytes = bytes.subarray(cut);
        skip -= cut;
        offset += cut;
      }
      try {
        const text = decoder.decode(bytes, { stream: true });
        offset += bytes.length;
        done(null, text);
      } catch {
        done(new Error(`${source} is not valid ${detected.encoding} near byte ${offset}: give --encoding latin1 (or the file's real encoding)`));
      }
    },
    flush(done) {
      try {
        done(null, decoder.decode());
      } catch {
        done(new Error(`${source} ends in the middle of a ${detected.encoding} character`));
      }
    },
  });
}

/** Index where the last, possibly incomplete, UTF-8 sequence of `bytes` starts (bytes.length when none is cut). */
function completeUpTo(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/**
 * UTF-8 is checked with the native validator a chunk at a time (a sequence cut at the chunk's end carried to the
 * next one) and then decoded without a second check.
 */
function utf8Checked(bom: number, source: string): Transform {
  let offset = 0;
  let skip = bom;
  let carry: Buffer = Buffer.alloc(0);
  return new Transform({
    readableObjectMode: true,
    readableHighWaterMark: DECODED_AHEAD,
    transform(chunk: Buffer, _encoding, done) {
      let bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      if (skip > 0) {
        const cut = Math.min(skip, bytes.length);
        bytes = bytes.subarray(cut);
        skip -= cut;
        offset += cut;
      }
      const end = completeUpTo(bytes);
      const whole = bytes.subarray(0, end);
      carry = Buffer.from(bytes.subarray(end));
      if (!isUtf8(whole)) return done(new Error(`${source} is not valid utf-8 near byte ${offset}: give --encoding latin1 (or the file's real encoding)`));
      offset += whole.length;
      done(null, whole.toString('utf8'));
    },
    flush(done) {
      if (carry.length) return done(new Error(`${source} ends in the middle of a utf-8 character`));
      done();
    },
  });
}
