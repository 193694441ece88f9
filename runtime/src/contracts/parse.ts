import type { z } from 'zod';

/** Thrown when input does not match a contract; the message names every bad field and why. */
export class ContractError extends Error {
  readonly issues: readonly { path: string; message: string }[];
  constructor(what: string, issues: readonly { path: string; message: string }[], source?: string) {
    const where = source ? ` in ${source}` : '';
    // A hostile input can fail thousands of times over; the message names the first few, `issues` keeps them all.
    const shown = issues.slice(0, 10).map((i) => `  - ${i.path || '(root)'}: ${i.message}`);
    const lines = issues.length > shown.length ? [...shown, `  - … and ${issues.length - shown.length} more`] : shown;
    super(`invalid ${what}${where}:\n${lines.join('\n')}`);
    this.name = 'ContractError';
    this.issues = issues;
  }
}

/** Parses `input` with `schema`, or throws a ContractError naming each field (`backup.retentionDays`) and the reason. */
export function parseContract<S extends z.ZodType>(schema: S, what: string, input: unknown, source?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  throw new ContractError(what, issues, source);
}

/**
 * A spec or profile file may name its JSON Schema for editors (`"$schema": "…/connection-profile.schema.json"`); the
 * key is not part of the contract, so it is dropped before the strict parse (and never kept in the parsed value).
 */
export function withoutSchemaReference(input: unknown): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const { $schema: reference, ...rest } = input as Record<string, unknown>;
  return typeof reference === 'string' ? rest : input;
}
