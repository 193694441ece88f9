export { createMasker, parseMaskSpec, partialMask, maskText, MASK_KINDS, REDACTED, type Masker, type MaskerOptions, type MaskKind } from './masker.ts';
export { deriveMaskingKeys, tokenize, detokenize, keyedHash, TOKEN_PREFIX, type MaskingKeys } from './token.ts';
export { maskTransform } from './export-transform.ts';
