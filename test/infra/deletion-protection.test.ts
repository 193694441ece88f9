import { describe, expect, it } from 'vitest';
import { runTenantUnderMocks } from '../../pulumi/components/mock-run.ts';
import { one } from './helpers.ts';

// Issue 17, item 3: deletionProtection is a TenantSpec field (default on) that every provider module carries to its
// database resource, so retire can turn it off with an `up` before destroying.
const tenants = {
  aws: { tenant: 'acme-sg', provider: 'aws', region: 'ap-southeast-1', residency: 'SG' },
  gcp: { tenant: 'acme-sg', provider: 'gcp', region: 'asia-southeast1', residency: 'SG' },
  supabase: { tenant: 'acme-sg', provider: 'supabase', region: 'ap-southeast-1', residency: 'SG' },
  neon: { tenant: 'care-us', provider: 'neon', region: 'aws-us-east-2', residency: 'US' },
};

/** The deletion-protection inputs of the provider's database resource. */
const protection: Record<keyof typeof tenants, (inputs: Record<string, any>) => unknown[]> = {
  aws: (inputs) => [inputs.deletionProtection],
  gcp: (inputs) => [inputs.deletionProtection, inputs.settings.deletionProtectionEnabled],
  supabase: (inputs) => [inputs.deletionProtection],
  neon: (inputs) => [inputs.deletionProtection],
};

const DATABASE_TYPE = {
  aws: 'aws:rds/instance:Instance',
  gcp: 'gcp:sql/databaseInstance:DatabaseInstance',
  supabase: 'pulumi-nodejs:dynamic/supabase:Project',
  neon: 'pulumi-nodejs:dynamic/neon:Project',
} as const;

describe('deletionProtection comes from the spec', () => {
  for (const provider of Object.keys(tenants) as (keyof typeof tenants)[]) {
    it(`${provider}: on by default, off when the spec says false`, async () => {
      const byDefault = await runTenantUnderMocks(tenants[provider]);
      expect(byDefault.spec.deletionProtection).toBe(true);
      expect(protection[provider](one(byDefault, DATABASE_TYPE[provider]).inputs)).toEqual(provider === 'gcp' ? [true, true] : [true]);
      const off = await runTenantUnderMocks({ ...tenants[provider], deletionProtection: false });
      expect(protection[provider](one(off, DATABASE_TYPE[provider]).inputs)).toEqual(provider === 'gcp' ? [false, false] : [false]);
    });
  }
});
