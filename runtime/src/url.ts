import { type ConnectionProfile, parseConnectionProfile, type DialectName } from './contracts/connection-profile.ts';
import type { ProviderName } from './contracts/tenant-spec.ts';
import { PROVIDERS } from './contracts/tenant-spec.ts';
import { PROVIDER_TRAITS, providerForHost, urlDefaultProvider } from './providers/index.ts';
import { redactWholeUrl } from './redact.ts';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

const ENCODE_HINT =
  'percent-encode reserved characters in the user name and password (/ %2F, ? %3F, # %23, @ %40, : %3A, % %25, + %2B, space %20), or give the password through a profile with passwordRef';

/**
 * Builds a ConnectionProfile from a URL: `postgres://user:pass@host:5432/db?sslmode=verify-full&provider=aws`
 * (or `postgresql://`), `sqlite:PATH` (or `sqlite://PATH`), `mssql://user:pass@host:1433/db` (or `sqlserver://`).
 * The provider comes from `?provider=`, else from the host name (`*.rds.amazonaws.com` is aws, …), else from the
 * dialect: the provider whose descriptor claims `urlDefaultFor` it (a self-managed Postgres is `local-postgres`).
 * Without `sslmode`, a non-cloud provider on a loopback host connects in plaintext; anything else verifies TLS.
 *
 * The user name and password are read percent-decoded, as libpq reads them. Every message about the URL shows it
 * redacted as a whole first (redactWholeUrl: everything up to its last `@`), so a password the parser would split
 * at a raw `/`, `?` or `#` cannot reach a message in pieces.
 */
export function profileFromUrl(url: string): ConnectionProfile {
  if (/^sqlite:/i.test(url)) {
    const path = url.replace(/^sqlite:(\/\/)?/i, '');
    if (!path) throw new Error('sqlite URL needs a path: sqlite:./tenant.sqlite');
    return parseConnectionProfile({ provider: urlDefault('sqlite'), dialect: 'sqlite', database: path });
  }
  // A URL that does not parse is never echoed, not even redacted: without `//` or a host (`postgres:u:pw@h/x`,
  // `postgres://u:pw`) nothing marks where a password ends, so no part of the text is safe to show.
  const EXPECTED = 'expected postgres://, postgresql://, mssql:// or sqlserver:// then user, password, host, port and database, or sqlite:PATH';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new Error(`not a database URL (${EXPECTED}); a server URL starts with its scheme and //`);
  const shown = redactWholeUrl(url);
  assertUserInfoEncoded(url, shown);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not a database URL (${EXPECTED})`);
  }
  if (!parsed.hostname) throw new Error(`not a database URL: it names no host (${EXPECTED})`);
  const scheme = parsed.protocol.replace(/:$/, '').toLowerCase();
  const dialect = scheme === 'postgres' || scheme === 'postgresql' ? 'postgres' : scheme === 'mssql' || scheme === 'sqlserver' ? 'mssql' : undefined;
  if (!dialect) throw new Error(`unsupported URL scheme "${scheme}:" in ${shown} (use postgres://, postgresql://, mssql://, sqlserver:// or sqlite:)`);

  const params = parsed.searchParams;
  const host = decoded(parsed.hostname, 'host', shown);
  const explicitProvider = params.get('provider');
  if (explicitProvider && !(PROVIDERS as readonly string[]).includes(explicitProvider)) {
    throw new Error(`unknown provider "${explicitProvider}" in URL (one of ${PROVIDERS.join(', ')})`);
  }
  const provider: ProviderName = (explicitProvider as ProviderName | null) ?? providerForHost(host) ?? urlDefault(dialect);

  const sslmode = params.get('sslmode') ?? params.get('ssl');
  const tlsMode =
    sslmode === 'disable' || sslmode === 'false'
      ? 'disable'
      : sslmode === 'verify-ca'
        ? 'verify-ca'
        : sslmode
          ? 'verify-full'
          : !PROVIDER_TRAITS[provider].cloud && LOOPBACK.has(host)
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
      database: decoded(parsed.pathname.replace(/^\//, ''), 'database name', shown) || (dialect === 'mssql' ? 'master' : 'postgres'),
      user: parsed.username ? decoded(parsed.username, 'user name', shown) : undefined,
      password: parsed.password ? decoded(parsed.password, 'password', shown) : undefined,
      tls: {
        mode: tlsMode,
        ...(caFile ? { caFile } : {}),
        ...(minVersion ? { minVersion } : {}),
        ...(params.get('encrypt') === 'strict' ? { strict: true } : {}),
      },
      pooler: params.get('pooler') === 'transaction' || params.get('pgbouncer') === 'true' ? { mode: 'transaction' } : undefined,
      region: params.get('region') ?? undefined,
    },
    shown,
  );
}

function urlDefault(dialect: DialectName): ProviderName {
  const provider = urlDefaultProvider(dialect);
  if (!provider) throw new Error(`no provider serves ${dialect} URLs by default; add ?provider= to the URL`);
  return provider;
}

/**
 * The user-info ends at the last `@` before the host; an `@` after the first `/`, `?` or `#` of the authority means
 * the URL parser would end the user-info early and read the rest of the password as host, port or path (a raw `/`
 * in `u:12/xy@host` makes host `u`, port 12 and a path holding `xy`). Refused, naming the fix.
 */
function assertUserInfoEncoded(url: string, shown: string): void {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  if (!scheme) return;
  const rest = url.slice(scheme[0].length);
  const authorityEnd = rest.search(/[/?#]/);
  if (authorityEnd >= 0 && rest.indexOf('@', authorityEnd) >= 0) {
    throw new Error(`cannot read the user name and password of ${shown}: ${ENCODE_HINT}`);
  }
}

/** Percent-decodes one part; a `%` that starts no escape is refused without showing the part. */
function decoded(text: string, part: string, shown: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new Error(`the ${part} in ${shown} holds a "%" that does not start a percent-encoded byte: ${ENCODE_HINT}`);
  }
}
