import { createHash } from 'node:crypto';

/**
 * Physical names derive from the tenant id, shaped to each service's rules. Tenant ids are 3-63 lowercase
 * letters, digits and dashes (TenantSpec); services are stricter (length, no `--`, underscores only), so names
 * that would be too long are cut and end with a short hash of the full name, keeping them unique and stable.
 */

/** Six hex characters of SHA-256: a stable suffix for shortened names. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 6);
}

export interface NameRules {
  /** Longest name the service accepts. */
  maxLength: number;
  /** Separator between parts (`-` for most services, `_` for SQL identifiers). */
  separator?: '-' | '_';
  /** True when the service forbids the separator twice in a row (RDS, Key Vault). */
  noDoubleSeparator?: boolean;
}

/**
 * Joins `parts` with the separator, lowercases, replaces characters outside `[a-z0-9]` with it and, when the result
 * is too long, cuts it and appends `<sep><hash>`. The result starts with a letter when the first part does.
 */
export function boundedName(parts: readonly string[], rules: NameRules): string {
  const sep = rules.separator ?? '-';
  if (rules.maxLength < 8) throw new Error(`name rules need maxLength of at least 8, got ${rules.maxLength}`);
  let name = parts
    .filter((p) => p.length > 0)
    .join(sep)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, sep);
  if (rules.noDoubleSeparator) name = name.replace(sep === '-' ? /-{2,}/g : /_{2,}/g, sep);
  name = trimSeparators(name, sep);
  if (name.length <= rules.maxLength) return name;
  const suffix = `${sep}${shortHash(name)}`;
  return `${trimSeparators(name.slice(0, rules.maxLength - suffix.length), sep)}${suffix}`;
}

function trimSeparators(name: string, sep: string): string {
  let start = 0;
  let end = name.length;
  while (start < end && name[start] === sep) start++;
  while (end > start && name[end - 1] === sep) end--;
  return name.slice(start, end);
}

/** Pulumi logical name of a tenant's child resource: `<tenant>-<part>`. */
export function logicalName(tenant: string, part: string): string {
  return `${tenant}-${part}`;
}

/** A PostgreSQL / SQL Server database or role name: the tenant id with `_` for `-`, at most 63 characters. */
export function sqlIdentifier(tenant: string, suffix?: string): string {
  return boundedName(suffix ? [tenant, suffix] : [tenant], { maxLength: 63, separator: '_', noDoubleSeparator: true });
}

/** Per-service physical names for one tenant. */
export interface TenantNames {
  /** RDS instance / Aurora cluster identifier (63, letters, digits, single hyphens). */
  rdsIdentifier: string;
  /** RDS subnet and parameter group names (255, but kept short and readable). */
  rdsGroup: string;
  /** KMS alias, `alias/byos/<tenant>`. */
  kmsAlias: string;
  /** Azure resource group (90). */
  azureResourceGroup: string;
  /** Azure SQL logical server / Flexible Server name (63, globally unique DNS label). */
  azureServer: string;
  /** Azure Key Vault name (24, letters, digits, single hyphens, globally unique). */
  azureKeyVault: string;
  /** Cloud SQL instance name (98; kept to 63 for DNS-like readability). */
  cloudSqlInstance: string;
  /** Cloud KMS key ring and key name (63). */
  gcpKeyRing: string;
  /** Database name inside the server. */
  database: string;
  /** Application / admin login. */
  adminUser: string;
}

export function tenantNames(tenant: string): TenantNames {
  return {
    rdsIdentifier: boundedName(['byos', tenant], { maxLength: 63, noDoubleSeparator: true }),
    rdsGroup: boundedName(['byos', tenant], { maxLength: 63, noDoubleSeparator: true }),
    kmsAlias: `alias/byos/${tenant}`,
    azureResourceGroup: boundedName(['rg', 'byos', tenant], { maxLength: 90 }),
    azureServer: boundedName(['byos', tenant], { maxLength: 63, noDoubleSeparator: true }),
    azureKeyVault: boundedName(['kv', tenant], { maxLength: 24, noDoubleSeparator: true }),
    cloudSqlInstance: boundedName(['byos', tenant], { maxLength: 63, noDoubleSeparator: true }),
    gcpKeyRing: boundedName(['byos', tenant], { maxLength: 63 }),
    database: sqlIdentifier(tenant),
    adminUser: 'byos_admin',
  };
}
