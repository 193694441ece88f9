import { defineRule } from '../rule.ts';

/**
 * Customer-managed keys rotate at least yearly.
 *
 * - SOC 2 CC6.1 (encryption keys are managed, including rotation) and PCI-style key lifecycle as SOC 2 auditors
 *   test it.
 * - HIPAA 164.312(a)(2)(iv): an encryption mechanism whose keys are managed; rotation bounds the data one key exposes.
 * - GDPR Art. 32(1)(a) and PDPA s24: the encryption stays effective over time.
 * AWS equivalent: AWS Config cmk-backing-key-rotation-enabled; Pulumi aws-kms-key-enable-key-rotation.
 */
const MAX_DAYS = 365;

/** Days in an ISO 8601 duration (`P365D`, `P1Y`, `P12M`, `P52W`); NaN when it cannot be read. */
export function isoDurationDays(value: unknown): number {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(String(value ?? ''));
  if (!match || match.slice(1).every((part) => part === undefined)) return Number.NaN;
  const [, y = '0', m = '0', w = '0', d = '0'] = match;
  return Number(y) * 365 + Number(m) * 30 + Number(w) * 7 + Number(d);
}

export const kmsKeyRotation = defineRule({
  name: 'kms-key-rotation',
  description: 'Customer-managed encryption keys rotate automatically at least once a year.',
  enforcementLevel: 'mandatory',
  severity: 'medium',
  frameworks: ['soc2', 'hipaa', 'gdpr', 'pdpa'],
  controls: ['SOC2 CC6.1', 'HIPAA 164.312(a)(2)(iv)', 'GDPR Art. 32(1)(a)', 'PDPA s24'],
  remediationSteps:
    'Enable automatic rotation: AWS enableKeyRotation (rotationPeriodInDays ≤ 365), Cloud KMS rotationPeriod ≤ 31536000s, Key Vault rotationPolicy rotate ≤ P365D.',
  checks: {
    'aws:kms/key:Key': ({ props }) => {
      if (props.enableKeyRotation !== true) return 'enableKeyRotation must be true';
      const days = props.rotationPeriodInDays === undefined ? 365 : Number(props.rotationPeriodInDays);
      return days > MAX_DAYS ? `rotationPeriodInDays ${days} exceeds ${MAX_DAYS}` : undefined;
    },
    'gcp:kms/cryptoKey:CryptoKey': ({ props }) => {
      const match = /^(\d+(?:\.\d+)?)s$/.exec(String(props.rotationPeriod ?? ''));
      if (!match) return `rotationPeriod must be set (at most ${MAX_DAYS * 86_400}s), got ${props.rotationPeriod ?? 'unset'}`;
      const days = Number(match[1]) / 86_400;
      return days > MAX_DAYS ? `rotationPeriod ${props.rotationPeriod} exceeds ${MAX_DAYS} days` : undefined;
    },
    'azure-native:keyvault:Key': ({ props }) => {
      const actions: { action?: { type?: string }; trigger?: { timeAfterCreate?: string; timeBeforeExpiry?: string } }[] =
        props.properties?.rotationPolicy?.lifetimeActions ?? [];
      const rotate = actions.find((a) => String(a?.action?.type).toLowerCase() === 'rotate');
      if (!rotate) return 'properties.rotationPolicy has no rotate action';
      const days = isoDurationDays(rotate.trigger?.timeAfterCreate);
      return Number.isNaN(days) || days > MAX_DAYS
        ? `rotate action timeAfterCreate must be at most P${MAX_DAYS}D, got ${rotate.trigger?.timeAfterCreate ?? 'unset'}`
        : undefined;
    },
    'azure-native:sql:EncryptionProtector': ({ props }) =>
      props.serverKeyType === 'AzureKeyVault' && props.autoRotationEnabled !== true
        ? 'autoRotationEnabled must be true so the server follows the Key Vault key to its new version'
        : undefined,
  },
});
