import pg from 'pg';

/** Runs SQL (several statements allowed) on the database at `url`; returns the last result's rows. */
export async function sqlOn<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query(text);
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return (last?.rows ?? []) as T[];
  } finally {
    await client.end();
  }
}
