import { isAscii, isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';

/** The text encodings a CSV may come in. `latin1` decodes as windows-1252, what "Latin-1" files really are. */
export const TEXT_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'latin1'] as const;
export type TextEncodingName = (typeof TEXT_ENCODINGS)[number];

export interface DetectedEncoding {
  encoding: TextEncodingName;
  /** Bytes of byte-order mark to skip. */
  bom: number;
}

/** What bytes say about UTF-8: well-formed multi-byte sequences, and bytes no UTF-8 text can hold there. */
export interface Utf8Evidence {
  multibyte: number;
  invalid: number;
}

/**
 * Counts the evidence in `bytes` from `from`; returns where an incomplete sequence at the end starts (bytes.length
 * when none), so a caller reading chunks carries those bytes to the next one. Strict as the WHATWG decoder:
 * no overlong forms, surrogates or code points past U+10FFFF.
 */
export function countUtf8(bytes: Uint8Array, evidence: Utf8Evidence, from = 0): number {
  return scanUtf8(bytes, evidence, from, false);
}

/** Where the first byte that cannot be UTF-8 is in `bytes` (a sequence cut at the end is not one), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const evidence = { multibyte: 0, invalid: 0 };
  const at = scanUtf8(bytes, evidence, 0, true);
  return evidence.invalid ? at : -1;
}

function scanUtf8(bytes: Uint8Array, evidence: Utf8Evidence, from: number, stopAtInvalid: boolean): number {
  const end = bytes.length;
  for (let i = from; i < end; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (need === 0) {
      evidence.invalid++;
      if (stopAtInvalid) return i;
      i++;
      continue;
    }
    // the second byte's range depends on the first (no overlong forms, no surrogates, nothing past U+10FFFF)
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    let k = 1;
    for (; k < need && i + k < end; k++) {
      const c = bytes[i + k]!;
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) break;
    }
    if (k === need) {
      evidence.multibyte++;
      i += need;
    } else if (i + k === end) {
      return i; // cut at the end: the next chunk decides
    } else {
      evidence.invalid++;
      if (stopAtInvalid) return i;
      i++;
    }
  }
  return end;
}

/**
 * UTF-8 is likely when well-formed multi-byte sequences are at least as many as the bytes that cannot be UTF-8:
 * Latin-1 text forms such a sequence only by accident (an accented capital before a symbol such as ©), so it shows
 * many more invalid bytes than sequences; a UTF-8 file with a stray byte shows the reverse.
 */
export const utf8Likely = (e: Utf8Evidence): boolean => e.invalid === 0 || e.multibyte >= e.invalid;

/**
 * Reads the encoding off the first bytes: a BOM settles it (UTF-8, UTF-16 LE/BE); UTF-16 without a BOM shows as
 * every other byte zero in ASCII text; otherwise UTF-8 when the sample's evidence makes it likely (utf8Likely),
 * Latin-1 when not. `complete` says the sample is the whole file (a sequence cut at its end is then invalid).
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
  const evidence = { multibyte: 0, invalid: 0 };
  if (countUtf8(head, evidence) < head.length && complete) evidence.invalid++;
  return { encoding: utf8Likely(evidence) ? 'utf-8' : 'latin1', bom: 0 };
}

/**
 * The encoding of a whole file. The first bytes settle it when they can: a BOM, UTF-16, or UTF-8 with multi-byte
 * characters and no invalid byte (a later invalid byte then stops the read, see decodeStream). Otherwise (a sample
 * of plain ASCII, or one with invalid bytes) the whole file is read for evidence first: a Latin-1 file whose first
 * accent comes after the sample is Latin-1, and a UTF-8 file with one stray byte is UTF-8 with an error.
 */
export async function detectFileEncoding(path: string, head: Uint8Array, size: number): Promise<DetectedEncoding> {
  const complete = size <= head.length;
  const sniffed = detectEncoding(head, complete);
  if (sniffed.bom > 0 || sniffed.encoding.startsWith('utf-16') || complete) return sniffed;
  const sample = { multibyte: 0, invalid: 0 };
  countUtf8(head, sample);
  if (sample.invalid === 0 && sample.multibyte > 0) return sniffed;
  const evidence = { multibyte: 0, invalid: 0 };
  // One buffer read into again and again: a stream's fresh buffer per chunk left ~70 MB of garbage behind a 1M-row scan.
  const buffer = Buffer.allocUnsafe(1 << 20);
  const file = await open(path, 'r');
  let carry = 0; // bytes of a sequence cut at the end of the last read, moved to the front
  try {
    for (let position = 0; ; ) {
      const { bytesRead } = await file.read(buffer, carry, buffer.length - carry, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const bytes = buffer.subarray(0, carry + bytesRead);
      if (carry === 0 && isAscii(bytes)) continue;
      const cut = countUtf8(bytes, evidence);
      carry = bytes.length - cut;
      buffer.copy(buffer, 0, cut, bytes.length);
    }
  } finally {
    await file.close();
  }
  if (carry) evidence.invalid++;
  return { encoding: utf8Likely(evidence) ? 'utf-8' : 'latin1', bom: 0 };
}

/**
 * Decoded chunks read ahead of the parser. Object mode's default of 16 kept a megabyte of text waiting long enough
 * to be promoted to the old generation: 10M rows peaked at 236-250 MB, with 2 at 178-181 MB (1M rows: 139-144).
 */
const DECODED_AHEAD = 2;

/** Where a strict UTF-8 read met a byte that cannot be UTF-8. */
export interface DecodeFailure {
  /** Offset of the byte in the file. */
  byte: number;
  /** Whether the text before it ends a line (the byte then starts a record). */
  atLineStart: boolean;
}

/**
 * A decoding stream. A strict UTF-8 read that meets an invalid byte hands over the text before it, ends there, and
 * sets `failure`: the reader of the text then knows the row the byte is in (csv-source.ts) and says so.
 */
export type DecodingStream = Transform & { failure: DecodeFailure | null };

/** Decodes a byte stream to text (one string per chunk). UTF-8 is checked strictly (see DecodingStream). */
export function decodeStream(detected: DetectedEncoding, source: string): DecodingStream {
  if (detected.encoding === 'utf-8') return utf8Checked(detected.bom);
  const label = detected.encoding === 'latin1' ? 'windows-1252' : detected.encoding;
  const decoder = new TextDecoder(label, { ignoreBOM: false });
  let offset = 0;
  let skip = detected.bom;
  const stream = new Transform({
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
  return Object.assign(stream, { failure: null });
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
 * next one) and then decoded without a second check; only a chunk that fails is scanned for its first bad byte.
 */
function utf8Checked(bom: number): DecodingStream {
  let offset = 0;
  let skip = bom;
  let carry: Buffer = Buffer.alloc(0);
  let lastChar = '\n';
  const stream: DecodingStream = Object.assign(
    new Transform({
      readableObjectMode: true,
      readableHighWaterMark: DECODED_AHEAD,
      transform(chunk: Buffer, _encoding, done) {
        if (stream.failure) return done(); // the text has ended; the rest of the file is not read into it
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
        if (!isUtf8(whole)) return fail(this, whole, firstInvalidUtf8(whole), done);
        offset += whole.length;
        const text = whole.toString('utf8');
        if (text) lastChar = text[text.length - 1]!;
        done(null, text);
      },
      flush(done) {
        if (carry.length && !stream.failure) return fail(this, carry, 0, done);
        done();
      },
    }),
    { failure: null },
  );
  /** Hands over the text before the bad byte, then ends the text there. */
  const fail = (self: Transform, bytes: Buffer, at: number, done: (error?: Error | null) => void) => {
    const before = bytes.subarray(0, Math.max(0, at)).toString('utf8');
    if (before) lastChar = before[before.length - 1]!;
    stream.failure = { byte: offset + Math.max(0, at), atLineStart: lastChar === '\n' || lastChar === '\r' };
    if (before) self.push(before);
    self.push(null);
    done();
  };
  return stream;
}
