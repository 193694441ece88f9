export { RESIDENCY, normalizeRegion, allowedRegions, isRegionAllowed, jurisdictionsOfRegion } from './regions.ts';
export { assertProfileResidency, ResidencyViolationError } from './enforce.ts';
