/**
 * Property and random-input tests run a few thousand cases by default, so that the suite stays quick on a loaded
 * two-core machine; BYOS_THOROUGH=1 runs the long form (the counts their titles state) before a release or when
 * touching the code they guard.
 */
export const THOROUGH = process.env.BYOS_THOROUGH === '1';

/** `quick` cases normally, `thorough` with BYOS_THOROUGH=1. */
export function cases(quick: number, thorough: number): number {
  return THOROUGH ? thorough : quick;
}
