import { describe, expect, it } from 'vitest';
import { assertProfileAllowed, connect, parseConnectionProfile } from '@byos/runtime';
import { RESIDENCY as IAC_RESIDENCY, isRegionAllowed as iacIsRegionAllowed } from '../../../pulumi/providers/residency.ts';
import { RESIDENCY, ResidencyViolationError } from '@byos/runtime/guard/residency';
import { freshProfile } from '../../helpers/databases.ts';

const awsProfile = (region: string | undefined, residency?: 'SG' | 'EU') => ({
  tenant: 'acme-sg',
  provider: 'aws' as const,
  dialect: 'postgres' as const,
  // Unroutable (TEST-NET-1): a refusal must come before any connection attempt.
  host: '192.0.2.1',
  database: 'acme',
  user: 'app',
  password: 'sup3r-secret-pw',
  ...(region ? { region } : {}),
  ...(residency ? { residency } : {}),
});

describe('residency at connect', () => {
  it('refuses a region outside the residency, naming region, jurisdiction and tenant, before any traffic', async () => {
    const error = await connect(awsProfile('eu-west-1', 'SG')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResidencyViolationError);
    const message = (error as Error).message;
    expect(message).toContain('tenant acme-sg');
    expect(message).toContain('region eu-west-1');
    expect(message).toContain('in EU');
    expect(message).toContain('outside its residency SG');
    expect(message).toContain('allowed aws regions for SG: ap-southeast-1');
    expect(message).not.toContain('sup3r-secret-pw');
    expect((error as ResidencyViolationError).region).toBe('eu-west-1');
    expect((error as ResidencyViolationError).residency).toBe('SG');
  });

  it('fails closed when a residency is set and the region is not', () => {
    expect(() => assertProfileAllowed(parseConnectionProfile(awsProfile(undefined, 'SG')))).toThrow(
      /tenant acme-sg: its residency is SG but the profile names no region/,
    );
  });

  it('allows regions inside the residency (Azure display names too) and profiles without a residency', () => {
    expect(() => assertProfileAllowed(parseConnectionProfile(awsProfile('ap-southeast-1', 'SG')))).not.toThrow();
    expect(() => assertProfileAllowed(parseConnectionProfile(awsProfile('eu-west-1')))).not.toThrow();
    const azure = { tenant: 'acme-eu', provider: 'azure-sql', dialect: 'mssql', host: 'x.database.windows.net', database: 'acme', residency: 'EU' };
    expect(() => assertProfileAllowed(parseConnectionProfile({ ...azure, region: 'West Europe' }))).not.toThrow();
    expect(() => assertProfileAllowed(parseConnectionProfile({ ...azure, region: 'UK South' }))).toThrow(
      /region UK South \(azure-sql, in UK\) is outside its residency EU/,
    );
    expect(() => assertProfileAllowed(parseConnectionProfile({ ...azure, region: 'atlantis' }))).toThrow(/unknown region/);
  });

  it('a real local database connects inside its residency and is refused outside it', async () => {
    const base = await freshProfile('postgres', 'residency');
    const tenant = await connect({ ...base, tenant: 'dev-sg', residency: 'SG', region: 'local' });
    try {
      const { rows } = await (await import('kysely')).sql<{ one: number }>`select 1 as one`.execute(tenant.db);
      expect(rows[0]!.one).toBe(1);
    } finally {
      await tenant.close();
    }
    await expect(connect({ ...base, tenant: 'dev-sg', residency: 'SG', region: 'ap-southeast-1' })).rejects.toThrow(
      /tenant dev-sg: region ap-southeast-1 \(local-postgres, unknown region\) is outside its residency SG \(allowed local-postgres regions for SG: local\)/,
    );
    const sqlite = await freshProfile('sqlite', 'residency');
    await expect(connect({ ...sqlite, residency: 'EU', region: 'eu-west-1' })).rejects.toBeInstanceOf(ResidencyViolationError);
  });

  it('the runtime and the IaC side judge with one table', () => {
    expect(IAC_RESIDENCY).toBe(RESIDENCY);
    expect(iacIsRegionAllowed('gcp', 'SG', 'asia-southeast1')).toBe(true);
    expect(iacIsRegionAllowed('gcp', 'SG', 'europe-west1')).toBe(false);
  });
});
