import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResidencyError } from '../../pulumi/providers/errors.ts';
import {
  AZURE_PAIRED_REGIONS,
  RESIDENCY,
  allowedRegions,
  assertResidency,
  azureGeoCopyAllowed,
  azurePairedRegion,
  gcpBackupLocationAllowed,
  isRegionAllowed,
  jurisdictionsOfRegion,
  normalizeRegion,
} from '../../pulumi/providers/residency.ts';
import { JURISDICTIONS, PROVIDERS, type Jurisdiction, type ProviderName } from '@byos/runtime';

const CLOUDS: ProviderName[] = ['aws', 'gcp', 'azure-sql', 'azure-postgres', 'supabase', 'neon'];

describe('residency table', () => {
  it('covers every jurisdiction and provider of the contracts', () => {
    expect(Object.keys(RESIDENCY).sort()).toEqual([...JURISDICTIONS].sort());
    for (const j of JURISDICTIONS) expect(Object.keys(RESIDENCY[j]).sort()).toEqual([...PROVIDERS].sort());
  });

  it('gives AWS, GCP and Azure at least one region in every jurisdiction', () => {
    for (const j of JURISDICTIONS)
      for (const p of ['aws', 'gcp', 'azure-sql', 'azure-postgres'] as const) expect(allowedRegions(p, j).length, `${p} ${j}`).toBeGreaterThan(0);
  });

  it('puts each cloud region in exactly one jurisdiction', () => {
    for (const p of CLOUDS) {
      const seen = new Map<string, Jurisdiction>();
      for (const j of JURISDICTIONS) {
        for (const region of allowedRegions(p, j)) {
          expect(seen.get(region), `${p} ${region} in ${seen.get(region)} and ${j}`).toBeUndefined();
          seen.set(region, j);
        }
      }
    }
  });

  it('keeps London and Zurich out of the EU, and Singapore only in SG', () => {
    expect(isRegionAllowed('aws', 'EU', 'eu-west-2')).toBe(false);
    expect(isRegionAllowed('aws', 'UK', 'eu-west-2')).toBe(true);
    expect(isRegionAllowed('gcp', 'EU', 'europe-west6')).toBe(false);
    expect(isRegionAllowed('gcp', 'CH', 'europe-west6')).toBe(true);
    expect(jurisdictionsOfRegion('aws', 'ap-southeast-1')).toEqual(['SG']);
    expect(jurisdictionsOfRegion('neon', 'aws-ap-southeast-1')).toEqual(['SG']);
    expect(jurisdictionsOfRegion('supabase', 'eu-central-2')).toEqual(['CH']);
  });

  it('lets a tenant without residency live anywhere and local stacks under any residency', () => {
    expect(isRegionAllowed('aws', undefined, 'sa-east-1')).toBe(true);
    for (const j of JURISDICTIONS) expect(isRegionAllowed('local-postgres', j, 'local')).toBe(true);
  });

  it('normalises Azure display names and case', () => {
    expect(normalizeRegion('azure-sql', 'West Europe')).toBe('westeurope');
    expect(isRegionAllowed('azure-postgres', 'EU', 'North Europe')).toBe(true);
    expect(isRegionAllowed('gcp', 'SG', 'ASIA-SOUTHEAST1')).toBe(true);
  });

  it('agrees with its reverse lookup for every listed region (property)', () => {
    const pairs = CLOUDS.flatMap((p) => JURISDICTIONS.flatMap((j) => allowedRegions(p, j).map((r) => [p, j, r] as const)));
    fc.assert(
      fc.property(fc.constantFrom(...pairs), ([provider, jurisdiction, region]) => {
        expect(isRegionAllowed(provider, jurisdiction, region)).toBe(true);
        expect(jurisdictionsOfRegion(provider, region)).toEqual([jurisdiction]);
        for (const other of JURISDICTIONS) if (other !== jurisdiction) expect(isRegionAllowed(provider, other, region)).toBe(false);
      }),
    );
  });

  it('throws a ResidencyError naming tenant, region and the allowed regions', () => {
    expect(() => assertResidency({ tenant: 'acme-sg', provider: 'gcp', region: 'us-central1', residency: 'SG' })).toThrow(
      'tenant acme-sg: region us-central1 is outside its residency SG (allowed gcp regions for SG: asia-southeast1)',
    );
    const error = (() => {
      try {
        assertResidency({ tenant: 'x-id', provider: 'supabase', region: 'ap-southeast-1', residency: 'ID' });
      } catch (e) {
        return e as ResidencyError;
      }
    })();
    expect(error).toBeInstanceOf(ResidencyError);
    expect(error!.message).toContain('supabase has no region in ID');
    expect(error!.allowedRegions).toEqual([]);
    expect(() => assertResidency({ tenant: 'acme-sg', provider: 'aws', region: 'ap-southeast-1', residency: 'SG' })).not.toThrow();
  });
});

describe('backup copies', () => {
  it('pairs Azure regions and refuses geo copies that leave the jurisdiction', () => {
    expect(azurePairedRegion('southeastasia')).toBe('eastasia');
    expect(azureGeoCopyAllowed('southeastasia', 'SG')).toBe(false);
    expect(azureGeoCopyAllowed('westeurope', 'EU')).toBe(true);
    expect(azureGeoCopyAllowed('uksouth', 'UK')).toBe(true);
    // Brazil South's pair is South Central US: a one-way pair out of the country.
    expect(azureGeoCopyAllowed('brazilsouth', 'BR')).toBe(false);
    expect(azureGeoCopyAllowed('brazilsouth', undefined)).toBe(true);
    // Regions without a pair have no geo copy to allow.
    expect(azurePairedRegion('italynorth')).toBeUndefined();
    expect(azureGeoCopyAllowed('italynorth', 'EU')).toBe(false);
  });

  it('lists only pairs whose regions are Azure regions of the table', () => {
    const known = new Set(JURISDICTIONS.flatMap((j) => allowedRegions('azure-sql', j)));
    for (const [region, pair] of Object.entries(AZURE_PAIRED_REGIONS)) {
      expect(known.has(region), region).toBe(true);
      expect(known.has(pair), pair).toBe(true);
    }
  });

  it('accepts a Cloud SQL backup location only inside the jurisdiction, and never an unset one under a residency', () => {
    expect(gcpBackupLocationAllowed('europe-west1', 'EU')).toBe(true);
    expect(gcpBackupLocationAllowed('eu', 'EU')).toBe(false);
    expect(gcpBackupLocationAllowed(undefined, 'EU')).toBe(false);
    expect(gcpBackupLocationAllowed('us-central1', 'EU')).toBe(false);
    expect(gcpBackupLocationAllowed(undefined, undefined)).toBe(true);
  });
});
