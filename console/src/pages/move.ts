import type { Hono } from 'hono';
import type { PageDeps } from '../server.ts';

/** TODO(console-move): routes of this area. */
export function registerMove(_app: Hono, _deps: PageDeps): void {}
