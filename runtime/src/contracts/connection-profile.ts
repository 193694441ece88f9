import { z } from 'zod';
import { JURISDICTIONS, PROVIDERS } from './tenant-spec.ts';
import { parseContract, withoutSchemaReference } from './parse.ts';

export const DIALECTS = ['postgres', 'mssql', 'sqlite'] as const;
export type DialectName = (typeof DIALECTS)[number];

export const TLS_VERSIONS = ['TLSv1.2', 'TLSv1.3'] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];

export const TlsSettings = z
  .object({
    /**
     * `verify-full`: encrypted, certificate chain and host name verified (the default).
     * `verify-ca`: chain verified, host name not (Cloud SQL by IP, whose certificate names the instance).
     * `disable`: plaintext; refused for every cloud provider.
     */
    mode: z.enum(['verify-full', 'verify-ca', 'disable']).default('verify-full'),
    /** CA bundle in PEM, inline. */
    ca: z.string().optional(),
    /** CA bundle in PEM, read from this path at connect time. */
    caFile: z.string().optional(),
    /** Lowest protocol version accepted; never below TLS 1.2. */
    minVersion: z.enum(TLS_VERSIONS).default('TLSv1.2'),
    maxVersion: z.enum(TLS_VERSIONS).optional(),
    /** Server name to verify when it differs from `host` (SNI). */
    servername: z.string().optional(),
    /** SQL Server only: TDS 8 strict encryption (TLS before login; the only way to get TLS 1.3). */
    strict: z.boolean().optional(),
  })
  .strict();
export type TlsSettings = z.output<typeof TlsSettings>;

export const PoolerSettings = z
  .object({
    /**
     * `transaction`: a transaction-mode pooler (Supabase Supavisor :6543, PgBouncer) — no prepared statements,
     * no session state. `session`: session-mode pooler, behaves like a direct connection.
     */
    mode: z.enum(['transaction', 'session']),
    host: z.string().optional(),
    port: z.number().int().positive().optional(),
  })
  .strict();

/**
 * What the runtime needs to reach one tenant's database. A Pulumi stack output (the password is a secret),
 * or loaded from a file or the environment by applications that do not run Pulumi.
 */
export const ConnectionProfile = z
  .object({
    tenant: z.string().optional(),
    provider: z.enum(PROVIDERS),
    dialect: z.enum(DIALECTS),
    host: z.string().optional(),
    port: z.number().int().positive().max(65535).optional(),
    /** Database name; for SQLite the file path. For local-postgres, also the data folder lives under `dataDir`. */
    database: z.string().min(1),
    user: z.string().optional(),
    /** The password itself (from a Pulumi secret or a file kept out of git). */
    password: z.string().optional(),
    /**
     * Where to read the password at connect time: `env:NAME` or `file:PATH`. `pulumi:STACK#OUTPUT` (a stack's secret
     * output, as `byos reconcile` records cloud tenants) is resolved by the operator, which holds the Pulumi credentials.
     */
    passwordRef: z
      .string()
      .regex(/^(env:.+|file:.+|pulumi:[^#]+#.+)$/, 'must be env:NAME, file:PATH or pulumi:STACK#OUTPUT')
      .optional(),
    tls: TlsSettings.optional(),
    pooler: PoolerSettings.optional(),
    /** Provider region the database lives in. */
    region: z.string().optional(),
    /** Jurisdiction the tenant's data must stay in (from the TenantSpec). */
    residency: z.enum(JURISDICTIONS).optional(),
    /** local-postgres: folder holding the embedded server's data. */
    dataDir: z.string().optional(),
    /** Connection pool size. */
    poolSize: z.number().int().positive().optional(),
    /** Statement timeout in milliseconds, applied where the dialect supports it. */
    statementTimeoutMs: z.number().int().nonnegative().optional(),
  })
  .strict();
export type ConnectionProfile = z.output<typeof ConnectionProfile>;
export type ConnectionProfileInput = z.input<typeof ConnectionProfile>;

export function parseConnectionProfile(input: unknown, source?: string): ConnectionProfile {
  return parseContract(ConnectionProfile, 'connection profile', withoutSchemaReference(input), source);
}
