import { isWorldOpen } from '@byos/pulumi';
import { defineRule, type CheckContext } from '../rule.ts';

/**
 * No firewall rule, security group or allow-list admits the whole internet (0.0.0.0/0, ::/0, Azure's
 * 0.0.0.0–255.255.255.255, or Azure's 0.0.0.0–0.0.0.0 "allow all Azure services", which admits every Azure
 * customer). Supabase without CIDRs is recorded as 0.0.0.0/0 and ::/0, and Neon's empty allowedIps admits
 * everyone: both fail here.
 *
 * - SOC 2 CC6.1 (restrict logical access) and CC6.6 (boundary protection against threats from outside).
 * - HIPAA 164.312(a)(1) (access control: only authorised persons or software) and 164.312(e)(1).
 * - GDPR Art. 32(1)(b) (confidentiality of processing systems); PDPA s24 (unauthorised access).
 * AWS equivalents: awsguard rds-instance-public-access and ec2 security-group checks; Pulumi
 * aws-ec2-securitygroup-disallow-inbound-http-traffic style rules. Stricter: any port, IPv6 too.
 */
function worldOpenIn(cidrs: unknown, field: string): string[] {
  return (Array.isArray(cidrs) ? cidrs : []).filter((c) => typeof c === 'string' && isWorldOpen(c)).map((c) => `${field} admits the whole internet (${c})`);
}

function securityGroup({ props }: CheckContext): string[] {
  return (props.ingress ?? []).flatMap((rule: Record<string, unknown>, index: number) => [
    ...worldOpenIn(rule.cidrBlocks, `ingress[${index}].cidrBlocks`),
    ...worldOpenIn(rule.ipv6CidrBlocks, `ingress[${index}].ipv6CidrBlocks`),
  ]);
}

function azureRange(start: string, end: string, field: string) {
  return ({ props }: CheckContext): string | undefined => {
    const from = String(props[start] ?? '');
    const to = String(props[end] ?? '');
    if (from === '0.0.0.0' && to === '255.255.255.255') return `${field} 0.0.0.0–255.255.255.255 admits the whole internet`;
    if (from === '0.0.0.0' && to === '0.0.0.0') return `${field} 0.0.0.0–0.0.0.0 ("allow Azure services") admits every Azure customer`;
    if (/^0*:(0*:)*:?0*$/.test(from) || from === '::') {
      if (/^ffff(:ffff){7}$/i.test(to)) return `${field} ::–ffff:…:ffff admits the whole IPv6 internet`;
    }
    return undefined;
  };
}

export const noWorldOpenNetwork = defineRule({
  name: 'no-world-open-network',
  description: 'No firewall rule, security group or allow-list opens the database to the whole internet.',
  enforcementLevel: 'mandatory',
  severity: 'critical',
  frameworks: ['soc2', 'hipaa', 'gdpr', 'pdpa'],
  controls: ['SOC2 CC6.1', 'SOC2 CC6.6', 'HIPAA 164.312(a)(1)', 'HIPAA 164.312(e)(1)', 'GDPR Art. 32(1)(b)', 'PDPA s24'],
  remediationSteps:
    "List the application's egress ranges in network.allowedCidrs; never 0.0.0.0/0 or ::/0, and never leave a Supabase or Neon allow-list empty.",
  checks: {
    'aws:ec2/securityGroup:SecurityGroup': securityGroup,
    'aws:ec2/securityGroupRule:SecurityGroupRule': ({ props }) =>
      props.type === 'ingress' ? [...worldOpenIn(props.cidrBlocks, 'cidrBlocks'), ...worldOpenIn(props.ipv6CidrBlocks, 'ipv6CidrBlocks')] : [],
    'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule': ({ props }) => [
      ...worldOpenIn([props.cidrIpv4], 'cidrIpv4'),
      ...worldOpenIn([props.cidrIpv6], 'cidrIpv6'),
    ],
    'azure-native:sql:FirewallRule': azureRange('startIpAddress', 'endIpAddress', 'firewall rule'),
    'azure-native:sql:IPv6FirewallRule': azureRange('startIPv6Address', 'endIPv6Address', 'IPv6 firewall rule'),
    'azure-native:dbforpostgresql:FirewallRule': azureRange('startIpAddress', 'endIpAddress', 'firewall rule'),
    'gcp:sql/databaseInstance:DatabaseInstance': ({ props }) =>
      worldOpenIn(
        (props.settings?.ipConfiguration?.authorizedNetworks ?? []).map((n: { value?: string }) => n?.value),
        'settings.ipConfiguration.authorizedNetworks',
      ),
    'pulumi-nodejs:dynamic/supabase:Project': ({ props }) => [
      ...worldOpenIn(props.dbAllowedCidrs, 'dbAllowedCidrs'),
      ...worldOpenIn(props.dbAllowedCidrsV6, 'dbAllowedCidrsV6'),
    ],
    'pulumi-nodejs:dynamic/neon:Project': ({ props }) => {
      const ips = Array.isArray(props.allowedIps) ? props.allowedIps : [];
      if (ips.length === 0) return 'allowedIps is empty, so Neon admits connections from every address';
      return worldOpenIn(ips, 'allowedIps');
    },
  },
});
