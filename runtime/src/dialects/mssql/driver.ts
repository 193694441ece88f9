import { Kysely, MssqlDialect, sql } from 'kysely';
import type { ConnectionProfile } from '../../contracts/connection-profile.ts';
import type { ConnectionQuirks, OpenedDatabase } from '../dialect.ts';
import { loadOptionalPeer } from '../../util/optional-peer.ts';
import { mssqlSettings, readMssqlCa, tediousConfig } from './config.ts';

type TediousModule = typeof import('tedious');
type TarnModule = typeof import('tarn');

/** tedious and tarn are optional peer dependencies: only applications that talk to SQL Server install them. */
async function loadDrivers(): Promise<{ tedious: TediousModule; tarn: TarnModule }> {
  const load = async <T>(name: string, importer: () => Promise<T>): Promise<T> => {
    const module = (await loadOptionalPeer(name, 'the mssql dialect', importer, { install: ['tedious', 'tarn'] })) as T & { default?: T };
    // Both are CommonJS; depending on the loader the exports sit on the namespace or on `default`.
    return module.default ?? module;
  };
  const [tedious, tarn] = await Promise.all([load<TediousModule>('tedious', () => import('tedious')), load<TarnModule>('tarn', () => import('tarn'))]);
  return { tedious, tarn };
}

/** What mssql dialect code gets as `native`: a way to open its own tedious connection (bulk load needs one). */
export interface MssqlNativeHandle {
  tedious: typeof import('tedious');
  connectionConfig: () => import('tedious').ConnectionConfiguration;
}

export async function openMssql(profile: ConnectionProfile, quirks: ConnectionQuirks): Promise<OpenedDatabase> {
  const settings = mssqlSettings(profile, quirks, await readMssqlCa(profile));
  const { tedious, tarn } = await loadDrivers();
  const db = new Kysely<any>({
    dialect: new MssqlDialect({
      // propagateCreateError: a refused login fails the query at once instead of retrying until the acquire timeout.
      tarn: { ...tarn, options: { min: 0, max: settings.poolMax, propagateCreateError: true } },
      tedious: { ...tedious, connectionFactory: () => new tedious.Connection(tediousConfig(settings)) },
    }),
  });
  try {
    // The pool connects lazily; fail here, at connect time, rather than at the first query.
    await sql`select 1 as ok`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => {});
    throw error;
  }
  const native: MssqlNativeHandle = { tedious, connectionConfig: () => tediousConfig(settings) };
  return { db, native, close: () => db.destroy() };
}
