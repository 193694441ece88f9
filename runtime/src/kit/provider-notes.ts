import type { ProviderName } from '../contracts/tenant-spec.ts';
import { PROVIDER_REGISTRY } from '../providers/list.ts';

/** What an application developer must know to reach each provider; printed as comments in the kit (descriptors' kitNotes). */
export const PROVIDER_NOTES: Readonly<Record<ProviderName, readonly string[]>> = PROVIDER_REGISTRY.kitNotes;
