import { CUSTOMER_KEY_PROVIDERS } from '@byos/runtime';
import { defineRule, truthy, type CheckContext } from '../rule.ts';

/** `aws, azure-sql, azure-postgres or gcp`: the providers whose descriptors say they take a customer-managed key. */
const CUSTOMER_KEY_CHOICES = `${CUSTOMER_KEY_PROVIDERS.slice(0, -1).join(', ')} or ${CUSTOMER_KEY_PROVIDERS.at(-1)}`;

/**
 * Data at rest is encrypted, with the tenant's own key (KMS / Key Vault / Cloud KMS) when the spec asks for one;
 * a provider that cannot use a customer key (Supabase, Neon) is refused for such a tenant.
 *
 * - HIPAA 164.312(a)(2)(iv) (encryption and decryption, addressable): ePHI stored encrypted.
 * - GDPR Art. 32(1)(a): "the pseudonymisation and encryption of personal data" is the first measure named.
 * - SOC 2 CC6.1 (logical access: encryption protects data at rest) and CC6.7 (data protected in storage).
 * - PDPA s24: reasonable security arrangements; the PDPC's guide names encryption of stored personal data.
 * A customer-managed key is what the tenant asked for, so failing to use it is a violation whatever the frameworks.
 * The tenant's KMS key must be usable by RDS (enabled, symmetric, for encryption) and its policy cannot have
 * skipped AWS's lockout safety check (Pulumi aws-kms-key-disallow-bypass-policy-lockout-safety-check).
 * AWS equivalents: awsguard rds-storage-encrypted; Pulumi aws-rds-instance- and aws-rds-cluster-disallow-unencrypted-storage
 * (mandatory here). Their advisory customer-key checks for tenants that do not ask for one are customer-managed-key's.
 */
function rdsStorage({ props, tenant }: CheckContext): string[] {
  const out: string[] = [];
  if (!truthy(props.storageEncrypted)) out.push('storageEncrypted must be true (RDS storage and snapshots unencrypted)');
  if (tenant.customerManagedKey && !props.kmsKeyId)
    out.push('the tenant asks for a customer-managed key, but kmsKeyId is not set (AWS-managed aws/rds key used)');
  if (truthy(props.performanceInsightsEnabled) && tenant.customerManagedKey && !props.performanceInsightsKmsKeyId) {
    out.push('Performance Insights data is not encrypted with the customer-managed key (performanceInsightsKmsKeyId)');
  }
  return out;
}

function refuseCustomerKey(provider: string) {
  return ({ tenant }: CheckContext) =>
    tenant.customerManagedKey
      ? `the tenant asks for a customer-managed key, which ${provider} cannot honour (storage is encrypted with ${provider}'s own keys); choose ${CUSTOMER_KEY_CHOICES}`
      : undefined;
}

function kmsKey({ props }: CheckContext): string[] {
  const out: string[] = [];
  if (props.isEnabled === false || props.isEnabled === 'false') out.push('isEnabled is false: RDS cannot decrypt the storage with a disabled key');
  if (props.keyUsage !== undefined && props.keyUsage !== 'ENCRYPT_DECRYPT') out.push(`keyUsage must be ENCRYPT_DECRYPT, got ${props.keyUsage}`);
  const spec = props.customerMasterKeySpec;
  if (spec !== undefined && spec !== 'SYMMETRIC_DEFAULT') out.push(`RDS needs a SYMMETRIC_DEFAULT key, got ${spec}`);
  if (truthy(props.bypassPolicyLockoutSafetyCheck))
    out.push('bypassPolicyLockoutSafetyCheck must not be true (the key policy could lock every administrator out)');
  return out;
}

export const encryptionAtRest = defineRule({
  name: 'encryption-at-rest',
  description: 'Database storage is encrypted at rest, with the customer-managed key when the tenant asks for one.',
  enforcementLevel: 'mandatory',
  severity: 'critical',
  frameworks: ['hipaa', 'gdpr', 'soc2', 'pdpa'],
  controls: ['HIPAA 164.312(a)(2)(iv)', 'GDPR Art. 32(1)(a)', 'SOC2 CC6.1', 'SOC2 CC6.7', 'PDPA s24'],
  remediationSteps: `Set encryption.customerManagedKey in the tenant spec and let the provider module create the key; keep storageEncrypted / TDE / dataEncryption on; for a customer key move the tenant to ${CUSTOMER_KEY_CHOICES}.`,
  checks: {
    'aws:kms/key:Key': kmsKey,
    'aws:rds/instance:Instance': rdsStorage,
    'aws:rds/cluster:Cluster': rdsStorage,
    'aws:rds/clusterInstance:ClusterInstance': ({ props, tenant }) =>
      truthy(props.performanceInsightsEnabled) && tenant.customerManagedKey && !props.performanceInsightsKmsKeyId
        ? 'Performance Insights data is not encrypted with the customer-managed key (performanceInsightsKmsKeyId)'
        : undefined,
    'azure-native:sql:TransparentDataEncryption': ({ props }) =>
      props.state === 'Enabled' ? undefined : `transparent data encryption must be Enabled, got ${props.state ?? 'unset'}`,
    'azure-native:sql:Server': ({ props, tenant }) =>
      tenant.customerManagedKey && !props.keyId
        ? 'the tenant asks for a customer-managed key, but the server has no Key Vault keyId (service-managed TDE key)'
        : undefined,
    'azure-native:sql:EncryptionProtector': ({ props, tenant }) =>
      tenant.customerManagedKey && props.serverKeyType !== 'AzureKeyVault'
        ? 'the TDE protector must be an AzureKeyVault key for a customer-managed key'
        : undefined,
    'azure-native:dbforpostgresql:Server': ({ props, tenant }) => {
      const encryption = props.dataEncryption ?? {};
      if (!tenant.customerManagedKey) return undefined;
      return encryption.type === 'AzureKeyVault' && encryption.primaryKeyURI
        ? undefined
        : 'the tenant asks for a customer-managed key, but dataEncryption is not AzureKeyVault with a primaryKeyURI';
    },
    'gcp:sql/databaseInstance:DatabaseInstance': ({ props, tenant }) =>
      tenant.customerManagedKey && !props.encryptionKeyName ? 'the tenant asks for a customer-managed key, but encryptionKeyName (CMEK) is not set' : undefined,
    'pulumi-nodejs:dynamic/supabase:Project': refuseCustomerKey('Supabase'),
    'pulumi-nodejs:dynamic/neon:Project': refuseCustomerKey('Neon'),
  },
});
