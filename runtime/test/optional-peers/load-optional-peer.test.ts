import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isPackageMissing, loadOptionalPeer, OptionalPeerMissingError, packageOfSpecifier } from '../../src/util/optional-peer.ts';

const scratch = await mkdtemp(join(tmpdir(), 'byos-optional-peer-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** Catches what `promise` rejects with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('loadOptionalPeer', () => {
  it("an installed package loads, through the caller's importer", async () => {
    const module = await loadOptionalPeer('exceljs', 'reading .xlsx files', () => import('exceljs'));
    expect(typeof module.default.Workbook).toBe('function');
  });

  it('a package that is not installed: an OptionalPeerMissingError naming it and the install command', async () => {
    const error = await rejection(loadOptionalPeer('byos-no-such-package', 'reading .xyz files'));
    expect(error).toBeInstanceOf(OptionalPeerMissingError);
    expect(error.message).toBe('reading .xyz files needs the optional package byos-no-such-package: npm install byos-no-such-package');
    expect((error as OptionalPeerMissingError).packageName).toBe('byos-no-such-package');
  });

  it('a scoped package imported by a subpath is named by its package, with the wording and install list asked for', async () => {
    const error = await rejection(
      loadOptionalPeer('@byos-no-such-scope/side', 'plan', () => import('@byos-no-such-scope/side/operator' as string), {
        describedAs: 'the Pulumi side',
        install: ['@byos-no-such-scope/side', 'extra'],
      }),
    );
    expect(error).toBeInstanceOf(OptionalPeerMissingError);
    expect(error.message).toBe('plan needs the Pulumi side: npm install @byos-no-such-scope/side extra');
  });

  it('an installed package missing one of ITS dependencies is not reported as itself missing: the real cause is kept', async () => {
    // A real package folder whose module imports a package that is not installed anywhere.
    const folder = join(scratch, 'node_modules', 'byos-half-installed');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'package.json'), JSON.stringify({ name: 'byos-half-installed', type: 'module', main: 'index.js' }));
    await writeFile(join(folder, 'index.js'), "export { x } from 'byos-missing-dependency';\n");
    const error = await rejection(loadOptionalPeer('byos-half-installed', 'the feature', () => import(pathToFileURL(join(folder, 'index.js')).href)));
    expect(error).not.toBeInstanceOf(OptionalPeerMissingError);
    expect(error.message).toMatch(/^byos-half-installed is installed but failed to load \(the feature\): Cannot find package 'byos-missing-dependency'/);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ERR_MODULE_NOT_FOUND');
  });

  it('a package that fails while loading (its code throws) is reported as installed but failing, with the cause', async () => {
    const file = join(scratch, 'throws.mjs');
    await writeFile(file, "throw new Error('native binding built for another Node version');\n");
    const error = await rejection(loadOptionalPeer('byos-throws', 'the feature', () => import(pathToFileURL(file).href)));
    expect(error).not.toBeInstanceOf(OptionalPeerMissingError);
    expect(error.message).toBe('byos-throws is installed but failed to load (the feature): native binding built for another Node version');
  });
});

describe('isPackageMissing', () => {
  const notFound = (message: string) => Object.assign(new Error(message), { code: 'ERR_MODULE_NOT_FOUND' });

  it('matches the package exactly, not a package whose name starts the same', () => {
    expect(isPackageMissing(notFound("Cannot find package 'exceljs' imported from /app/x.js"), 'exceljs')).toBe(true);
    expect(isPackageMissing(notFound("Cannot find package 'exceljs-extra' imported from /app/x.js"), 'exceljs')).toBe(false);
    expect(isPackageMissing(notFound("Cannot find package '@byos/pulumi' imported from /app/x.js"), '@byos/pulumi/operator')).toBe(true);
    // Vite's resolver (vitest) names the whole specifier.
    expect(isPackageMissing(notFound("Cannot find package '@byos/pulumi/operator' imported from /app/x.js"), '@byos/pulumi')).toBe(true);
    expect(isPackageMissing(notFound("Cannot find package '@byos/pulumi-extra/operator' imported from /app/x.js"), '@byos/pulumi')).toBe(false);
    expect(isPackageMissing(notFound("Cannot find module '/app/node_modules/exceljs/excel.js' imported from /app/x.js"), 'exceljs')).toBe(false);
    expect(isPackageMissing(Object.assign(new Error("Cannot find package 'exceljs' imported from /app/x.js"), { code: 'OTHER' }), 'exceljs')).toBe(false);
    expect(isPackageMissing(undefined, 'exceljs')).toBe(false);
  });

  it('packageOfSpecifier', () => {
    expect(packageOfSpecifier('exceljs')).toBe('exceljs');
    expect(packageOfSpecifier('csv-stringify/sync')).toBe('csv-stringify');
    expect(packageOfSpecifier('@azure/identity')).toBe('@azure/identity');
    expect(packageOfSpecifier('@byos/pulumi/operator')).toBe('@byos/pulumi');
  });
});
