/** NAMEDATALEN - 1: the bytes of a name PostgreSQL keeps; the rest is cut off with only a NOTICE. */
export const POSTGRES_IDENTIFIER_BYTES = 63;

export function postgresIdentifierProblem(name: string): string | null {
  const bytes = Buffer.byteLength(name);
  return bytes > POSTGRES_IDENTIFIER_BYTES ? `is ${bytes} bytes long; PostgreSQL keeps ${POSTGRES_IDENTIFIER_BYTES} and would cut the rest off` : null;
}
