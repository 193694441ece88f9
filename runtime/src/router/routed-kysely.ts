import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect as KyselyDialect,
  type DialectAdapter,
  type Driver,
  Kysely,
  type MigrationLockOptions,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
  type TransactionSettings,
} from 'kysely';
import type { TenantDb } from '../connect.ts';
import type { Gate } from './gate.ts';

/** One opened database behind a routed handle; replaced by a new one when the tenant's profile flips. */
export interface Backend {
  readonly tenant: TenantDb;
  /** Bumped at each flip, so a query compiled for an earlier backend is recognised. */
  readonly generation: number;
}

/** What a routed Kysely needs from the router: the backend now, opening it if needed, and the tenant's gate. */
export interface RouteSource {
  readonly name: string;
  readonly gate: Gate;
  /** The backend queries compile for; throws before the first `router.get` or after close. */
  current(): Backend;
  /** The backend to run on (opens it on first use). */
  open(): Promise<Backend>;
}

/**
 * A Kysely instance whose every connection passes the tenant's gate and lands on the tenant's current database.
 * Queries compile with the current backend's compiler; a query compiled before a flip (say for SQLite, waiting at
 * the gate) is compiled again for the backend it finally runs on (Postgres), from the operation tree it carries.
 * Transactions begin, commit and roll back with the standard statements all three dialects accept.
 */
export function routedKysely<DB>(route: RouteSource): Kysely<DB> {
  const compiledFor = new WeakMap<CompiledQuery, Backend>();
  const dialect: KyselyDialect = {
    createAdapter: () => routedAdapter(route),
    createQueryCompiler: () => ({
      compileQuery(node: RootOperationNode, queryId: QueryId): CompiledQuery {
        const backend = route.current();
        const compiled = backend.tenant.db.getExecutor().compileQuery(node, queryId);
        compiledFor.set(compiled, backend);
        return compiled;
      },
    }),
    createDriver: () => new RoutedDriver(route, compiledFor),
    createIntrospector: (): DatabaseIntrospector => ({
      getSchemas: () => route.current().tenant.db.introspection.getSchemas(),
      getTables: (options) => route.current().tenant.db.introspection.getTables(options),
    }),
  };
  return new Kysely<DB>({ dialect });
}

function routedAdapter(route: RouteSource): DialectAdapter {
  const inner = () => route.current().tenant.db.getExecutor().adapter;
  return {
    get supportsCreateIfNotExists() {
      return inner().supportsCreateIfNotExists;
    },
    get supportsMultipleConnections() {
      return inner().supportsMultipleConnections;
    },
    get supportsTransactionalDdl() {
      return inner().supportsTransactionalDdl;
    },
    get supportsReturning() {
      return inner().supportsReturning;
    },
    get supportsOutput() {
      return inner().supportsOutput;
    },
    acquireMigrationLock: (db: Kysely<any>, options: MigrationLockOptions) => inner().acquireMigrationLock(db, options),
    releaseMigrationLock: (db: Kysely<any>, options: MigrationLockOptions) => inner().releaseMigrationLock(db, options),
  };
}

class RoutedConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;
  readonly backend: Backend;
  readonly release: () => void;
  readonly #compiledFor: WeakMap<CompiledQuery, Backend>;

  constructor(inner: DatabaseConnection, backend: Backend, release: () => void, compiledFor: WeakMap<CompiledQuery, Backend>) {
    this.inner = inner;
    this.backend = backend;
    this.release = release;
    this.#compiledFor = compiledFor;
  }

  /** The query as this connection's database needs it. Raw compiled queries (no compiler involved) pass as they are. */
  #forHere(query: CompiledQuery): CompiledQuery {
    const compiledFor = this.#compiledFor.get(query);
    if (!compiledFor || compiledFor === this.backend) return query;
    return this.backend.tenant.db.getExecutor().compileQuery(query.query, query.queryId);
  }

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.inner.executeQuery<R>(this.#forHere(query));
  }

  streamQuery<R>(query: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(this.#forHere(query), chunkSize);
  }
}

class RoutedDriver implements Driver {
  readonly #route: RouteSource;
  readonly #compiledFor: WeakMap<CompiledQuery, Backend>;

  constructor(route: RouteSource, compiledFor: WeakMap<CompiledQuery, Backend>) {
    this.#route = route;
    this.#compiledFor = compiledFor;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#route.gate.enter();
    try {
      const backend = await this.#route.open();
      return await this.#borrow(backend);
    } catch (error) {
      this.#route.gate.leave();
      throw error;
    }
  }

  /** Borrows a connection from the backend's own pool; it goes back when `release` is called. */
  #borrow(backend: Backend): Promise<RoutedConnection> {
    return new Promise((resolve, reject) => {
      let handedOut = false;
      backend.tenant.db
        .getExecutor()
        .provideConnection(async (inner) => {
          handedOut = true;
          await new Promise<void>((released) => resolve(new RoutedConnection(inner, backend, released, this.#compiledFor)));
        })
        .catch((error: unknown) => {
          if (!handedOut) reject(error);
        });
    });
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const inner = (connection as RoutedConnection).inner;
    await inner.executeQuery(CompiledQuery.raw('begin transaction'));
    if (settings.isolationLevel) await inner.executeQuery(CompiledQuery.raw(`set transaction isolation level ${settings.isolationLevel}`));
    if (settings.accessMode) await inner.executeQuery(CompiledQuery.raw(`set transaction ${settings.accessMode}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as RoutedConnection).inner.executeQuery(CompiledQuery.raw('commit transaction'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as RoutedConnection).inner.executeQuery(CompiledQuery.raw('rollback transaction'));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as RoutedConnection).release();
    this.#route.gate.leave();
  }

  // The backends belong to the router, which closes them.
  async destroy(): Promise<void> {}
}
