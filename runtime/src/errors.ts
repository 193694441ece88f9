/**
 * The error classes callers branch on and the redaction helpers, in a module that loads nothing heavy (no Kysely,
 * zod, yaml or driver): a CLI can classify a failure, and `byos --help` start, without loading the runtime.
 * The same classes are exported from the package root; this is the one place they are defined or re-exported from.
 */
import { RedactedError } from './redact.ts';

export { ContractError } from './contracts/parse.ts';
export { TableNameError } from './schema/table-names.ts';
export { OPTIONAL_PEER_MISSING, OptionalPeerMissingError } from './util/optional-peer.ts';
export { RedactedError, redactError, redactText, redactUrl, redactWholeUrl } from './redact.ts';

/**
 * Input the user must fix before anything can run: a file that does not exist, is a folder, is too large or does
 * not parse, a database file that is not there, a query that is not allowed. The CLI exits 2 on it; `failure` is
 * the machine-readable code it reports under --json.
 */
export class InputError extends Error {
  override name = 'InputError';
  readonly failure: 'invalid-input' | 'not-found';
  constructor(message: string, failure: 'invalid-input' | 'not-found' = 'invalid-input') {
    super(message);
    this.failure = failure;
  }
}

/** The database could not be opened: unreachable, refused the login, TLS failed. The message holds no secret. */
export class ConnectionError extends RedactedError {
  override name = 'ConnectionError';
}

/** Socket error codes of a connection the server or the network dropped (a driver's error carries one). */
const LOST_CONNECTION = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * An error's message for a one-line report; a dropped connection says so, since the driver's own words for it
 * depend on timing ("terminating connection…" when the server's goodbye arrives first, "read ECONNRESET" otherwise).
 */
export function failureText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && LOST_CONNECTION.has(code) ? `the connection to the database was lost (${message})` : message;
}
