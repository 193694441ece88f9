import { open } from 'node:fs/promises';
import { InputError } from '../errors.ts';

// Defined with the other light error classes (errors.ts); exported here too, where it always was.
export { InputError };

export interface DocumentFileOptions {
  /** What the file is, for messages: `profile`, `spec file`, `stack file`. */
  what: string;
  /** Refuse files larger than this many bytes, before reading them. */
  maxBytes: number;
  /** Parse as JSON (default: by the `.json` extension; YAML otherwise). */
  json?: boolean;
}

/** Bytes read per call while reading a file of known bounded size. */
const CHUNK = 64 * 1024;

/**
 * Reads a JSON or YAML document with bounds: the file must exist, be a file and hold at most `maxBytes`; YAML may
 * not use tags the core schema does not know (`!evil`), and aliases are capped by the yaml package. Errors name the
 * place as `FILE:LINE:COLUMN` and never quote the file's text, so a secret inside a malformed file (a profile's password)
 * cannot reach a message.
 */
export async function readDocumentFile(file: string, options: DocumentFileOptions): Promise<unknown> {
  const text = await readBoundedText(file, options);
  const json = options.json ?? /\.json$/i.test(file);
  return json ? parseJson(text, file, options.what) : parseYaml(text, file, options.what, await import('yaml'));
}

/** The file's text, refused (InputError) when it is missing, a folder, or larger than `maxBytes`. */
export async function readBoundedText(file: string, options: Pick<DocumentFileOptions, 'what' | 'maxBytes'>): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw fileError(file, options.what, error);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new InputError(`${options.what} ${file} is a directory, not a file`);
    if (stat.size > options.maxBytes) throw tooLarge(file, options, stat.size);
    // Read no more than the limit even if the file grows (or is a pipe that reports no size).
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(CHUNK), 0, CHUNK, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > options.maxBytes) throw tooLarge(file, options, total);
      chunks.push(buffer.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw fileError(file, options.what, error);
  } finally {
    await handle.close();
  }
}

function tooLarge(file: string, options: Pick<DocumentFileOptions, 'what' | 'maxBytes'>, size: number): InputError {
  return new InputError(
    `${options.what} ${file} is ${size.toLocaleString('en')} bytes; a ${options.what} may hold at most ${options.maxBytes.toLocaleString('en')}`,
  );
}

function fileError(file: string, what: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new InputError(`${what} ${file} does not exist`, 'not-found');
  if (code === 'EISDIR') return new InputError(`${what} ${file} is a directory, not a file`);
  if (code === 'EACCES' || code === 'EPERM') return new InputError(`${what} ${file} cannot be read: permission denied`);
  return new InputError(`cannot read ${what} ${file}: ${code ?? (error as Error).message}`);
}

/** `FILE:LINE:COLUMN` (1-based) of a character offset, as compilers name a place in a file. */
function position(file: string, text: string, offset: number): string {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${file}:${line}:${column}`;
}

/** The yaml package, imported where a document needs it (YAML, or a JSON error's place): most runs read neither. */
type Yaml = typeof import('yaml');

async function parseJson(text: string, file: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8 quotes the text around the error ("…password": hunter2}" is not valid JSON): keep only where it is.
    const message = (error as Error).message;
    const at = /at position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : jsonErrorOffset(text, await import('yaml'));
    throw new InputError(offset === undefined ? `${what} ${file} is not valid JSON` : `${position(file, text, offset)}: ${what} is not valid JSON`);
  }
}

/** Where a JSON text stops being JSON, found by the yaml parser in its JSON schema (it reports offsets). */
function jsonErrorOffset(text: string, { parseDocument }: Yaml): number | undefined {
  const doc = parseDocument(text, { schema: 'json', prettyErrors: false });
  return doc.errors[0]?.pos[0];
}

function parseYaml(text: string, file: string, what: string, { isAlias, isScalar, parseDocument, visit }: Yaml): unknown {
  const doc = parseDocument(text, { prettyErrors: false, logLevel: 'silent' });
  const where = (offset: number) => position(file, text, offset);
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    // The yaml package's messages name the construct, not the value ("Unresolved tag: !evil"); cut the position it
    // appends, which is given as file:line:col instead.
    const reason = problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new InputError(`${where(problem.pos[0])}: ${what} is not valid YAML: ${reason}`);
  }
  // A tag the core schema resolves but that is not plain data (!!binary, !!set…) is refused too: a spec holds
  // strings, numbers, booleans, lists and maps.
  let tagged: { tag: string; offset: number } | undefined;
  visit(doc, (_key, node) => {
    if (isAlias(node)) return;
    const tag = (node as { tag?: string }).tag;
    if (tag && !PLAIN_TAGS.has(tag)) {
      tagged = { tag, offset: (node as { range?: [number] }).range?.[0] ?? 0 };
      return visit.BREAK;
    }
    return isScalar(node) ? visit.SKIP : undefined;
  });
  if (tagged)
    throw new InputError(`${where(tagged.offset)}: ${what} uses the YAML tag ${tagged.tag.replace('tag:yaml.org,2002:', '!!')}, which a ${what} does not take`);
  return doc.toJS({ maxAliasCount: 100 });
}

const PLAIN_TAGS = new Set([
  'tag:yaml.org,2002:str',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:null',
  'tag:yaml.org,2002:map',
  'tag:yaml.org,2002:seq',
]);
