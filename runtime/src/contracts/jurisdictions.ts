/** Jurisdictions a tenant's data may be pinned to. EU means the EU/EEA as a whole. */
export const JURISDICTIONS = ['SG', 'EU', 'UK', 'US', 'AU', 'JP', 'IN', 'CA', 'KR', 'BR', 'CH', 'HK', 'ID'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];
