import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

/**
 * The console's guard, as Jupyter does it: a random token printed at start opens the first page (`/?token=…`), which
 * trades it for an HttpOnly, SameSite=Strict cookie and redirects to the same page without it (so the token does not
 * stay in the history or in Referer headers). Every other request needs that cookie or `Authorization: Bearer`.
 * State-changing requests also need the CSRF header the pages send (a cross-site form cannot set a header) and, when
 * the browser says where they come from, the console's own origin. The Host header must name the console itself,
 * which defeats DNS rebinding.
 */
export interface ConsoleSecrets {
  token: string;
  /** Derived from the token: the pages carry it, never the token itself. */
  csrf: string;
}

export const COOKIE = 'byos_console';
export const CSRF_HEADER = 'x-byos-csrf';

export function createSecrets(token = randomBytes(24).toString('base64url')): ConsoleSecrets {
  return { token, csrf: createHmac('sha256', token).update('byos-console-csrf').digest('base64url') };
}

export function sameSecret(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

export function guard(secrets: ConsoleSecrets, allowedHosts: () => string[]): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header('host') ?? '';
    if (!allowedHosts().includes(host.toLowerCase())) return c.text(`refused: the Host header ${JSON.stringify(host)} is not this console`, 421);
    const url = new URL(c.req.url);
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null && SAFE_METHODS.has(c.req.method)) {
      if (!sameSecret(queryToken, secrets.token)) return unauthorized(c);
      setCookie(c, COOKIE, secrets.token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      url.searchParams.delete('token');
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    const bearer = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    if (!sameSecret(getCookie(c, COOKIE), secrets.token) && !sameSecret(bearer, secrets.token)) return unauthorized(c);
    if (!SAFE_METHODS.has(c.req.method)) {
      const site = c.req.header('sec-fetch-site');
      if (site && site !== 'same-origin' && site !== 'none') return c.text('refused: a cross-site request cannot change anything here', 403);
      const origin = c.req.header('origin');
      if (origin && origin !== `${url.protocol}//${host}`) return c.text(`refused: requests from ${origin} cannot change anything here`, 403);
      if (!sameSecret(c.req.header(CSRF_HEADER), secrets.csrf)) return c.text(`refused: missing or wrong ${CSRF_HEADER} header (reload the page)`, 403);
    }
    await next();
  };
}

function unauthorized(c: Parameters<MiddlewareHandler>[0]) {
  return c.text('401: this console needs its token; open the URL `byos console` printed (…/?token=…)', 401);
}

/** Headers on every answer: no framing, no sniffing, no Referer (the first URL carries the token), scripts from here only. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header(
    'Content-Security-Policy',
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Frame-Options', 'DENY');
  c.header('Cache-Control', 'no-store');
};
