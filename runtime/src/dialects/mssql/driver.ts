import { Kysely, MssqlDialect, sql } from 'kysely';
import type { ConnectionProfile } from '../../contracts/connection-profile.ts';
import type { ConnectionQuirks, OpenedDatabase } from '../dialect.ts';
import { mssqlSettings, tediousConfig } from './config.ts';

export async function openMssql(profile: ConnectionProfile, quirks: ConnectionQuirks): Promise<OpenedDatabase> {
  const settings = await mssqlSettings(profile, quirks);
  const missing = () => {
    throw new Error('the mssql dialect needs the tedious and tarn packages: npm install tedious tarn');
  };
  const tediousModule = await import('tedious').catch(missing);
  const tarnModule = await import('tarn').catch(missing);
  const tedious = ('default' in tediousModule ? tediousModule.default : tediousModule) as typeof import('tedious');
  const tarn = ('default' in tarnModule ? tarnModule.default : tarnModule) as typeof import('tarn');
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
  return { db, close: () => db.destroy() };
}
