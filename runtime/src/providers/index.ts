import type { ConnectionProfile, DialectName } from '../contracts/connection-profile.ts';
import type { ProviderName } from '../contracts/tenant-spec.ts';

/** How the runtime treats a provider's databases. Pulumi resources for each provider live in the top-level providers/. */
export interface ProviderTraits {
  dialect: DialectName;
  /** A managed cloud service: TLS with a verified certificate is mandatory. */
  cloud: boolean;
  defaultPort?: number;
  /** Host name suffixes that identify the provider in a connection URL. */
  hostSuffixes: readonly string[];
  /**
   * Runs before the dialect opens its pool: may start what the profile needs (an embedded server) and fill in
   * host/port. connect() calls `release` after the pool closes, or at once when opening fails.
   */
  prepare?: (profile: ConnectionProfile) => Promise<PreparedProfile>;
}

/** A profile ready to open, and how to undo what preparing it started. */
export interface PreparedProfile {
  profile: ConnectionProfile;
  release(): Promise<void>;
}

export const PROVIDER_TRAITS: Record<ProviderName, ProviderTraits> = {
  aws: { dialect: 'postgres', cloud: true, defaultPort: 5432, hostSuffixes: ['.rds.amazonaws.com'] },
  'azure-postgres': { dialect: 'postgres', cloud: true, defaultPort: 5432, hostSuffixes: ['.postgres.database.azure.com'] },
  'azure-sql': { dialect: 'mssql', cloud: true, defaultPort: 1433, hostSuffixes: ['.database.windows.net'] },
  gcp: { dialect: 'postgres', cloud: true, defaultPort: 5432, hostSuffixes: [] },
  supabase: { dialect: 'postgres', cloud: true, defaultPort: 5432, hostSuffixes: ['.supabase.co', '.supabase.com'] },
  neon: { dialect: 'postgres', cloud: true, defaultPort: 5432, hostSuffixes: ['.neon.tech'] },
  'local-postgres': {
    dialect: 'postgres',
    cloud: false,
    defaultPort: 5432,
    hostSuffixes: [],
    // With dataDir, an embedded server started on demand; without, a self-managed server at host/port.
    prepare: async (profile) => (await import('./local-postgres-prepare.ts')).prepareLocalPostgres(profile),
  },
  'local-sqlite': { dialect: 'sqlite', cloud: false, hostSuffixes: [] },
};

/** The provider a host name belongs to, when its suffix says so. */
export function providerForHost(host: string): ProviderName | undefined {
  const lower = host.toLowerCase();
  for (const [name, traits] of Object.entries(PROVIDER_TRAITS)) {
    if (traits.hostSuffixes.some((suffix) => lower.endsWith(suffix))) return name as ProviderName;
  }
  return undefined;
}

/** A database reached as a file (SQLite) rather than over the network: its provider has no port. */
export function isFileDatabase(profile: Pick<ConnectionProfile, 'provider'>): boolean {
  return PROVIDER_TRAITS[profile.provider].defaultPort === undefined;
}
