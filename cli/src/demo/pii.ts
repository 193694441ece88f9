import type { TenantDb } from '@byos/runtime';
import { type PiiScanResult, scanPii } from '@byos/runtime/guard/pii';
import { formatPiiReport } from '../commands/pii.ts';

/** For `byos demo`: scans an open tenant with a small sample and returns the printable report. */
export async function demoPii(tenant: TenantDb, sample = 100): Promise<{ result: PiiScanResult; report: string }> {
  const result = await scanPii(tenant, { sample });
  return { result, report: formatPiiReport(result) };
}
