import { defineRule, truthy, type CheckContext } from '../rule.ts';

/**
 * Advisory, for tenants whose spec does not ask for a customer-managed key: the storage (and RDS Performance
 * Insights) is encrypted with the provider's own key. Encryption at rest holds either way (encryption-at-rest,
 * mandatory); a key the tenant controls adds what a provider-managed key cannot give, so this only warns.
 *
 * - SOC 2 CC6.1: encryption keys are managed by the entity: who may use the key, and each use logged (CloudTrail,
 *   Key Vault and Cloud KMS audit logs record every decrypt of a customer key; provider keys log nothing to you).
 * - HIPAA 164.312(a)(2)(iv): the encryption mechanism includes key management the covered entity controls.
 * - GDPR Art. 32(1)(a) (encryption) and Art. 17 (erasure): destroying the tenant's key makes every copy, backups
 *   included, unreadable, which is how erasure reaches backups that cannot be edited.
 * CMK tenants are judged by encryption-at-rest (mandatory), so this rule stays silent for them; Supabase and Neon
 * cannot use a customer key at all and are not judged here.
 * AWS equivalents: Pulumi aws-rds-instance-configure-customer-managed-key, aws-rds-cluster-configure-customer-managed-key
 * (storage encrypted without kmsKeyId), aws-rds-instance- and aws-rds-cluster-instance-disallow-unencrypted-performance-insights
 * (Performance Insights without performanceInsightsKmsKeyId); all advisory there too. awsguard rds-storage-encrypted
 * checks a key only when one is configured.
 */
function advise(message: string, uses: (props: Record<string, any>) => boolean) {
  return ({ props, tenant }: CheckContext): string | undefined => (tenant.customerManagedKey || uses(props) ? undefined : message);
}

const rdsStorage = advise('storage is encrypted with the AWS-managed key aws/rds (kmsKeyId unset)', (p) => Boolean(p.kmsKeyId));
const rdsInsights = advise(
  'Performance Insights data is encrypted with the AWS-managed key aws/rds (performanceInsightsKmsKeyId unset)',
  (p) => !truthy(p.performanceInsightsEnabled) || Boolean(p.performanceInsightsKmsKeyId),
);

export const customerManagedKey = defineRule({
  name: 'customer-managed-key',
  description: 'Data at rest is encrypted with a key the tenant controls, even where the spec does not require it.',
  enforcementLevel: 'advisory',
  severity: 'low',
  frameworks: ['soc2', 'hipaa', 'gdpr'],
  controls: ['SOC2 CC6.1', 'HIPAA 164.312(a)(2)(iv)', 'GDPR Art. 32(1)(a)', 'GDPR Art. 17'],
  remediationSteps:
    'Set encryption.customerManagedKey: true in the tenant spec; the provider module then creates the key (KMS, Key Vault, Cloud KMS) with rotation.',
  checks: {
    'aws:rds/instance:Instance': (context) => [rdsStorage(context), rdsInsights(context)].filter((m): m is string => Boolean(m)),
    'aws:rds/cluster:Cluster': rdsStorage,
    'aws:rds/clusterInstance:ClusterInstance': rdsInsights,
    'azure-native:sql:Server': advise('transparent data encryption uses a service-managed key (no Key Vault keyId)', (p) => Boolean(p.keyId)),
    'azure-native:dbforpostgresql:Server': advise(
      'storage is encrypted with a system-managed key (dataEncryption.type is not AzureKeyVault)',
      (p) => p.dataEncryption?.type === 'AzureKeyVault',
    ),
    'gcp:sql/databaseInstance:DatabaseInstance': advise('storage is encrypted with a Google-managed key (encryptionKeyName unset)', (p) =>
      Boolean(p.encryptionKeyName),
    ),
  },
});
