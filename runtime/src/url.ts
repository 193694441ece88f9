import { ConnectionProfile, parseConnectionProfile } from './contracts/connection-profile.ts';
import type { ProviderName } from './contracts/tenant-spec.ts';
import { PROVIDERS } from './contracts/tenant-spec.ts';
import { providerForHost } from './providers/index.ts';
import { redactUrl } from './redact.ts';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * Builds a ConnectionProfile from a URL: `postgres://user:pass@host:5432/db?sslmode=verify-full&provider=aws`,
 * `sqlite:PATH` (or `sqlite://PATH`), `mssql://user:pass@host:1433/db`. The provider comes from `?provider=`,
 * else from the host name (`*.rds.amazonaws.com` is aws, …), else it is a self-managed Postgres (`local-postgres`).
 */
export function profileFromUrl(url: string): ConnectionProfile {
  if (/^sqlite:/i.test(url)) {
    const path = url.replace(/^sqlite:(\/\/)?/i, '');
    if (!path) throw new Error('sqlite URL needs a path: sqlite:./tenant.sqlite');
    return parseConnectionProfile({ provider: 'local-sqlite', dialect: 'sqlite', database: path });
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not a database URL: ${redactUrl(url)} (expected postgres://…, mssql://… or sqlite:PATH)`);
  }
  const scheme = parsed.protocol.replace(/:$/, '').toLowerCase();
  const dialect = scheme === 'postgres' || scheme === 'postgresql' ? 'postgres' : scheme === 'mssql' || scheme === 'sqlserver' ? 'mssql' : undefined;
  if (!dialect) throw new Error(`unsupported URL scheme "${scheme}:" in ${redactUrl(url)} (use postgres://, mssql:// or sqlite:)`);

  const params = parsed.searchParams;
  const host = decodeURIComponent(parsed.hostname);
  const explicitProvider = params.get('provider');
  if (explicitProvider && !(PROVIDERS as readonly string[]).includes(explicitProvider)) {
    throw new Error(`unknown provider "${explicitProvider}" in URL (one of ${PROVIDERS.join(', ')})`);
  }
  const provider: ProviderName =
    (explicitProvider as ProviderName | null) ?? providerForHost(host) ?? (dialect === 'mssql' ? 'azure-sql' : 'local-postgres');

  const sslmode = params.get('sslmode') ?? params.get('ssl');
  const tlsMode =
    sslmode === 'disable' || sslmode === 'false'
      ? 'disable'
      : sslmode === 'verify-ca'
        ? 'verify-ca'
        : sslmode
          ? 'verify-full'
          : provider === 'local-postgres' && LOOPBACK.has(host)
            ? 'disable'
            : 'verify-full';
  const caFile = params.get('sslrootcert') ?? undefined;
  const minVersion = params.get('ssl_min_protocol_version') ?? undefined;

  return parseConnectionProfile(
    {
      provider,
      dialect,
      host,
      port: parsed.port ? Number(parsed.port) : undefined,
      database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || (dialect === 'mssql' ? 'master' : 'postgres'),
      user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
      password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
      tls: {
        mode: tlsMode,
        ...(caFile ? { caFile } : {}),
        ...(minVersion ? { minVersion } : {}),
        ...(params.get('encrypt') === 'strict' ? { strict: true } : {}),
      },
      pooler: params.get('pooler') === 'transaction' || params.get('pgbouncer') === 'true' ? { mode: 'transaction' } : undefined,
      region: params.get('region') ?? undefined,
    },
    redactUrl(url),
  );
}
