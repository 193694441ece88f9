import { readFile } from 'node:fs/promises';
import type { ConnectionConfiguration } from 'tedious';
import type { config as MssqlPoolConfig } from 'mssql';
import type { ConnectionProfile } from '../../contracts/connection-profile.ts';
import type { ConnectionQuirks } from '../dialect.ts';

/**
 * One source of truth for SQL Server connection settings, rendered for tedious (Kysely's MssqlDialect) and for
 * the `mssql` package (its ConnectionPool, used for bulk loading). Encryption is never optional: Azure SQL
 * refuses plaintext logins, and the certificate is always verified (trustServerCertificate: false).
 */
export interface MssqlSettings {
  server: string;
  port: number;
  database: string;
  user?: string;
  password?: string;
  /** `strict` is TDS 8.0: TLS before the pre-login packet, and the only way tedious negotiates TLS 1.3. */
  encrypt: true | 'strict';
  serverName?: string;
  tls: { minVersion: 'TLSv1.2' | 'TLSv1.3'; maxVersion?: 'TLSv1.2' | 'TLSv1.3'; ca?: string };
  requestTimeoutMs?: number;
  poolMax: number;
}

export async function mssqlSettings(profile: ConnectionProfile, quirks: ConnectionQuirks): Promise<MssqlSettings> {
  if (!profile.host) throw new Error('a SQL Server profile needs a host');
  const tls = profile.tls ?? { mode: 'verify-full' as const, minVersion: 'TLSv1.2' as const };
  if (tls.mode === 'disable') throw new Error('SQL Server connections are always encrypted: tls.mode disable is not supported');
  if (tls.mode === 'verify-ca') {
    throw new Error('tls.mode verify-ca is not supported for SQL Server (tedious always checks the host name): use verify-full and tls.servername');
  }
  const ca = tls.ca ?? (tls.caFile ? await readFile(tls.caFile, 'utf8') : undefined);
  return {
    server: profile.host,
    port: profile.port ?? quirks.defaultPort ?? 1433,
    database: profile.database,
    user: profile.user,
    password: profile.password,
    encrypt: tls.strict ? 'strict' : true,
    serverName: tls.servername,
    tls: { minVersion: tls.minVersion, ...(tls.maxVersion ? { maxVersion: tls.maxVersion } : {}), ...(ca ? { ca } : {}) },
    requestTimeoutMs: profile.statementTimeoutMs,
    poolMax: profile.poolSize ?? 10,
  };
}

function options(settings: MssqlSettings) {
  return {
    port: settings.port,
    database: settings.database,
    encrypt: settings.encrypt,
    trustServerCertificate: false,
    ...(settings.serverName ? { serverName: settings.serverName } : {}),
    cryptoCredentialsDetails: { ...settings.tls },
    ...(settings.requestTimeoutMs !== undefined ? { requestTimeout: settings.requestTimeoutMs } : {}),
  };
}

/** tedious's ConnectionConfiguration (SQL authentication). */
export function tediousConfig(settings: MssqlSettings): ConnectionConfiguration {
  return {
    server: settings.server,
    authentication: { type: 'default', options: { userName: settings.user, password: settings.password } },
    options: options(settings),
  };
}

/** The `mssql` package's ConnectionPool config, from the same settings. */
export function mssqlPoolConfig(settings: MssqlSettings): MssqlPoolConfig {
  const { port, database, ...rest } = options(settings);
  return {
    server: settings.server,
    port,
    database,
    user: settings.user,
    password: settings.password,
    options: rest,
    pool: { min: 0, max: settings.poolMax },
  };
}
