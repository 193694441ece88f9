import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { close as closeFd, createWriteStream, fchmod, fsync, type WriteStream } from 'node:fs';
import { link, realpath, rename, stat, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import { basename, dirname, join } from 'node:path';

/** A file the user named cannot be written: the message names the file and why, in one line. */
export class OutputFileError extends Error {
  override name = 'OutputFileError';
}

const REASONS: Record<string, string> = {
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'part of its path is not a folder',
  EISDIR: 'it is a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exceeded',
  EFBIG: 'the file is larger than the system allows',
  EIO: 'an input/output error',
  EEXIST: 'a file of that name already exists',
};

/** `cannot write PATH: reason (CODE)` for a file-system error, whatever the call that raised it. */
export function describeWriteError(path: string, error: unknown): OutputFileError {
  if (error instanceof OutputFileError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const reason = (code && REASONS[code]) ?? (error as Error).message;
  return new OutputFileError(`cannot write ${path}: ${reason}${code ? ` (${code})` : ''}`);
}

/**
 * A file written in full or not at all. The bytes go to a temporary file beside the target (same folder, so the
 * rename cannot cross file systems); `commit` flushes it to disk and renames it over the target, `discard` removes
 * it. Until `commit` the previous file at the target, if any, is untouched. A write error (disk full) is kept, not
 * thrown as an unhandled stream event: `write`, `check` and `commit` raise it as an OutputFileError.
 */
export interface OutputFile {
  /** The target path. */
  path: string;
  /** The stream to write to (for writers that pipe, such as exceljs); its errors are caught. */
  stream: WriteStream;
  /** Writes a chunk, waiting while the stream is full; throws the first write error. */
  write(chunk: string | Uint8Array): Promise<void>;
  /** Throws the first write error, if any. */
  check(): void;
  /** Resolves when `work` does, or rejects as soon as the stream fails (a writer that never settles then still ends). */
  race<T>(work: Promise<T>): Promise<T>;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/**
 * `overwrite: false` never replaces a file: `commit` links the finished file into place, which fails with EEXIST
 * when one appeared meanwhile (a migration id taken by someone else).
 */
export async function openOutputFile(path: string, options: { overwrite?: boolean } = {}): Promise<OutputFile> {
  const overwrite = options.overwrite ?? true;
  // A symbolic link keeps pointing where it did: the file it names is replaced.
  const target = await realpath(path).catch(() => path);
  const existing = await stat(target).catch(() => null);
  if (existing && !overwrite) throw describeWriteError(path, Object.assign(new Error('exists'), { code: 'EEXIST' }));
  if (existing?.isDirectory()) throw describeWriteError(path, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const stream = createWriteStream(temp, { flags: 'wx', mode: existing ? existing.mode & 0o777 : 0o666, autoClose: false });
  try {
    await once(stream, 'open');
  } catch (error) {
    throw describeWriteError(path, error);
  }
  let failure: OutputFileError | null = null;
  let rejectFailed!: (error: Error) => void;
  const failed = new Promise<never>((_, reject) => (rejectFailed = reject));
  failed.catch(() => {}); // observed through race/check; never an unhandled rejection
  stream.on('error', (error) => {
    failure ??= describeWriteError(path, error);
    rejectFailed(failure);
  });
  const fd = (stream as unknown as { fd: number }).fd; // set once 'open' has fired
  // The mode given to open() passes through the umask: set the previous file's bits exactly.
  if (existing) await promisify(fchmod)(fd, existing.mode & 0o777).catch(() => {});
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await promisify(closeFd)(fd).catch(() => {});
  };
  const file: OutputFile = {
    path,
    stream,
    check() {
      if (failure) throw failure;
    },
    race: (work) => Promise.race([work, failed]),
    async write(chunk) {
      file.check();
      if (!stream.write(chunk)) await file.race(once(stream, 'drain'));
    },
    async commit() {
      try {
        file.check();
        if (!stream.writableEnded) stream.end(); // a writer that pipes (exceljs) has ended it already
        if (!stream.writableFinished) await file.race(once(stream, 'finish'));
        await promisify(fsync)(fd);
        await close();
        if (overwrite) await rename(temp, target);
        else await link(temp, target).then(() => unlink(temp));
      } catch (error) {
        await file.discard();
        throw describeWriteError(path, error);
      }
    },
    async discard() {
      stream.destroy();
      await close();
      await unlink(temp).catch(() => {});
    },
  };
  return file;
}
