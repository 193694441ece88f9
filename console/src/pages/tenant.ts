import type { Hono } from 'hono';
import type { PageDeps } from '../server.ts';

/** TODO(console-tenant): routes of this area. */
export function registerTenant(_app: Hono, _deps: PageDeps): void {}
