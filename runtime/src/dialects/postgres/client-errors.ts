import type pg from 'pg';

/**
 * Listens for 'error' events on a client checked out of the pool. node-postgres emits one when the server ends the
 * session while no query is running on it (an administrator's terminate, a restart, a dropped network between two
 * FETCHes); the pool only listens on idle clients, so unheard it is an "Unhandled 'error' event" that kills the
 * process with a stack trace. `first()` is that error, which says more than the "not queryable" of the next query.
 */
export function watchClientErrors(client: pg.PoolClient): { first(): Error | null; stop(): void } {
  let first: Error | null = null;
  const listener = (error: Error) => {
    first ??= error;
  };
  client.on('error', listener);
  return {
    first: () => first,
    stop: () => {
      client.removeListener('error', listener);
    },
  };
}
