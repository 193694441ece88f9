import { redactText } from '@byos/runtime';

/**
 * A small JSON-over-HTTPS client for the management APIs that have no bridged Pulumi provider (Supabase, Neon).
 * Plain functions with no Pulumi import: the dynamic providers call them from the engine, where Pulumi serialises
 * the provider's code, and the tests call them against a local HTTP server that plays the API.
 * Every error message is scrubbed of the bearer token and any other secret the caller names.
 */

export interface ApiClient {
  /** Service name for error messages (`supabase`, `neon`). */
  service: string;
  /** Base URL without a trailing slash (`https://api.supabase.com`, `https://console.neon.tech/api/v2`). */
  baseUrl: string;
  /** Bearer token; never appears in an error. */
  token: string;
  /** Other values to scrub from errors (database passwords in request bodies). */
  secrets?: readonly string[];
  /** Retries for 429 and 5xx answers (default 3), waiting `retryDelayMs` × attempt in between (default 1000). */
  retries?: number;
  retryDelayMs?: number;
}

/** An API answered with a non-success status; `status` lets callers treat 404 as "gone". */
export class ApiError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Scrubs the token and the client's other secrets (and URL credentials, `password=` pairs) from `text`. */
export function scrub(client: ApiClient, text: string): string {
  return redactText(text, [client.token, ...(client.secrets ?? [])]);
}

/**
 * Sends one JSON request and returns the parsed body (undefined for an empty body). Non-2xx answers throw an
 * ApiError naming the method, path, status and the API's own message; 429 and 5xx are retried first.
 */
export async function apiRequest<T>(client: ApiClient, method: string, path: string, body?: unknown): Promise<T> {
  const retries = client.retries ?? 3;
  const delay = client.retryDelayMs ?? 1000;
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(`${client.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${client.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      throw new ApiError(scrub(client, `${client.service} API ${method} ${path} could not be reached: ${reason}`), 0);
    }
    const text = await response.text();
    if (response.ok) return (text ? JSON.parse(text) : undefined) as T;
    if ((response.status === 429 || response.status >= 500) && attempt < retries) {
      await sleep(delay * (attempt + 1));
      continue;
    }
    throw new ApiError(scrub(client, `${client.service} API ${method} ${path} failed with ${response.status}: ${apiMessage(text)}`), response.status);
  }
}

/** The API's own error message (`message`, `error`, `msg`), else the body's first 300 characters. */
function apiMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const message = parsed.message ?? parsed.error ?? parsed.msg;
    if (typeof message === 'string') return message;
  } catch {
    // not JSON; fall through to the raw text
  }
  return text.slice(0, 300) || '(empty body)';
}

/** Polls `check` until it returns a value, every `intervalMs`, failing with `what` after `timeoutMs`. */
export async function poll<T>(what: string, check: () => Promise<T | undefined>, options: { intervalMs: number; timeoutMs: number }): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(options.intervalMs);
  }
}
