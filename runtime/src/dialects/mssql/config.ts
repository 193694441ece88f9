import { readFile } from 'node:fs/promises';
import type { ConnectionConfiguration, ConnectionOptions } from 'tedious';
import type { ConnectionProfile, TlsVersion } from '../../contracts/connection-profile.ts';
import type { ConnectionQuirks } from '../dialect.ts';

/**
 * One source of truth for SQL Server connection settings, rendered for tedious (Kysely's MssqlDialect) and for
 * the `mssql` package (its ConnectionPool, used for bulk loading). Encryption is never optional (Azure SQL
 * refuses plaintext logins) and the certificate is always verified: `trustServerCertificate` is always false.
 */
export interface MssqlSettings {
  server: string;
  port: number;
  database: string;
  /** SQL authentication. Entra ID (AAD) authentication is not wired yet. */
  user?: string;
  password?: string;
  /**
   * `true`: TDS 7.4, TLS negotiated inside the pre-login exchange (tedious caps it at TLS 1.2).
   * `strict`: TDS 8.0, TLS before any TDS traffic; the only way tedious negotiates TLS 1.3.
   */
  encrypt: true | 'strict';
  /** Host name the certificate must name, when it differs from `server`. */
  serverName?: string;
  /** Node SecureContext options handed to tedious as `cryptoCredentialsDetails`. */
  tls: { minVersion: TlsVersion; maxVersion?: TlsVersion; ca?: string };
  /** tedious `requestTimeout`: 0 means no limit, as for the other dialects when the profile sets none. */
  requestTimeoutMs: number;
  poolMax: number;
}

const TLS_ORDER: Record<TlsVersion, number> = { 'TLSv1.2': 2, 'TLSv1.3': 3 };

/**
 * Checks the profile and builds the settings. Pure: the CA comes in already read (see readMssqlCa).
 * Throws, naming the field, for profiles tedious could not honour as written.
 */
export function mssqlSettings(profile: ConnectionProfile, quirks: ConnectionQuirks, ca?: string): MssqlSettings {
  if (!profile.host) throw new Error('connection profile: host is required for a SQL Server database');
  const tls = profile.tls ?? { mode: 'verify-full' as const, minVersion: 'TLSv1.2' as const };
  if (tls.mode === 'disable') {
    throw new Error('connection profile: tls.mode "disable" is not supported for SQL Server; connections are always encrypted');
  }
  if (tls.mode === 'verify-ca') {
    throw new Error(
      'connection profile: tls.mode "verify-ca" is not supported for SQL Server (tedious always verifies the host name); ' +
        'use verify-full and set tls.servername to the name on the certificate',
    );
  }
  if (tls.minVersion === 'TLSv1.3' && !tls.strict) {
    // In TDS 7.4 tedious forces maxVersion TLSv1.2 for the pre-login handshake, so a 1.3 floor could never connect.
    throw new Error('connection profile: tls.minVersion TLSv1.3 needs tls.strict: true (TDS 8.0); tedious negotiates TLS 1.3 only in strict mode');
  }
  if (tls.maxVersion && TLS_ORDER[tls.maxVersion] < TLS_ORDER[tls.minVersion]) {
    throw new Error(`connection profile: tls.maxVersion ${tls.maxVersion} is below tls.minVersion ${tls.minVersion}`);
  }
  const caPem = tls.ca ?? ca;
  return {
    server: profile.host,
    port: profile.port ?? quirks.defaultPort ?? 1433,
    database: profile.database,
    ...(profile.user !== undefined ? { user: profile.user } : {}),
    ...(profile.password !== undefined ? { password: profile.password } : {}),
    encrypt: tls.strict ? 'strict' : true,
    ...(tls.servername ? { serverName: tls.servername } : {}),
    tls: { minVersion: tls.minVersion, ...(tls.maxVersion ? { maxVersion: tls.maxVersion } : {}), ...(caPem ? { ca: caPem } : {}) },
    requestTimeoutMs: profile.statementTimeoutMs ?? 0,
    poolMax: profile.poolSize ?? 10,
  };
}

/** Reads `tls.caFile` when the profile names one and gives no inline `tls.ca`. */
export async function readMssqlCa(profile: ConnectionProfile): Promise<string | undefined> {
  const tls = profile.tls;
  if (!tls?.caFile || tls.ca) return undefined;
  try {
    return await readFile(tls.caFile, 'utf8');
  } catch (error) {
    throw new Error(`connection profile: cannot read tls.caFile ${tls.caFile}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** tedious options shared by both renderings. */
function tediousOptions(settings: MssqlSettings): ConnectionOptions {
  return {
    port: settings.port,
    database: settings.database,
    encrypt: settings.encrypt,
    trustServerCertificate: false,
    ...(settings.serverName ? { serverName: settings.serverName } : {}),
    // A fresh object per connection: tedious writes maxVersion into it during the TDS 7.4 handshake.
    cryptoCredentialsDetails: { ...settings.tls },
    requestTimeout: settings.requestTimeoutMs,
  };
}

/** tedious's ConnectionConfiguration, SQL authentication. */
export function tediousConfig(settings: MssqlSettings): ConnectionConfiguration {
  return {
    server: settings.server,
    authentication: { type: 'default', options: { userName: settings.user, password: settings.password } },
    options: tediousOptions(settings),
  };
}

/** The part of the `mssql` package's ConnectionPool config set here (declared here so the runtime's types need no mssql). */
export interface MssqlPoolConfig {
  server: string;
  port: number;
  database: string;
  user?: string;
  password?: string;
  requestTimeout: number;
  options: ConnectionOptions;
  pool: { min: number; max: number };
}

/**
 * The `mssql` package's ConnectionPool config from the same settings. mssql fills `options` defaults only where
 * they are missing, so the tedious options pass through unchanged (encrypt, certificate checks, timeouts).
 */
export function mssqlPoolConfig(settings: MssqlSettings): MssqlPoolConfig {
  const options = tediousOptions(settings);
  return {
    server: settings.server,
    port: settings.port,
    database: settings.database,
    ...(settings.user !== undefined ? { user: settings.user } : {}),
    ...(settings.password !== undefined ? { password: settings.password } : {}),
    requestTimeout: settings.requestTimeoutMs,
    options,
    pool: { min: 0, max: settings.poolMax },
  };
}
