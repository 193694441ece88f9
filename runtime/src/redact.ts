/**
 * Credentials must never reach an error message, a log line or a generated file. These helpers strip them from
 * text before it leaves the runtime.
 */

/**
 * URL user-info in free text: from `scheme://` to the last `@` of the same word. Greedy on purpose: a password
 * holding a raw `/`, `?`, `#` or `@` (which a URL parser would split elsewhere) is covered whole, at the price of
 * sometimes hiding a host name too.
 */
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)\S*@/gi;
/**
 * `key=value` / `key: value` / `"key": "value"` where the key is a word of its own (after the start, white space or
 * `? & ; , { ( " '`) whose last part names a secret (`password`, `PGPASSWORD`, `db_password`, `api_key`…). A key
 * must start a word, so paths are left alone: `/etc/passwd: ENOENT` names a file, not a password.
 */
const KEY_VALUE_SECRET = /(^|[\s?&;,{("'])([A-Za-z0-9_.-]*?(?:password|passwd|pwd|secret|token|api_?key))(["']?)\s*[=:]\s*("[^"]*"|'[^']*'|[^\s;&,"'}]+)/gi;

/** `postgres://user:pass@host/db` → `postgres://***@host/db`, in text that may hold URLs among other words. */
export function redactUrl(url: string): string {
  return url.replace(URL_USERINFO, '$1***@');
}

/**
 * One URL, whole, as it may be shown: everything between `scheme://` and its last `@` hidden, even across spaces
 * (a raw space in a password), and `password=` parameters hidden too. For messages about a URL the user gave,
 * before it is parsed: what the parser would have done with a malformed one does not matter.
 */
export function redactWholeUrl(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  const at = url.lastIndexOf('@');
  const shown = scheme && at > scheme[0].length - 1 ? `${scheme[0]}***${url.slice(at)}` : url;
  return redactText(shown);
}

/** Removes URL user-info, `password=...` pairs and every given secret value (and its URL-encoded form) from `text`. */
export function redactText(text: string, secrets: readonly (string | undefined | null)[] = []): string {
  let out = redactUrl(text).replace(KEY_VALUE_SECRET, '$1$2$3=***');
  for (const secret of secrets) {
    if (!secret || secret.length < 3) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('***');
  }
  return out;
}

/** An error whose message (and cause chain) has been scrubbed of credentials. */
export class RedactedError extends Error {
  readonly code?: string;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'RedactedError';
    if (code) this.code = code;
  }
}

/** Wraps any thrown value into an error that cannot leak the given secrets; keeps the driver's error code. */
export function redactError(error: unknown, secrets: readonly (string | undefined | null)[], context?: string): RedactedError {
  const raw = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const message = redactText(context ? `${context}: ${raw}` : raw, secrets);
  return new RedactedError(message, typeof code === 'string' ? code : undefined);
}
