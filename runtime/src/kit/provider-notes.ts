import type { ProviderName } from '../contracts/tenant-spec.ts';

/** What an application developer must know to reach each provider; printed as comments in the kit. */
export const PROVIDER_NOTES: Record<ProviderName, string[]> = {
  aws: [
    'Amazon RDS / Aurora PostgreSQL: the parameter group sets rds.force_ssl=1, so TLS is mandatory.',
    'CA bundle: https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem (save it and set BYOS_DB_CA_FILE).',
    'IAM authentication is enabled; a password from the stack output works as well.',
  ],
  'azure-sql': [
    'Azure SQL Database: encrypt is always on and the certificate is verified (trustServerCertificate: false).',
    "Set tls.strict (TDS 8.0) to encrypt before login; it is the only way to negotiate TLS 1.3 with tedious.",
  ],
  'azure-postgres': [
    'Azure Database for PostgreSQL Flexible Server: require_secure_transport is on.',
    'CA: DigiCert Global Root G2 and Microsoft RSA Root CA 2017 (combine them into BYOS_DB_CA_FILE).',
  ],
  gcp: [
    'Google Cloud SQL: sslMode ENCRYPTED_ONLY. The server certificate names the instance, not the IP address,',
    'so connect by IP with tls.mode verify-ca and the instance CA (gcloud sql instances describe … serverCaCert).',
  ],
  supabase: [
    'Supabase: direct connections use port 5432; the transaction pooler (Supavisor) uses port 6543.',
    'Through the transaction pooler set pooler.mode = "transaction": no prepared statements, no session state.',
    'CA: download the project certificate from the dashboard (Database settings → SSL) into BYOS_DB_CA_FILE.',
  ],
  neon: [
    'Neon: TLS is required and the certificate is issued by a public CA, so the system trust store verifies it.',
    'Use the pooled host (…-pooler…) with pooler.mode = "transaction" for serverless functions.',
  ],
  'local-postgres': ['Local PostgreSQL for development: plaintext on loopback is allowed; never use this profile in production.'],
  'local-sqlite': ['Local SQLite file for development: WAL mode, foreign keys on, busy timeout 5 s.'],
};
