/**
 * Credentials must never reach an error message, a log line or a generated file. These helpers strip them from
 * text before it leaves the runtime.
 */

const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^/@\s:]*)(:[^/@\s]*)?@/gi;
const KEY_VALUE_SECRET = /\b(password|pwd|passwd|secret|token|access_token|api_key)\s*[=:]\s*("[^"]*"|'[^']*'|[^\s;&,]+)/gi;

/** `postgres://user:pass@host/db` → `postgres://***@host/db`. */
export function redactUrl(url: string): string {
  return url.replace(URL_USERINFO, '$1***@');
}

/** Removes URL user-info, `password=...` pairs and every given secret value (and its URL-encoded form) from `text`. */
export function redactText(text: string, secrets: readonly (string | undefined | null)[] = []): string {
  let out = redactUrl(text).replace(KEY_VALUE_SECRET, '$1=***');
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
