import { defineRule, truthy, type CheckContext } from '../rule.ts';

/**
 * The database cannot be deleted by one careless change: deletion protection on, and RDS takes a final snapshot.
 *
 * - SOC 2 A1.2 (protect recovery infrastructure) and CC8.1 (changes are authorised: a delete needs a deliberate
 *   second step).
 * - HIPAA 164.308(a)(7)(ii)(A) and 164.312(c)(1) (integrity: ePHI not improperly destroyed).
 * - GDPR Art. 32(1)(b) (ongoing integrity and availability) and PDPA s24 (protection against loss).
 * AWS equivalent: Pulumi aws-rds-instance-enable-deletion-protection style checks; AWS Config
 * rds-instance-deletion-protection-enabled. Azure has no deletion flag on these resources (resource locks are
 * outside the tenant program), so Azure is not judged here.
 */
function rds({ props }: CheckContext): string[] {
  const out: string[] = [];
  if (!truthy(props.deletionProtection)) out.push('deletionProtection must be true');
  if (truthy(props.skipFinalSnapshot)) out.push('skipFinalSnapshot must be false so a deletion leaves a final snapshot');
  return out;
}

const dynamic = ({ props }: CheckContext) => (truthy(props.deletionProtection) ? undefined : 'deletionProtection must be true');

export const deletionProtection = defineRule({
  name: 'deletion-protection',
  description: 'Deletion protection is on for every tenant database.',
  enforcementLevel: 'mandatory',
  severity: 'high',
  frameworks: ['soc2', 'hipaa', 'gdpr', 'pdpa'],
  controls: ['SOC2 A1.2', 'SOC2 CC8.1', 'HIPAA 164.308(a)(7)(ii)(A)', 'HIPAA 164.312(c)(1)', 'GDPR Art. 32(1)(b)', 'PDPA s24'],
  remediationSteps: 'Keep deletionProtection: true (and a final snapshot); retire a tenant through the operator, which lifts protection deliberately.',
  checks: {
    'aws:rds/instance:Instance': rds,
    'aws:rds/cluster:Cluster': rds,
    'gcp:sql/databaseInstance:DatabaseInstance': ({ props }) => {
      const out: string[] = [];
      if (!truthy(props.deletionProtection)) out.push('deletionProtection must be true (Pulumi-side protection)');
      if (!truthy(props.settings?.deletionProtectionEnabled)) out.push('settings.deletionProtectionEnabled must be true (Cloud SQL API protection)');
      return out;
    },
    'pulumi-nodejs:dynamic/supabase:Project': dynamic,
    'pulumi-nodejs:dynamic/neon:Project': dynamic,
  },
});
