import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseSavedMapping, type SavedMapping } from '@byos/runtime/import';

/** The largest file the console accepts: beyond it, the CLI (`byos import`) streams from disk without an upload. */
export const UPLOAD_LIMIT_BYTES = 200 * 1024 * 1024;
const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ACCEPTED = /\.(csv|tsv|txt|xlsx)$/i;

export class UploadError extends Error {
  readonly status: 400 | 404 | 413;
  constructor(message: string, status: 400 | 404 | 413 = 400) {
    super(message);
    this.status = status;
  }
}

/** A name safe to keep on disk: the client's base name, letters, digits, dot, dash and underscore only. */
export function sanitiseFileName(name: string): string {
  const base = name.split(/[\\/]/).at(-1) ?? '';
  const safe = base.replace(/[^\w.-]/g, '_').replace(/^\.+/, '');
  return safe.slice(-120) || 'upload.csv';
}

export interface Upload {
  id: string;
  name: string;
  path: string;
  size: number;
}

/** Streams a request body into `<workDir>/uploads/<random id>/<sanitised name>`, refused past the limit. */
export async function receiveUpload(
  workDir: string,
  body: ReadableStream<Uint8Array> | null,
  clientName: string,
  declaredLength?: number,
  limit = UPLOAD_LIMIT_BYTES,
): Promise<Upload> {
  const name = sanitiseFileName(clientName);
  if (!ACCEPTED.test(name)) throw new UploadError(`${name}: choose a .csv, .tsv, .txt or .xlsx file`);
  if (declaredLength !== undefined && declaredLength > limit) throw new UploadError(tooLarge(name, limit), 413);
  if (!body) throw new UploadError('the upload is empty: choose a file');
  const id = randomUUID();
  const folder = join(workDir, 'uploads', id);
  await mkdir(folder, { recursive: true });
  const path = join(folder, name);
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      done(size > limit ? new UploadError(tooLarge(name, limit), 413) : null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>), counter, createWriteStream(path));
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error instanceof UploadError ? error : new UploadError(`the upload of ${name} failed: ${(error as Error).message}`);
  }
  if (size === 0) {
    await rm(folder, { recursive: true, force: true });
    throw new UploadError(`${name} is empty`);
  }
  return { id, name, path, size };
}

function tooLarge(name: string, limit: number): string {
  const size = limit >= 1024 * 1024 ? `${limit / 1024 / 1024} MiB` : `${limit} bytes`;
  return `${name} is larger than ${size}: import it with byos import on the command line`;
}

/** The uploaded file behind an id (the id is checked; the path never comes from the client). */
export async function findUpload(workDir: string, id: unknown): Promise<Upload> {
  if (typeof id !== 'string' || !UPLOAD_ID.test(id)) throw new UploadError('no such upload: upload the file again');
  const folder = join(workDir, 'uploads', id);
  const names = await readdir(folder).catch(() => []);
  const name = names[0];
  if (!name) throw new UploadError('no such upload: upload the file again', 404);
  return { id, name, path: join(folder, name), size: 0 };
}

/** Where the accepted mapping of a tenant's table is remembered (the CLI's `--mapping` file format). */
function mappingPath(workDir: string, tenant: string, table: string): string {
  const part = (s: string) => encodeURIComponent(s).replace(/^\.+/, (dots) => '%2E'.repeat(dots.length));
  return join(workDir, 'mappings', part(tenant), `${part(table)}.json`);
}

export async function readRememberedMapping(workDir: string, tenant: string, table: string): Promise<SavedMapping | undefined> {
  const file = mappingPath(workDir, tenant, table);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseSavedMapping(text, file);
}

export async function rememberMapping(workDir: string, tenant: string, table: string, mapping: SavedMapping): Promise<void> {
  const file = mappingPath(workDir, tenant, table);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, `${JSON.stringify(mapping, null, 2)}\n`);
}

/** A fresh folder under `<workDir>/downloads/<area>/`, and its link prefix for `/download/…`. */
export async function downloadFolder(workDir: string, area: 'rejects' | 'exports'): Promise<{ folder: string; link: (name: string) => string }> {
  const id = randomUUID();
  const folder = join(workDir, 'downloads', area, id);
  await mkdir(folder, { recursive: true });
  return { folder, link: (name) => `/download/${area}/${id}/${encodeURIComponent(name)}` };
}
