import { JURISDICTIONS, type Jurisdiction } from '../../contracts/jurisdictions.ts';

/** `local` is the developer's machine: allowed under every residency, for development stacks only (never production personal data). */
export const LOCAL_REGIONS: Readonly<Record<Jurisdiction, readonly string[]>> = Object.fromEntries(
  JURISDICTIONS.map((j): [Jurisdiction, readonly string[]] => [j, ['local']]),
) as Record<Jurisdiction, readonly string[]>;
