import type { OfflineValues } from '../descriptor.ts';

/**
 * Shared pieces of the offline answers (descriptors' `offline`): values are obviously fake (account 123456789012,
 * `mock` in every host) so nothing produced offline can be mistaken for a real endpoint.
 */

export const MOCK_ACCOUNT = '123456789012';
export const MOCK_GCP_PROJECT = 'byos-offline';
export const MOCK_AZURE_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
export const MOCK_AZURE_TENANT = '11111111-1111-1111-1111-111111111111';
export const MOCK_AZURE_OBJECT = '22222222-2222-2222-2222-222222222222';

/** A non-empty string input, else the fallback. */
export function str(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.length > 0 ? value : fallback;
}

/** The region (AWS, GCP) or location (Azure) a resource was declared in. */
export function regionOf(inputs: OfflineValues): string {
  return str(inputs.region ?? inputs.location, 'mock-region');
}
