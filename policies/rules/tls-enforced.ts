import { defineRule, truthy, type CheckContext } from '../rule.ts';

/**
 * Connections must be encrypted (TLS 1.2 or later); a server that also accepts plaintext fails.
 *
 * - HIPAA 164.312(e)(1) (transmission security) and 164.312(e)(2)(ii) (encryption in transit).
 * - GDPR Art. 32(1)(a): encryption of personal data, in transit as much as at rest.
 * - SOC 2 CC6.7: data is protected while transmitted.
 * - PDPA s24: reasonable security arrangements against unauthorised interception.
 * AWS equivalent: Pulumi aws-rds-instance-disallow-unencrypted-in-transit, which asks only that a PostgreSQL
 * instance names a parameter group; this rule also asks it of Aurora clusters and judges the group's content
 * (awsguard has no RDS transit rule). An instance without its own group gets the engine's default group, which
 * BYOS does not control.
 */
const TLS_OK = new Set(['TLSv1.2', 'TLSv1.3', '1.2', '1.3']);

function parameter(props: Record<string, any>, name: string): string | undefined {
  const found = (props.parameters ?? []).find((p: { name?: string }) => p?.name === name);
  return found ? String(found.value) : undefined;
}

function rdsParameters({ props }: CheckContext): string[] {
  const family = String(props.family ?? '');
  if (family && !family.includes('postgres')) return [];
  const out: string[] = [];
  if (parameter(props, 'rds.force_ssl') !== '1') out.push(`rds.force_ssl must be 1, got ${parameter(props, 'rds.force_ssl') ?? 'unset (plaintext allowed)'}`);
  const min = parameter(props, 'ssl_min_protocol_version');
  if (min !== undefined && !TLS_OK.has(min)) out.push(`ssl_min_protocol_version must be TLSv1.2 or later, got ${min}`);
  return out;
}

/** The instance or cluster must name its own parameter group (the one judged above), not fall back to the default. */
function usesParameterGroup(field: string) {
  return ({ props }: CheckContext): string | undefined => {
    if (!String(props.engine ?? 'postgres').includes('postgres')) return undefined;
    return props[field] ? undefined : `${field} is unset, so the default parameter group applies and rds.force_ssl is not under this stack's control`;
  };
}

export const tlsEnforced = defineRule({
  name: 'tls-enforced',
  description: 'The database accepts only encrypted connections, TLS 1.2 or later.',
  enforcementLevel: 'mandatory',
  severity: 'high',
  frameworks: ['hipaa', 'gdpr', 'soc2', 'pdpa'],
  controls: ['HIPAA 164.312(e)(1)', 'HIPAA 164.312(e)(2)(ii)', 'GDPR Art. 32(1)(a)', 'SOC2 CC6.7', 'PDPA s24'],
  remediationSteps:
    'Keep the provider module defaults: rds.force_ssl=1, Azure minimalTlsVersion 1.2, Flexible Server require_secure_transport=on, Cloud SQL sslMode ENCRYPTED_ONLY, Supabase sslEnforced.',
  checks: {
    'aws:rds/instance:Instance': usesParameterGroup('parameterGroupName'),
    'aws:rds/cluster:Cluster': usesParameterGroup('dbClusterParameterGroupName'),
    'aws:rds/parameterGroup:ParameterGroup': rdsParameters,
    'aws:rds/clusterParameterGroup:ClusterParameterGroup': rdsParameters,
    'azure-native:sql:Server': ({ props }) =>
      TLS_OK.has(String(props.minimalTlsVersion)) ? undefined : `minimalTlsVersion must be 1.2 or later, got ${props.minimalTlsVersion ?? 'unset'}`,
    'azure-native:dbforpostgresql:Configuration': ({ props }) => {
      if (props.configurationName === 'require_secure_transport' && !truthy(String(props.value).toLowerCase())) {
        return `require_secure_transport must be on, got ${props.value}`;
      }
      if (props.configurationName === 'ssl_min_protocol_version' && !TLS_OK.has(String(props.value))) {
        return `ssl_min_protocol_version must be TLSv1.2 or later, got ${props.value}`;
      }
      return undefined;
    },
    'gcp:sql/databaseInstance:DatabaseInstance': ({ props }) => {
      const mode = props.settings?.ipConfiguration?.sslMode;
      return mode === 'ENCRYPTED_ONLY' || mode === 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED'
        ? undefined
        : `settings.ipConfiguration.sslMode must be ENCRYPTED_ONLY, got ${mode ?? 'unset (plaintext allowed)'}`;
    },
    'pulumi-nodejs:dynamic/supabase:Project': ({ props }) =>
      truthy(props.sslEnforced) ? undefined : 'sslEnforced must be true (Supabase accepts plaintext connections unless SSL enforcement is on)',
  },
});
