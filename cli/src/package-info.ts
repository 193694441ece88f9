import { readFileSync } from 'node:fs';

/**
 * The CLI's own package.json, read at run time: src/ (a checkout) and dist/ (installed) both sit one folder below it,
 * so `byos --version` is always the version npm installed.
 */
export function cliPackage(): { name: string; version: string } {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
}
