import type { Hono } from 'hono';
import type { PageDeps } from '../server.ts';

/** TODO(console-fleet): routes of this area. */
export function registerFleet(_app: Hono, _deps: PageDeps): void {}
