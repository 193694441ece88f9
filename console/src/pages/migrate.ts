import type { Hono } from 'hono';
import type { PageDeps } from '../server.ts';

/** TODO(console-migrate): routes of this area. */
export function registerMigrate(_app: Hono, _deps: PageDeps): void {}
