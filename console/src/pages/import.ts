import type { Hono } from 'hono';
import type { PageDeps } from '../server.ts';

/** TODO(console-import): routes of this area. */
export function registerImport(_app: Hono, _deps: PageDeps): void {}
